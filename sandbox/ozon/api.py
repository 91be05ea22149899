"""The Seller API chat routes, plus the middleware that authenticates, rate-limits, counts
and injects faults into every non-control request.

Only the eight current chat operations exist (and ``/v3/posting/fbs/get``, for the order
context a chat's topic shows); the removed ``/v1/chat/updates``,
``/v1/chat/list``, ``/v1/chat/history`` and ``/v2/chat/history`` fall through to the generic
404 ``rpcStatus`` answer, as on the live API.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web

from . import errors, wire
from .context import CONTEXT, EmulatorContext
from .errors import ApiError
from .faults import Fault, FaultKind
from .ids import format_time
from .markdown import FILE_ROUTE

CONTROL_PREFIX = "/__control/"
REMOVED_ENDPOINTS = ("/v1/chat/updates", "/v1/chat/list", "/v1/chat/history", "/v2/chat/history")
#: Downloads are counted and fault-matched under one key, not one per file.
FILE_DOWNLOAD_PATH = FILE_ROUTE.rstrip("/")
_GRPC_CODE_BY_STATUS = {400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 409: 6, 413: 3, 429: 8}

#: The authenticated Client-Id, stored on the request by the middleware.
_CLIENT_ID: web.RequestKey[str] = web.RequestKey("ozon_client_id", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def error_response(error: ApiError) -> web.Response:
    response = json_response(error.body(), status=error.status)
    if error.status == 429:
        response.headers["Retry-After"] = "1"
    return response


def canonical_path(path: str) -> str:
    """The key a call is counted and fault-matched under."""
    return FILE_DOWNLOAD_PATH if path.startswith(FILE_ROUTE) else path


# ----------------------------------------------------------------- middleware


@web.middleware
async def seller_api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count, apply faults, authenticate, and render errors as ``rpcStatus``."""
    if request.path.startswith(CONTROL_PREFIX):
        return await handler(request)
    context = request.app[CONTEXT]
    client_header = request.headers.get("Client-Id", "")
    path = canonical_path(request.path)
    context.calls[(client_header, path)] += 1
    fault = context.state.take_fault(path, client_header)
    if fault is not None:
        early = await _apply_fault_before(request, fault)
        if early is not None:
            return early
    response = await _authenticated_call(request, handler, context)
    if fault is not None and fault.kind is FaultKind.ACCEPT_THEN_DROP:
        return _drop_connection(request)
    held = fault is not None and fault.kind is FaultKind.HOLD
    if held and fault is not None and not await fault.hold(lambda: _connection_gone(request)):
        return _drop_connection(request)
    return response


def _connection_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def _apply_fault_before(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    """Answer (or drop) now for faults that act before processing; None lets the call run."""
    if fault.kind is FaultKind.DROP:
        return _drop_connection(request)
    if fault.kind is FaultKind.RATE_LIMIT:
        return error_response(errors.rate_limited())
    if fault.kind is FaultKind.SERVER_ERROR:
        return error_response(errors.internal())
    if fault.kind is FaultKind.SLOW:
        await asyncio.sleep(fault.seconds or 0.0)
    if fault.kind is FaultKind.FAIL_MID_UPLOAD:
        if request.content_length:
            await request.content.read(min(request.content_length // 2, 64 * 1024) or 1)
        return _drop_connection(request)
    return None


def _drop_connection(request: web.Request) -> web.StreamResponse:
    """Close the socket so the client gets no response at all.

    aiohttp then fails to write the returned placeholder and, seeing a connection error,
    quietly gives up on it.
    """
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)


async def _authenticated_call(
    request: web.Request, handler: Handler, context: EmulatorContext
) -> web.StreamResponse:
    try:
        routing_error = getattr(request.match_info, "http_exception", None)
        if routing_error is not None:
            raise routing_error
        request[_CLIENT_ID] = _authenticate(request, context)
        return await handler(request)
    except ApiError as error:
        return error_response(error)
    except web.HTTPException as http_error:
        code = _GRPC_CODE_BY_STATUS.get(http_error.status, 2)
        return error_response(ApiError(http_error.status, code, http_error.reason))


def _authenticate(request: web.Request, context: EmulatorContext) -> str:
    """Header checks in Ozon's order; returns the Client-Id of an allowed seller."""
    client_id = request.headers.get("Client-Id", "")
    api_key = request.headers.get("Api-Key", "")
    if not client_id or not api_key:
        raise errors.unauthenticated()
    if not (client_id.isascii() and client_id.isdigit() and int(client_id) > 0):
        raise errors.bad_request(errors.MSG_BAD_CLIENT_ID)
    if not context.limiter.allow(client_id):
        raise errors.rate_limited()
    seller = context.state.find_seller(client_id)
    if seller is None or not hmac.compare_digest(seller.api_key.encode(), api_key.encode()):
        raise errors.invalid_key()
    if not seller.premium:
        raise errors.permission_denied()
    return client_id


async def _read_body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise errors.invalid_body() from None
    return wire.require_object(body)


# ---------------------------------------------------------------------- routes


async def chat_list(request: web.Request) -> web.Response:
    """``POST /v3/chat/list``."""
    body = await _read_body(request)
    chat_filter = wire.optional_object(body, "filter")
    limit = wire.optional_int(body, "limit")
    if not limit:
        raise errors.required("limit")
    page = request.app[CONTEXT].state.list_chats(
        request[_CLIENT_ID],
        limit=limit,
        chat_status=wire.optional_string(chat_filter, "chat_status"),
        unread_only=wire.optional_bool(chat_filter, "unread_only"),
        cursor=wire.optional_string(body, "cursor"),
    )
    return json_response(
        {
            "chats": [wire.chat_item(chat) for chat in page.chats],
            "total_unread_count": page.total_unread_count,
            "cursor": page.cursor,
            "has_next": page.has_next,
        }
    )


async def chat_history(request: web.Request) -> web.Response:
    """``POST /v3/chat/history``."""
    body = await _read_body(request)
    chat_id = wire.required_string(body, "chat_id")
    history_filter = wire.optional_object(body, "filter")
    state = request.app[CONTEXT].state
    chat, messages, has_next = state.history(
        request[_CLIENT_ID],
        chat_id,
        direction=wire.optional_string(body, "direction"),
        from_message_id=wire.uint64(body.get("from_message_id")),
        limit=wire.optional_int(body, "limit") or 0,
        message_ids=wire.uint64_list(history_filter.get("message_ids")),
    )
    base_url = state.public_base_url
    return json_response(
        {
            "has_next": has_next,
            "messages": [
                wire.unreadable_item(item) if message.id in state.unreadable_messages else item
                for message in messages
                for item in (wire.message_item(chat, message, base_url),)
            ],
        }
    )


async def send_message(request: web.Request) -> web.Response:
    """``POST /v1/chat/send/message``."""
    body = await _read_body(request)
    chat_id = wire.required_string(body, "chat_id")
    text = wire.optional_string(body, "text")
    request.app[CONTEXT].state.send_message(request[_CLIENT_ID], chat_id, text)
    return json_response({"result": "success"})


async def send_file(request: web.Request) -> web.Response:
    """``POST /v1/chat/send/file`` (JSON with base64 content, not multipart)."""
    body = await _read_body(request)
    chat_id = wire.required_string(body, "chat_id")
    encoded = wire.required_string(body, "base64_content")
    name = wire.required_string(body, "name")
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_body() from None
    request.app[CONTEXT].state.send_file(request[_CLIENT_ID], chat_id, name, content)
    return json_response({"result": "success"})


async def chat_read(request: web.Request) -> web.Response:
    """``POST /v2/chat/read``."""
    body = await _read_body(request)
    chat_id = wire.required_string(body, "chat_id")
    from_message_id = wire.uint64(body.get("from_message_id"))
    unread = request.app[CONTEXT].state.mark_read(request[_CLIENT_ID], chat_id, from_message_id)
    return json_response({"unread_count": unread})


async def chat_start(request: web.Request) -> web.Response:
    """``POST /v1/chat/start``."""
    body = await _read_body(request)
    posting_number = wire.optional_string(body, "posting_number")
    chat_id = request.app[CONTEXT].state.start_chat(request[_CLIENT_ID], posting_number)
    return json_response({"result": {"chat_id": chat_id}})


async def posting_get(request: web.Request) -> web.Response:
    """``POST /v3/posting/fbs/get``: what a chat's order is about (the fields the bot
    reads: products, status, ``analytics_data`` when ``with.analytics_data`` is asked)."""
    body = await _read_body(request)
    posting_number = wire.optional_string(body, "posting_number")
    posting = request.app[CONTEXT].state.posting(request[_CLIENT_ID], posting_number)
    result: dict[str, Any] = {
        "posting_number": posting.posting_number,
        "order_number": posting.order_number,
        "status": posting.status,
        "products": [
            {"sku": int(posting.sku) if posting.sku.isdigit() else 0,
             "name": posting.product_name, "quantity": 1, "offer_id": "", "price": "0"}
        ],
    }  # fmt: skip
    extra = body.get("with")
    if isinstance(extra, dict) and extra.get("analytics_data") is True:
        result["analytics_data"] = {
            "delivery_date_begin": posting.delivery_date_begin or None,
            "delivery_date_end": posting.delivery_date_end or None,
        }
    return json_response({"result": result})


async def download_file(request: web.Request) -> web.Response:
    """``GET /v2/chat/file/<path>``: attachment bytes, behind the same auth headers."""
    stored = request.app[CONTEXT].state.get_file(request[_CLIENT_ID], request.match_info["path"])
    response = web.Response(body=stored.content, content_type=stored.content_type)
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.name)}"
    return response


async def notification_call(request: web.Request) -> web.Response:
    """``POST /v1/notification/*``: push subscriptions (sandbox/ozon/notifications.py)."""
    body = await _read_body(request)
    state = request.app[CONTEXT].state
    answer = state.notifications.handle(
        request[_CLIENT_ID], request.path, body, format_time(state.now())
    )
    return json_response(answer)


def add_seller_api_routes(router: web.UrlDispatcher) -> None:
    for name in ("set", "update", "delete", "check", "enable", "list", "push-type/list"):
        router.add_post(f"/v1/notification/{name}", notification_call)
    router.add_post("/v3/chat/list", chat_list)
    router.add_post("/v3/chat/history", chat_history)
    router.add_post("/v1/chat/send/message", send_message)
    router.add_post("/v1/chat/send/file", send_file)
    router.add_post("/v2/chat/read", chat_read)
    router.add_post("/v1/chat/start", chat_start)
    router.add_post("/v3/posting/fbs/get", posting_get)
    router.add_get(FILE_ROUTE + "{path:.+}", download_file)
