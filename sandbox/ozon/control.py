"""The control API under ``/__control/``: thin JSON wrappers over :class:`EmulatorState`.

It lets out-of-process tools (the offline demo, the benchmark driver, a shell with curl) do
what in-process tests do with ``emu.state``. No auth, no rate limit, not counted in ``calls``.
Errors answer ``{"error": "<message>"}`` with 400 (bad input) or 404 (unknown seller/chat).
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

from .context import CONTEXT, EmulatorContext
from .errors import ApiError
from .ids import format_time
from .models import SentRecord
from .state import UnknownSellerError

PREFIX = "/__control"

_dumps = functools.partial(json.dumps, ensure_ascii=False)
ControlHandler = Callable[[web.Request, EmulatorContext], Awaitable[Any]]


class ControlError(Exception):
    """A control request the emulator cannot act on."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _route(
    handler: ControlHandler, *, status: int = 200
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Adapt ``handler(request, context) -> json-able`` into an aiohttp handler with errors."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        try:
            result = await handler(request, request.app[CONTEXT])
        except ControlError as error:
            return _error(error.status, error.message)
        except UnknownSellerError as error:
            return _error(404, str(error))
        except ApiError as error:
            return _error(error.status, error.message)
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


def _field(
    body: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any = ...
) -> Any:
    """A typed body field; missing without a default is a 400."""
    value = body.get(name)
    if value is None:
        if default is ...:
            raise ControlError(400, f"{name} is required")
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        raise ControlError(400, f"{name} must be {' or '.join(k.__name__ for k in kinds)}")
    return value


def _b64(body: dict[str, Any], name: str) -> bytes | None:
    value = _field(body, name, str, None)
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ControlError(400, f"{name} is not valid base64") from None


def _time(body: dict[str, Any], name: str) -> datetime | None:
    value = _field(body, name, str, None)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ControlError(400, f"{name} must be an RFC3339 timestamp") from None
    if parsed.tzinfo is None:
        raise ControlError(400, f"{name} must include a timezone")
    return parsed


def _sent_json(record: SentRecord) -> dict[str, Any]:
    return {
        "chat_id": record.chat_id,
        "message_id": record.message_id,
        "kind": record.kind,
        "text": record.text,
        "file_name": record.file_name,
        "file_base64": (
            base64.b64encode(record.file_bytes).decode() if record.file_bytes is not None else None
        ),
        "at": format_time(record.at),
    }


# ---------------------------------------------------------------------- handlers


async def create_seller(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    client_id = str(_field(body, "client_id", (str, int)))
    ctx.state.add_seller(
        client_id,
        _field(body, "api_key", str),
        premium=_field(body, "premium", bool, True),
        name=_field(body, "name", str, ""),
    )
    return ctx.state.seller_stats(client_id)


async def set_premium(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    client_id = request.match_info["client_id"]
    ctx.state.set_premium(client_id, _field(body, "premium", bool))
    return {"client_id": client_id, "premium": ctx.state.seller(client_id).premium}


async def set_api_key(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    client_id = request.match_info["client_id"]
    ctx.state.set_api_key(client_id, _field(body, "api_key", str))
    return {"client_id": client_id}


async def set_push_url(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    client_id = request.match_info["client_id"]
    url = body.get("url")
    if url is not None and not isinstance(url, str):
        raise ControlError(400, "url must be a string or null")
    ctx.state.set_push_url(client_id, url)
    return {"client_id": client_id, "url": url}


async def update_notifications(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    """Switches for ``/v1/notification/*``: ``refuse`` (the beta says no to this seller) and
    ``status`` GREEN/YELLOW/RED with ``reason``/``details`` for every subscription."""
    client_id = request.match_info["client_id"]
    ctx.state.seller(client_id)
    body = await _body(request)
    book = ctx.state.notifications
    refuse = _field(body, "refuse", bool, None)
    if refuse is not None:
        book.of(client_id).refuse = refuse
    status = _field(body, "status", str, None)
    if status is not None:
        book.set_health(
            client_id,
            status=status,
            reason=_field(body, "reason", str, "") or "",
            details=_field(body, "details", str, "") or "",
            problematic_type=_field(body, "problematic_type", str, "") or "",
            now=format_time(ctx.state.now()),
        )
    return {"subscriptions": [s.to_json() for s in book.of(client_id).items.values()],
            "refuse": book.of(client_id).refuse}  # fmt: skip


async def create_posting(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    posting_number = _field(body, "posting_number", str)
    ctx.state.add_posting(
        request.match_info["client_id"],
        posting_number,
        order_number=_field(body, "order_number", str, ""),
        sku=_field(body, "sku", str, ""),
    )
    return {"posting_number": posting_number}


async def create_buyer_message(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    file_name = _field(body, "file_name", str, None)
    file_bytes = _b64(body, "file_base64")
    if (file_name is None) != (file_bytes is None):
        raise ControlError(400, "file_name and file_base64 go together")
    chat_id, message_id = ctx.state.buyer_writes(
        request.match_info["client_id"],
        text=_field(body, "text", str, None),
        image=_b64(body, "image_base64"),
        image_name=_field(body, "image_name", str, "photo.jpg"),
        file=(file_name, file_bytes) if file_name is not None and file_bytes is not None else None,
        chat_id=_field(body, "chat_id", str, None),
        buyer_id=_field(body, "buyer_id", str, None),
        order_number=_field(body, "order_number", str, ""),
        sku=str(_field(body, "sku", (str, int), "")),
        posting_number=_field(body, "posting_number", str, ""),
        at=_time(body, "at"),
    )
    return {"chat_id": chat_id, "message_id": message_id}


async def create_cabinet_reply(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    message_id = ctx.state.seller_writes_in_cabinet(
        request.match_info["client_id"], _field(body, "chat_id", str), _field(body, "text", str)
    )
    return {"message_id": message_id}


async def close_chat(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    chat_id = _field(body, "chat_id", str)
    ctx.state.close_chat(request.match_info["client_id"], chat_id)
    return {"chat_id": chat_id, "chat_status": "CLOSED"}


async def create_seeded_chats(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    chat_ids = ctx.state.seed_chats(
        request.match_info["client_id"],
        _field(body, "count", int),
        messages_per_chat=_field(body, "messages_per_chat", int, 1),
        age=timedelta(seconds=_field(body, "age_seconds", float, 3600.0)),
    )
    return {"created": len(chat_ids), "chat_ids": chat_ids}


async def create_follow_ups(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    """Every seller: ``per_seller`` random buyer chats get one more buyer message."""
    body = await _body(request)
    per_seller = _field(body, "per_seller", int)
    seed = _field(body, "seed", int, 0)
    touched = sum(
        len(ctx.state.buyers_follow_up(client_id, per_seller, seed=seed + index))
        for index, client_id in enumerate(ctx.state.client_ids())
    )
    return {"messages": touched}


async def list_sent(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    records = ctx.state.sent_by_seller(
        request.match_info["client_id"], request.query.get("chat_id") or None
    )
    return {"sent": [_sent_json(record) for record in records]}


async def create_fault(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    client_id = _field(body, "client_id", (str, int), None)
    fault = ctx.state.add_fault(
        _field(body, "kind", str),
        count=_field(body, "count", int, None),
        seconds=_field(body, "seconds", float, None),
        until=_time(body, "until"),
        path=_field(body, "path", str, None),
        client_id=None if client_id is None else str(client_id),
        skip=_field(body, "skip", int, 0),
    )
    return fault.to_json()


async def list_faults(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    return {"faults": [fault.to_json() for fault in ctx.state.faults]}


async def release_fault(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    fault_id = int(request.match_info["fault_id"])
    fault = ctx.state.faults.get(fault_id)
    if fault is None:
        raise ControlError(404, f"no fault {fault_id}")
    ctx.state.faults.release(fault)
    return fault.to_json()


async def clear_faults(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    cleared = len(ctx.state.faults)
    ctx.state.clear_faults()
    return {"cleared": cleared}


async def advance_clock(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    ctx.state.advance_clock(_field(body, "seconds", float))
    return {"now": format_time(ctx.state.now())}


async def update_settings(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    body = await _body(request)
    inclusive = _field(body, "history_inclusive", bool, None)
    if inclusive is not None:
        ctx.state.history_inclusive = inclusive
    rps = _field(body, "rate_limit_rps", int, None)
    if rps is not None:
        ctx.limiter.rps = rps
    return {"history_inclusive": ctx.state.history_inclusive, "rate_limit_rps": ctx.limiter.rps}


async def get_state(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    state = ctx.state
    return {
        "now": format_time(state.now()),
        "public_base_url": state.public_base_url,
        "history_inclusive": state.history_inclusive,
        "rate_limit_rps": ctx.limiter.rps,
        "totals": state.stats(),
        "calls": sum(ctx.calls.values()),
        "sellers": [state.seller_stats(seller.client_id) for seller in state.sellers()],
        "faults": [fault.to_json() for fault in state.faults],
    }


async def reset(request: web.Request, ctx: EmulatorContext) -> dict[str, Any]:
    ctx.reset()
    return {"reset": True}


def add_control_routes(router: web.UrlDispatcher) -> None:
    seller = PREFIX + "/sellers/{client_id}"
    router.add_post(PREFIX + "/sellers", _route(create_seller, status=201))
    router.add_post(seller + "/premium", _route(set_premium))
    router.add_post(seller + "/api_key", _route(set_api_key))
    router.add_post(seller + "/push_url", _route(set_push_url))
    router.add_post(seller + "/notifications", _route(update_notifications))
    router.add_post(seller + "/postings", _route(create_posting, status=201))
    router.add_post(seller + "/buyer_message", _route(create_buyer_message, status=201))
    router.add_post(seller + "/cabinet_reply", _route(create_cabinet_reply, status=201))
    router.add_post(seller + "/close_chat", _route(close_chat))
    router.add_post(seller + "/seed", _route(create_seeded_chats, status=201))
    router.add_get(seller + "/sent", _route(list_sent))
    router.add_post(PREFIX + "/follow_ups", _route(create_follow_ups, status=201))
    router.add_post(PREFIX + "/faults", _route(create_fault, status=201))
    router.add_get(PREFIX + "/faults", _route(list_faults))
    router.add_delete(PREFIX + "/faults", _route(clear_faults))
    router.add_post(PREFIX + "/faults/{fault_id}/release", _route(release_fault))
    router.add_post(PREFIX + "/clock/advance", _route(advance_clock))
    router.add_post(PREFIX + "/settings", _route(update_settings))
    router.add_get(PREFIX + "/state", _route(get_state))
    router.add_post(PREFIX + "/reset", _route(reset))
