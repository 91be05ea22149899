"""The four buyer-chat routes, and the middleware that authenticates, counts, rate-limits and
injects faults into every request outside ``/__control/``.

Order on every call, as WB's gateway does it: the token (401), the fault book, the budget
(429), then the method; every answer carries ``X-Ratelimit-*``.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from . import problems, wire
from .context import CONTEXT, WbContext
from .faults import Fault, FaultKind
from .models import Moderation
from .problems import ApiProblem
from .tokens import TokenKind, TokenRecord

CONTROL_PREFIX = "/__control/"
CHATS = "/api/v1/seller/chats"
EVENTS = "/api/v1/seller/events"
MESSAGE = "/api/v1/seller/message"
DOWNLOAD = "/api/v1/seller/download"
PING = "/ping"

_TOKEN: web.RequestKey[TokenRecord] = web.RequestKey("wb_token", TokenRecord)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def problem_response(problem: ApiProblem, path: str = "") -> web.Response:
    """WB's OpenAPI declares the 400s of events and downloads as plain JSON, the rest as
    problem+json; the body is the same."""
    plain = problem.status == 400 and path in (EVENTS, DOWNLOAD)
    response = web.Response(
        body=_dumps(problem.body()).encode("utf-8"),
        status=problem.status,
        content_type="application/json" if plain else "application/problem+json",
    )
    response.headers.update(problem.headers)
    return response


def canonical_path(path: str) -> str:
    """The key a call is counted and fault-matched under (one for all downloads)."""
    return DOWNLOAD if path.startswith(DOWNLOAD + "/") else path


@web.middleware
async def wb_api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(CONTROL_PREFIX):
        return await handler(request)
    context = request.app[CONTEXT]
    path = canonical_path(request.path)
    try:
        token: TokenRecord | ApiProblem = context.state.authenticate(
            request.headers.get("Authorization", "")
        )
    except ApiProblem as problem:
        token = problem
    seller_id = token.seller_id if isinstance(token, TokenRecord) else ""
    context.calls[(seller_id, path)] += 1
    fault = context.state.faults.take(path, seller_id)
    if fault is not None:
        early = await _before(request, fault)
        if early is not None:
            return early
    if isinstance(token, ApiProblem):
        return problem_response(token)
    response = await _call(request, handler, context, token, path)
    if fault is not None and fault.kind is FaultKind.ACCEPT_THEN_DROP:
        return _drop(request)
    if (
        fault is not None
        and fault.kind is FaultKind.HOLD
        and not await fault.hold(lambda: _gone(request))
    ):
        return _drop(request)
    return response


async def _before(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    if fault.kind is FaultKind.DROP:
        return _drop(request)
    if fault.kind is FaultKind.RATE_LIMIT:
        headers = {"X-Ratelimit-Retry": "1", "X-Ratelimit-Reset": "10", "X-Ratelimit-Limit": "10"}
        return problem_response(problems.too_many(headers))
    if fault.kind is FaultKind.SERVER_ERROR:
        return problem_response(problems.internal())
    if fault.kind is FaultKind.SLOW:
        await asyncio.sleep(fault.seconds or 0.0)
    return None


def _gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the socket: the client gets no answer at all."""
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)


async def _call(
    request: web.Request, handler: Handler, context: WbContext, token: TokenRecord, path: str
) -> web.StreamResponse:
    decision = context.budgets.take(
        seller_id=token.seller_id,
        token=token.token,
        base=token.kind is TokenKind.BASE,
        download=path == DOWNLOAD,
        ping=path == PING,
    )
    if not decision.allowed:
        return problem_response(problems.too_many(decision.headers))
    request[_TOKEN] = token
    try:
        routing_error = getattr(request.match_info, "http_exception", None)
        if routing_error is not None:
            raise routing_error
        response = await handler(request)
    except ApiProblem as problem:
        response = problem_response(problem, path)
    except web.HTTPException as http_error:
        response = problem_response(
            ApiProblem(http_error.status, http_error.reason, http_error.reason)
        )
    response.headers.update(decision.headers)
    return response


# ---------------------------------------------------------------------- routes


async def list_chats(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    chats = state.list_chats(request[_TOKEN].seller_id)
    return json_response({"result": [wire.chat_json(c) for c in chats], "errors": None})


def _cursor(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise problems.bad_request(problems.MSG_BAD_NUMBER) from None
    if value <= 0:
        raise problems.bad_request(problems.MSG_BAD_NEXT)
    return value


async def list_events(request: web.Request) -> web.Response:
    after = _cursor(request.query.get("next"))
    events, next_ms = request.app[CONTEXT].state.events_page(request[_TOKEN].seller_id, after)
    return json_response(wire.events_json(events, next_ms))


async def _form(request: web.Request) -> tuple[str | None, str | None, list[tuple[str, bytes]]]:
    if not request.content_type.startswith("multipart/form-data"):
        raise problems.bad_request("request body must be multipart/form-data")
    reader = await request.multipart()
    sign: str | None = None
    text: str | None = None
    files: list[tuple[str, bytes]] = []
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise problems.bad_request("nested multipart is not accepted")
        if part.name == "replySign":
            sign = await part.text()
        elif part.name == "message":
            text = await part.text()
        elif part.name == "file":
            files.append((part.filename or "file", bytes(await part.read())))
        else:
            raise problems.bad_request(f'unexpected form field "{part.name}"')
    return sign, text, files


async def send_message(request: web.Request) -> web.Response:
    sign, text, files = await _form(request)
    state = request.app[CONTEXT].state
    _, chat = state.send(request[_TOKEN].seller_id, reply_sign=sign, text=text, files=files)
    result = {"addTime": chat.created_ms, "chatID": chat.chat_id, "sign": chat.reply_sign}
    return json_response({"result": result, "errors": []})


async def download(request: web.Request) -> web.Response:
    state = request.app[CONTEXT].state
    stored = state.download(request[_TOKEN].seller_id, request.match_info["id"])
    if stored.moderation is Moderation.PENDING:
        body = {"moderationState": "pending", "retrySeconds": stored.retry_seconds}
        return json_response(body, status=202)
    response = web.Response(body=stored.content, content_type=stored.content_type)
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.name)}"
    return response


async def ping(request: web.Request) -> web.Response:
    """``GET /ping``: WB's connection check (token valid, service reachable)."""
    now = request.app[CONTEXT].state.now()
    return json_response({"TS": now.isoformat().replace("+00:00", "Z"), "Status": "OK"})


def add_api_routes(router: web.UrlDispatcher) -> None:
    router.add_get(PING, ping)
    router.add_get(CHATS, list_chats)
    router.add_get(EVENTS, list_events)
    router.add_post(MESSAGE, send_message)
    router.add_get(DOWNLOAD + "/{id}", download)
