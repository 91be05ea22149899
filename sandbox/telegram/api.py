"""The Bot API over HTTP: ``/bot<token>/<method>`` and ``/file/bot<token>/<file_path>``.

This layer only turns aiohttp requests into ``(token, method, raw fields)`` and
:class:`BotApiError` / results into Telegram's JSON envelope with the real HTTP status;
every rule lives in :mod:`.methods`.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from aiohttp import web

from . import errors
from .context import CONTEXT
from .errors import BotApiError
from .faults import FaultKind
from .models import Upload

_dumps = functools.partial(json.dumps, ensure_ascii=False)


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def failure(error: BotApiError) -> web.Response:
    response = web.json_response(error.body(), status=error.error_code, dumps=_dumps)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


async def read_fields(request: web.Request) -> tuple[dict[str, Any], bool]:
    """Request fields (query string, form or multipart, or a JSON object) and whether typed."""
    fields: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise errors.spec_violation("request body is JSON but not an object")
        return {key: value for key, value in body.items() if value is not None}, True
    if request.method == "POST" and request.body_exists:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                fields[key] = Upload(
                    filename=value.filename or key,
                    data=value.file.read(),
                    content_type=value.content_type,
                )
            else:
                fields[key] = value
    return fields, False


def _connection_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def drop_connection(request: web.Request) -> web.Response:
    """Close the socket so the client gets no response at all.

    aiohttp then fails to write the returned placeholder and, seeing a connection error,
    quietly gives up on it.
    """
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)


async def _fail_mid_upload(request: web.Request) -> web.Response:
    """Read a first piece of the body, then drop the connection: nothing is posted."""
    if request.content_length:
        await request.content.read(min(request.content_length // 2, 64 * 1024) or 1)
    return drop_connection(request)


async def bot_method(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    token = request.match_info["token"]
    method = request.match_info["method"]
    if context.faults.take_upload_failure(method) is not None:
        return await _fail_mid_upload(request)
    try:
        fields, typed = await read_fields(request)
        result, after = await context.api.call(token, method, fields, typed=typed)
    except BotApiError as error:
        return failure(error)
    if after is not None:
        if after.kind is FaultKind.ACCEPT_THEN_DROP:
            return drop_connection(request)
        if not await after.hold(lambda: _connection_gone(request)):
            return drop_connection(request)
    return ok(result)


async def download(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    bot = context.state.bot
    stored = context.state.file_by_path(request.match_info["path"])
    if bot is None or request.match_info["token"] != bot.token:
        return failure(BotApiError(errors.UNAUTHORIZED, 401))
    if stored is None:
        return failure(BotApiError(errors.NOT_FOUND, 404))
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


def add_bot_api_routes(router: web.UrlDispatcher) -> None:
    router.add_route("*", "/bot{token}/{method}", bot_method)
    router.add_get("/file/bot{token}/{path:.+}", download)
