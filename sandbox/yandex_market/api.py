"""The chat routes, and the middleware that authenticates, limits, validates and injects
faults into every request outside ``/__control/``.

Order on every call: the key (401), the fault book, the 4-in-flight cap (420), the hourly
bucket (420; every answer after this point, 4xx included, has spent a unit and carries
``X-RateLimit-Resource-*``), the spec check (400), the cabinet and the scopes (403), then
the method. Buyer files are served at ``/files/{id}`` (not a Partner API path: the real
ones live on Yandex's file hosts) with the same key.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from sandbox.wildberries.faults import Fault, FaultKind

from . import wire
from .context import CONTEXT, YmContext
from .spec import SpecViolation, check_request, find_operation
from .state import ApiFailure, KeyRecord, Upload, decode_token, encode_token

CONTROL_PREFIX = "/__control/"
FILES = "/files"
BUSINESS = "/v2/businesses/{businessId}"
MAX_FILE_BYTES = 5 * 1000 * 1000
#: Yandex's JSON body limit.
MAX_JSON_BYTES = 512 * 1024
WRITE_OPERATIONS = frozenset({"sendMessageToChat", "sendFileToChat", "createChat"})
CHAT_SCOPES = frozenset({"ALL_METHODS", "ALL_METHODS_READ_ONLY", "COMMUNICATION"})
#: getBusinessOrders' ``x-auth-scopes`` (COMMUNICATION is not among them).
ORDER_SCOPES = frozenset({
    "ALL_METHODS", "ALL_METHODS_READ_ONLY", "INVENTORY_AND_ORDER_PROCESSING",
    "INVENTORY_AND_ORDER_PROCESSING_READ_ONLY", "FINANCE_AND_ACCOUNTING",
})  # fmt: skip

_KEY: web.RequestKey[KeyRecord] = web.RequestKey("ym_key", KeyRecord)
_BUSINESS: web.RequestKey[int] = web.RequestKey("ym_business", int)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def failure_response(failure: ApiFailure) -> web.Response:
    return json_response(wire.error(failure.code, failure.message), status=failure.status)


def _business_of(path: str) -> int | None:
    parts = path.strip("/").split("/")
    version_ok = parts[:1] in (["v1"], ["v2"])
    if len(parts) >= 3 and version_ok and parts[1] == "businesses" and parts[2].isdigit():
        return int(parts[2])
    return None


def canonical_path(path: str) -> str:
    """The key a call is counted and fault-matched under: the path without the cabinet
    (``/chats/history``), ``/files`` for downloads, else the path itself."""
    if path.startswith(FILES + "/"):
        return FILES
    business = _business_of(path)
    if business is not None:
        return "/" + "/".join(path.strip("/").split("/")[3:])
    return path


@web.middleware
async def ym_api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(CONTROL_PREFIX):
        return await handler(request)
    context = request.app[CONTEXT]
    path = canonical_path(request.path)
    try:
        key: KeyRecord | ApiFailure = context.state.authenticate(request.headers.get("Api-Key"))
    except ApiFailure as failure:
        key = failure
    business = _business_of(request.path)
    owner = str(business) if business is not None else (
        key.token[-8:] if isinstance(key, KeyRecord) else ""
    )  # fmt: skip
    context.calls[(owner, path)] += 1
    fault = context.state.faults.take(path, owner)
    if fault is not None:
        early = await _before(request, fault)
        if early is not None:
            return early
    if isinstance(key, ApiFailure):
        return failure_response(key)
    if not context.limits.enter(owner):
        return failure_response(
            ApiFailure(
                420,
                "LIMIT_EXCEEDED",
                f"Hit rate limit of 4 parallel requests for businessId {owner}",
            )
        )
    try:
        if fault is not None and fault.kind is FaultKind.SLOW:
            await asyncio.sleep(fault.seconds or 0.0)  # slow while in flight
        response = await _call(request, handler, context, key, (owner, business))
    finally:
        context.limits.leave(owner)
    return await _after(request, fault, response)


async def _after(
    request: web.Request, fault: Fault | None, response: web.StreamResponse
) -> web.StreamResponse:
    """Faults that act once the work is done: no answer, or an answer held back."""
    if fault is not None and fault.kind is FaultKind.ACCEPT_THEN_DROP:
        return _drop(request)
    if (
        fault is not None
        and fault.kind is FaultKind.HOLD
        and not await fault.hold(lambda: _gone(request))
    ):
        return _drop(request)
    return response


def _parallel(owner: str) -> ApiFailure:
    text = f"Hit rate limit of 4 parallel requests for businessId {owner}"
    return ApiFailure(420, "LIMIT_EXCEEDED", text)


async def _before(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    if fault.kind is FaultKind.DROP:
        return _drop(request)
    if fault.kind is FaultKind.RATE_LIMIT:
        # The parallel cap's 420 (retryable); a spent hourly bucket comes from the limits.
        owner = str(_business_of(request.path) or "")
        return failure_response(_parallel(owner))
    if fault.kind is FaultKind.SERVER_ERROR:
        return failure_response(ApiFailure(500, "INTERNAL_ERROR", "Internal error (emulated)"))
    return None


def _gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _drop(request: web.Request) -> web.StreamResponse:
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)


def _operation(request: web.Request, body: bytes) -> str:
    """Validate against the spec; the operationId names the hourly bucket."""
    if request.path.startswith(FILES + "/"):
        return "downloadFile"
    if len(body) > MAX_JSON_BYTES and request.content_type == "application/json":
        raise ApiFailure(400, "BAD_REQUEST", f"The request is too big: {len(body)} bytes")
    try:
        _, operation = check_request(
            request.method,
            request.path,
            list(request.query.items()),
            content_type=request.content_type,
            body=b"" if request.content_type.startswith("multipart/") else body,
        )
    except SpecViolation as violation:
        text = str(violation)
        if "limit must be at most" in text:
            raise ApiFailure(400, "LIMIT_EXCEEDED", "Limit exceeded") from None
        if "is not a path" in text:
            raise ApiFailure(404, "NOT_FOUND", "Resource not found") from None
        raise ApiFailure(400, "BAD_REQUEST", text) from None
    return str(operation["operationId"])


def _operation_id_only(request: web.Request) -> str | None:
    if request.path.startswith(FILES + "/"):
        return "downloadFile"
    try:
        return str(find_operation(request.method, request.path)[1]["operationId"])
    except SpecViolation:
        return None


async def _call(
    request: web.Request,
    handler: Handler,
    context: YmContext,
    key: KeyRecord,
    where: tuple[str, int | None],
) -> web.StreamResponse:
    owner, business = where
    operation = _operation_id_only(request)
    if operation is None:
        return failure_response(ApiFailure(404, "NOT_FOUND", "Resource not found"))
    decision = context.limits.take(owner, operation)
    if not decision.allowed:
        refused = failure_response(
            ApiFailure(420, "LIMIT_EXCEEDED",
                       f"Hit rate limit of {context.limits.limit_of(operation)} requests "
                       f"per 'hour' for resource '{operation}'")
        )  # fmt: skip
        refused.headers.update(decision.headers)
        return refused
    try:
        multipart = request.content_type.startswith("multipart/")
        body = b"" if multipart else await request.read()
        _operation(request, body)
        _authorize(key, business, operation, context)
        request[_KEY] = key
        if business is not None:
            request[_BUSINESS] = business
        response: web.StreamResponse = await handler(request)
    except ApiFailure as failure:
        response = failure_response(failure)
    except web.HTTPException as http_error:
        response = failure_response(
            ApiFailure(
                http_error.status,
                "NOT_FOUND" if http_error.status == 404 else "BAD_REQUEST",
                http_error.reason,
            )
        )
    response.headers.update(decision.headers)
    return response


def _code(status: int) -> str:
    return "NOT_FOUND" if status == 404 else "BAD_REQUEST"


NO_SCOPE = "Token does not have any of the scopes to access the API method"


def _authorize(key: KeyRecord, business: int | None, operation: str, context: YmContext) -> None:
    if operation in ("getAuthTokenInfo", "getCampaigns", "downloadFile"):
        return
    if not key.scopes & (ORDER_SCOPES if operation == "getBusinessOrders" else CHAT_SCOPES):
        raise ApiFailure(
            403, "FORBIDDEN", "Token does not have any of the scopes to access the API method"
        )
    if operation in WRITE_OPERATIONS and not key.can_send:
        raise ApiFailure(
            403, "FORBIDDEN", "Token does not have any of the scopes to access the API method"
        )
    if (
        business is None
        or business not in key.business_ids
        or business not in context.state.businesses
    ):
        raise ApiFailure(403, "FORBIDDEN", f"Access denied for business {business}")


# ---------------------------------------------------------------------- routes


def _int(request: web.Request, name: str) -> int:
    return int(request.query[name])


def _page(request: web.Request, items: list[Any], default: int) -> tuple[list[Any], str | None]:
    limit = int(request.query.get("limit", default))
    token = request.query.get("page_token") or request.query.get("pageToken")
    start = decode_token(token) if token else 0
    page = items[start : start + limit]
    more = start + limit < len(items)
    return page, encode_token(start + limit) if more else None


def _files_base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}{FILES}"


async def list_chats(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    filters = json.loads(await request.read())
    chats = state.list_chats(request[_BUSINESS], filters)
    page, token = _page(request, chats, 10)
    result: dict[str, Any] = {"chats": [wire.chat_json(c) for c in page]}
    result["paging"] = {"nextPageToken": token} if token else {}
    return json_response(wire.ok(result))


async def get_chat(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    chat = state.chat(request[_BUSINESS], _int(request, "chatId"))
    return json_response(wire.ok(wire.chat_json(chat)))


async def history(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    body = json.loads(await request.read())
    chat = state.chat(request[_BUSINESS], _int(request, "chatId"))
    messages = state.history(request[_BUSINESS], chat.chat_id, body.get("messageIdFrom"))
    page, token = _page(request, messages, 50)
    base = _files_base(request)
    result: dict[str, Any] = {
        "context": wire.context_json(chat),
        "messages": [wire.message_json(m, base) for m in page],
    }
    result["paging"] = {"nextPageToken": token} if token else {}
    return json_response(wire.ok(result))


async def get_message(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    message = state.message(
        request[_BUSINESS], _int(request, "chatId"), _int(request, "messageId")
    )
    return json_response(wire.ok(wire.message_json(message, _files_base(request))))


async def send_message(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    body = json.loads(await request.read())
    context.state.partner_writes(request[_BUSINESS], _int(request, "chatId"), body["message"], [])
    return json_response(wire.ok())


async def send_file(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    reader = await request.multipart()
    upload: Upload | None = None
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name != "file":
            raise ApiFailure(400, "BAD_REQUEST", "Only the part 'file' is accepted")
        if upload is not None:
            raise ApiFailure(400, "BAD_REQUEST", "One file per request")
        content = bytes(await part.read())
        if len(content) > MAX_FILE_BYTES:
            raise ApiFailure(400, "BAD_REQUEST", "File is too big: more than 5 MB")
        upload = Upload(part.filename or "file", content,
                        part.headers.get("Content-Type", "application/octet-stream"))  # fmt: skip
    if upload is None:
        raise ApiFailure(400, "BAD_REQUEST", "Missing field file")
    context.state.partner_writes(request[_BUSINESS], _int(request, "chatId"), None, [upload])
    return json_response(wire.ok())


async def create_chat(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    body = json.loads(await request.read())
    target = body["context"]
    chat = context.state.create_chat(request[_BUSINESS], target["type"], int(target["id"]))
    return json_response(wire.ok({"chatId": chat.chat_id}))


async def token_info(request: web.Request) -> web.Response:
    key = request[_KEY]
    result = {"apiKey": {"name": key.name, "authScopes": sorted(key.scopes)}}
    return json_response(wire.ok(result))


async def campaigns(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    items = [
        {
            "domain": f"shop-{campaign}.example",
            "id": campaign,
            "business": {"id": business.business_id, "name": business.name},
            "placementType": "FBS",
            "apiAvailability": "AVAILABLE",
        }
        for campaign, business in state.campaigns_of(request[_KEY])
    ]
    page, token = _page(request, items, 100)
    body: dict[str, Any] = {"campaigns": page, "pager": {"total": len(items)}}
    if token:
        body["paging"] = {"nextPageToken": token}
    return json_response(body)


async def business_orders(request: web.Request) -> web.Response:
    """``getBusinessOrders``: not wrapped in ``result`` (its schema has no ApiResponse)."""
    state = request.app[CONTEXT].state
    filters = json.loads(await request.read())
    orders = state.business_orders(request[_BUSINESS], filters)
    page, token = _page(request, orders, 50)
    answer: dict[str, Any] = {"orders": [wire.order_json(o) for o in page]}
    answer["paging"] = {"nextPageToken": token} if token else {}
    return json_response(answer)


async def download(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    stored = state.file_for(request[_KEY], request.match_info["id"])
    response = web.Response(body=stored.content, content_type=stored.content_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stored.name)}"
    return response


def add_api_routes(router: web.UrlDispatcher) -> None:
    router.add_post(BUSINESS + "/chats", list_chats)
    router.add_get(BUSINESS + "/chat", get_chat)
    router.add_post(BUSINESS + "/chats/history", history)
    router.add_get(BUSINESS + "/chats/message", get_message)
    router.add_post(BUSINESS + "/chats/message", send_message)
    router.add_post(BUSINESS + "/chats/file/send", send_file)
    router.add_post(BUSINESS + "/chats/new", create_chat)
    router.add_post("/v2/auth/token", token_info)
    router.add_get("/v2/campaigns", campaigns)
    router.add_post("/v1/businesses/{businessId}/orders", business_orders)
    router.add_get(FILES + "/{id}", download)
