"""The control API under ``/__control/``: thin JSON wrappers over :class:`WbState`.

Lets out-of-process tools (the offline demo, a shell with curl) do what in-process tests do
with ``emu.state``. No auth, no budget, not counted in ``calls``. Errors answer
``{"error": "<message>"}`` with 400 (bad input) or 404 (unknown seller, chat, file, fault).
The routes are listed in the package docstring.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from .context import CONTEXT, WbContext
from .models import Moderation, SentRecord
from .state import UnknownChatError, UnknownSellerError, Upload
from .tokens import TokenKind

PREFIX = "/__control"

_dumps = functools.partial(json.dumps, ensure_ascii=False)
ControlHandler = Callable[[web.Request, WbContext], Awaitable[Any]]


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _route(
    handler: ControlHandler, *, status: int = 200
) -> Callable[[web.Request], Awaitable[web.Response]]:
    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        try:
            result = await handler(request, request.app[CONTEXT])
        except ControlError as error:
            return _error(error.status, error.message)
        except (UnknownSellerError, UnknownChatError) as error:
            return _error(404, str(error))
        except (ValueError, TypeError) as error:
            return _error(400, str(error))
        return web.json_response(result, status=status, dumps=_dumps)

    return wrapped


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status, dumps=_dumps)


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ControlError(400, "body must be JSON") from None
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def _field(body: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    value = body.get(name)
    if value is None:
        if default is ...:
            raise ControlError(400, f"{name} is required")
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
        raise ControlError(400, f"{name} must be {kind.__name__}")
    return value


def _bytes(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise ControlError(400, f"{name} must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ControlError(400, f"{name} is not valid base64") from None


def _upload(item: Any, default_name: str) -> Upload:
    if not isinstance(item, dict):
        raise ControlError(400, "each image/file must be an object")
    moderation = Moderation(_field(item, "moderation", str, "approved"))
    polls = _field(item, "pending_polls", int, None)
    if polls is not None and polls < 0:
        raise ControlError(400, "pending_polls must not be negative")
    return Upload(
        name=_field(item, "name", str, default_name),
        content=_bytes(item.get("base64"), "base64"),
        moderation=moderation,
        pending_polls=polls,
        then=Moderation(_field(item, "then", str, "approved")),
    )


def _time(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _sent_json(record: SentRecord) -> dict[str, Any]:
    return {
        "chat_id": record.chat_id,
        "event_id": record.event_id,
        "text": record.text,
        "files": [
            {
                "name": f.name,
                "content_type": f.content_type,
                "size": len(f.content),
                "download_id": f.download_id,
            }
            for f in record.files
        ],
        "add_timestamp": record.ts_ms,
    }


async def create_seller(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    seller_id = ctx.state.add_seller(
        _field(body, "seller_id", str, None), name=_field(body, "name", str, "")
    )
    token = ctx.state.issue_token(seller_id, token=_field(body, "token", str, None))
    return {"seller_id": seller_id, "token": token.token, **token.to_json()}


async def create_token(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    seller_id = request.match_info["seller_id"]
    expires_in = _field(body, "expires_in", float, None)
    expires_at = (
        ctx.state.now() + timedelta(seconds=expires_in) if expires_in is not None else None
    )
    token = ctx.state.issue_token(
        seller_id,
        kind=TokenKind(_field(body, "kind", str, "personal")),
        buyer_chat=_field(body, "buyer_chat", bool, True),
        expires_at=expires_at,
        token=_field(body, "token", str, None),
    )
    return {"token": token.token, **token.to_json()}


async def buyer_message(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    images = _field(body, "images", list, [])
    files = _field(body, "files", list, [])
    uploads = [_upload(item, f"photo{i + 1}.jpg") for i, item in enumerate(images)]
    uploads += [_upload(item, f"file{i + 1}.pdf") for i, item in enumerate(files)]
    event = ctx.state.buyer_writes(
        request.match_info["seller_id"],
        text=_field(body, "text", str, None),
        chat_id=_field(body, "chat_id", str, None),
        client_name=_field(body, "client_name", str, "Покупатель"),
        nm_id=_field(body, "nm_id", int, 12345678),
        source=_field(body, "source", str, "rusite"),
        uploads=uploads,
    )
    chat = ctx.state.chats[event.chat_id]
    return {
        "chat_id": event.chat_id,
        "event_id": event.event_id,
        "reply_sign": chat.reply_sign,
        "add_timestamp": event.ts_ms,
        "download_ids": [f.download_id for f in event.files],
    }


async def portal_reply(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    event = ctx.state.portal_reply(
        request.match_info["seller_id"], _field(body, "chat_id", str), _field(body, "text", str)
    )
    return {"event_id": event.event_id, "add_timestamp": event.ts_ms}


async def set_moderation(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    state = Moderation(_field(body, "state", str))
    try:
        stored = ctx.state.set_moderation(request.match_info["download_id"], state)
    except KeyError:
        raise ControlError(404, "unknown downloadID") from None
    return {"download_id": stored.download_id, "state": str(stored.moderation)}


async def list_sent(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    seller_id = request.match_info["seller_id"]
    if seller_id not in ctx.state.sellers:
        raise UnknownSellerError(seller_id)
    records = ctx.state.sent_by(seller_id, request.query.get("chat_id"))
    return {"sent": [_sent_json(r) for r in records]}


async def create_fault(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    fault = ctx.state.faults.add(
        _field(body, "kind", str),
        count=_field(body, "count", int, None),
        seconds=_field(body, "seconds", float, None),
        path=_field(body, "path", str, None),
        seller_id=_field(body, "seller_id", str, None),
        skip=_field(body, "skip", int, 0),
    )
    return fault.to_json()


async def list_faults(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    return {"faults": [f.to_json() for f in ctx.state.faults]}


async def release_fault(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    try:
        fault = ctx.state.faults.get(int(request.match_info["fault_id"]))
    except ValueError:
        fault = None
    if fault is None:
        raise ControlError(404, "unknown fault")
    ctx.state.faults.release(fault)
    return fault.to_json()


async def clear_faults(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    return {"cleared": ctx.state.faults.clear()}


async def advance_clock(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    return {"now": _time(ctx.state.advance(_field(body, "seconds", float)))}


async def update_settings(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    body = await _body(request)
    page = _field(body, "events_page_size", int, ctx.state.events_page_size)
    mode = _field(body, "auth_mode", str, ctx.state.auth_mode)
    if page < 1 or mode not in ("both", "bearer", "bare"):
        raise ControlError(400, "events_page_size >= 1; auth_mode both, bearer or bare")
    ctx.state.events_page_size = page
    ctx.state.auth_mode = mode
    ctx.budgets.enabled = _field(body, "rate_limit", bool, ctx.budgets.enabled)
    return _settings(ctx)


def _settings(ctx: WbContext) -> dict[str, Any]:
    return {
        "events_page_size": ctx.state.events_page_size,
        "auth_mode": ctx.state.auth_mode,
        "rate_limit": ctx.budgets.enabled,
    }


async def get_state(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    state = ctx.state
    return {
        "now": _time(state.now()),
        "settings": _settings(ctx),
        "totals": {
            "sellers": len(state.sellers),
            "chats": len(state.chats),
            "events": sum(len(e) for e in state.events.values()),
            "sent": len(state.sent),
            "files": len(state.files),
        },
        "calls": [
            {"seller_id": seller, "path": path, "count": count}
            for (seller, path), count in sorted(ctx.calls.items())
        ],
        "sellers": [
            {
                "seller_id": sid,
                "name": name,
                "tokens": [t.to_json() for t in state.tokens.values() if t.seller_id == sid],
            }
            for sid, name in state.sellers.items()
        ],
        "faults": [f.to_json() for f in state.faults],
    }


async def reset(request: web.Request, ctx: WbContext) -> dict[str, Any]:
    ctx.reset()
    return {"reset": True}


def add_control_routes(router: web.UrlDispatcher) -> None:
    seller = PREFIX + "/sellers/{seller_id}"
    router.add_post(PREFIX + "/sellers", _route(create_seller, status=201))
    router.add_post(seller + "/tokens", _route(create_token, status=201))
    router.add_post(seller + "/buyer_message", _route(buyer_message, status=201))
    router.add_post(seller + "/portal_reply", _route(portal_reply, status=201))
    router.add_get(seller + "/sent", _route(list_sent))
    router.add_post(PREFIX + "/files/{download_id}/moderation", _route(set_moderation))
    router.add_post(PREFIX + "/faults", _route(create_fault, status=201))
    router.add_get(PREFIX + "/faults", _route(list_faults))
    router.add_delete(PREFIX + "/faults", _route(clear_faults))
    router.add_post(PREFIX + "/faults/{fault_id}/release", _route(release_fault))
    router.add_post(PREFIX + "/clock/advance", _route(advance_clock))
    router.add_post(PREFIX + "/settings", _route(update_settings))
    router.add_get(PREFIX + "/state", _route(get_state))
    router.add_post(PREFIX + "/reset", _route(reset))
