"""The control API under ``/__control/``: thin JSON wrappers over :class:`YmState` and the
push simulator, for out-of-process tools (the demo, curl). No auth, no limits, not counted.
Errors answer ``{"error": "<message>"}`` with 400 or 404. Routes: see the package docstring.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .context import CONTEXT, YmContext
from .state import ApiFailure, UnknownBusinessError, Upload, iso

PREFIX = "/__control"
ControlHandler = Callable[[web.Request, YmContext], Awaitable[Any]]
_dumps = functools.partial(json.dumps, ensure_ascii=False)


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
        except ApiFailure as failure:
            return _error(404 if failure.status == 404 else 400, failure.message)
        except UnknownBusinessError as error:
            return _error(404, str(error))
        except (ValueError, TypeError, KeyError) as error:
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


def _uploads(items: Any) -> list[Upload]:
    uploads = []
    for item in items or []:
        try:
            content = base64.b64decode(str(item["base64"]), validate=True)
        except (binascii.Error, KeyError) as exc:
            raise ControlError(400, "each file needs name and base64") from exc
        uploads.append(Upload(str(item.get("name") or "file"), content,
                              str(item.get("content_type") or "application/octet-stream"),
                              bool(item.get("refused", False))))  # fmt: skip
    return uploads


def _business(request: web.Request) -> int:
    return int(request.match_info["business_id"])


async def add_business(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    record = context.state.add_business(
        int(body["business_id"]), name=str(body.get("name") or ""),
        campaign_ids=[int(c) for c in body.get("campaign_ids") or []] or None,
    )  # fmt: skip
    return {"business_id": record.business_id, "name": record.name,
            "campaign_ids": record.campaign_ids}  # fmt: skip


async def issue_key(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    key = context.state.issue_key(
        [int(b) for b in body.get("business_ids") or []],
        scopes=[str(s) for s in body.get("scopes") or ["COMMUNICATION"]],
        token=body.get("token"), name=str(body.get("name") or "desk"),
    )  # fmt: skip
    return {"token": key.token, "scopes": sorted(key.scopes),
            "business_ids": sorted(key.business_ids)}  # fmt: skip


async def buyer_message(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    context_fields = {
        k: body[k]
        for k in ("context_type", "order_id", "return_id", "customer_name",
                  "customer_public_id", "campaign_id")
        if body.get(k) is not None
    }  # fmt: skip
    message = context.state.buyer_writes(
        _business(request), text=body.get("text"), chat_id=body.get("chat_id"),
        files=_uploads(body.get("files")), **context_fields,
    )  # fmt: skip
    return {"chat_id": message.chat_id, "message_id": message.message_id,
            "created_at": iso(message.created_at)}  # fmt: skip


async def market_message(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    message = context.state.market_writes(
        _business(request), int(body["chat_id"]), str(body["text"]),
        sender=str(body.get("sender") or "MARKET"),
    )  # fmt: skip
    return {"chat_id": message.chat_id, "message_id": message.message_id}


async def cabinet_reply(request: web.Request, context: YmContext) -> Any:
    """A seller message typed in the cabinet (not through the API)."""
    body = await _body(request)
    message = context.state.partner_writes(
        _business(request), int(body["chat_id"]), str(body["text"]), []
    )
    return {"chat_id": message.chat_id, "message_id": message.message_id}


async def arbitrage(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    chat_id = int(body["chat_id"])
    if body.get("finished"):
        chat = context.state.finish_arbitrage(_business(request), chat_id)
    else:
        chat = context.state.start_arbitrage(_business(request), chat_id)
    return {"chat_id": chat.chat_id, "type": chat.chat_type, "status": chat.status}


async def chat_status(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    chat = context.state.set_status(_business(request), int(body["chat_id"]), str(body["status"]))
    return {"chat_id": chat.chat_id, "status": chat.status}


async def sent(request: web.Request, context: YmContext) -> Any:
    chat_id = request.query.get("chat_id")
    messages = context.state.sent_by_partner(_business(request), int(chat_id) if chat_id else None)
    return {"sent": [
        {"chat_id": m.chat_id, "message_id": m.message_id, "text": m.text,
         "files": [{"name": f.name, "size": len(f.content), "content_type": f.content_type}
                   for f in m.files],
         "created_at": iso(m.created_at)}
        for m in messages
    ]}  # fmt: skip


async def add_fault(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    kind = str(body.get("kind", ""))
    fault = context.state.add_fault(
        kind, count=body.get("count"), seconds=body.get("seconds"), path=body.get("path"),
        business_id=int(body["business_id"]) if body.get("business_id") else None,
        skip=int(body.get("skip") or 0),
    )  # fmt: skip
    return fault.to_json()


async def list_faults(request: web.Request, context: YmContext) -> Any:
    return {"faults": [f.to_json() for f in context.state.faults]}


async def clear_faults(request: web.Request, context: YmContext) -> Any:
    return {"cleared": context.state.faults.clear()}


async def release_fault(request: web.Request, context: YmContext) -> Any:
    fault = context.state.faults.get(int(request.match_info["fault_id"]))
    if fault is None:
        raise ControlError(404, "unknown fault")
    context.state.faults.release(fault)
    return fault.to_json()


async def push_settings(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    settings = context.push.settings
    if "url" in body:
        business_id = int(body["business_id"])
        if body["url"]:
            settings.urls[business_id] = str(body["url"])
        else:
            settings.urls.pop(business_id, None)
    if "duplicates" in body:
        settings.duplicates = max(int(body["duplicates"]), 0)
    if "hold_order" in body:
        settings.hold_order = bool(body["hold_order"])
    if "notify_partner" in body:
        settings.notify_partner = bool(body["notify_partner"])
    if "retry_delays" in body:
        settings.retry_delays = tuple(float(d) for d in body["retry_delays"])
    return _push_json(context)


def _push_json(context: YmContext) -> dict[str, Any]:
    settings = context.push.settings
    return {"urls": {str(k): v for k, v in settings.urls.items()},
            "duplicates": settings.duplicates, "hold_order": settings.hold_order,
            "notify_partner": settings.notify_partner,
            "retry_delays": list(settings.retry_delays)}  # fmt: skip


async def push_ping(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    context.push.ping(int(body["business_id"]))
    return {"pinged": True}


async def push_release(request: web.Request, context: YmContext) -> Any:
    return {"released": context.push.release_held()}


async def push_deliveries(request: web.Request, context: YmContext) -> Any:
    return {"deliveries": [d.to_json() for d in context.push.deliveries]}


async def clock_advance(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    return {"now": iso(context.state.advance(float(body["seconds"])))}


async def settings(request: web.Request, context: YmContext) -> Any:
    body = await _body(request)
    if "rate_limit" in body:
        context.limits.enabled = bool(body["rate_limit"])
    if "history_from_inclusive" in body:
        context.state.history_from_inclusive = bool(body["history_from_inclusive"])
    for operation, limit in (body.get("hourly_limits") or {}).items():
        context.limits.overrides[str(operation)] = int(limit)
    return {"rate_limit": context.limits.enabled,
            "history_from_inclusive": context.state.history_from_inclusive,
            "hourly_limits": dict(context.limits.overrides)}  # fmt: skip


async def state(request: web.Request, context: YmContext) -> Any:
    return {
        "now": iso(context.state.now()),
        "businesses": sorted(context.state.businesses),
        "chats": len(context.state.chats),
        "calls": [{"owner": o, "path": p, "count": n} for (o, p), n in context.calls.items()],
        "peak_in_flight": dict(context.limits.peak_in_flight),
        "push": _push_json(context),
    }


async def reset(request: web.Request, context: YmContext) -> Any:
    context.reset()
    return {"reset": True}


def add_control_routes(router: web.UrlDispatcher) -> None:
    b = PREFIX + "/businesses/{business_id}"
    router.add_post(PREFIX + "/businesses", _route(add_business, status=201))
    router.add_post(PREFIX + "/keys", _route(issue_key, status=201))
    router.add_post(b + "/buyer_message", _route(buyer_message, status=201))
    router.add_post(b + "/market_message", _route(market_message, status=201))
    router.add_post(b + "/cabinet_reply", _route(cabinet_reply, status=201))
    router.add_post(b + "/arbitrage", _route(arbitrage))
    router.add_post(b + "/status", _route(chat_status))
    router.add_get(b + "/sent", _route(sent))
    router.add_post(PREFIX + "/faults", _route(add_fault, status=201))
    router.add_get(PREFIX + "/faults", _route(list_faults))
    router.add_delete(PREFIX + "/faults", _route(clear_faults))
    router.add_post(PREFIX + "/faults/{fault_id}/release", _route(release_fault))
    router.add_post(PREFIX + "/push", _route(push_settings))
    router.add_post(PREFIX + "/push/ping", _route(push_ping))
    router.add_post(PREFIX + "/push/release", _route(push_release))
    router.add_get(PREFIX + "/push/deliveries", _route(push_deliveries))
    router.add_post(PREFIX + "/clock/advance", _route(clock_advance))
    router.add_post(PREFIX + "/settings", _route(settings))
    router.add_get(PREFIX + "/state", _route(state))
    router.add_post(PREFIX + "/reset", _route(reset))
