"""Webhook mode: Telegram POSTs each update; it is stored durably, and only then answered.

The answer is what confirms an update to Telegram, so it is 200 only after the update is
committed to ``tg_updates`` by the same :meth:`Intake.accept` long polling uses; a failed
store answers 500 and Telegram delivers the update again. A redelivery of an update already
stored (its 200 was lost, or the process died before answering) is ignored by the store,
which is keyed by ``update_id``, so it is processed once. Every instance may receive: the
processors share the table.

A request without Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header is refused with
401, one with a wrong token with 403; nothing of either is stored.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from pydantic import SecretStr

from bot.serving import bound_port, start_site

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # an update is JSON of a few kilobytes; files come by getFile

Accept = Callable[[Sequence[dict[str, Any]]], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """Where Telegram sends updates (``url``, public, HTTPS) and where we listen for them
    (``host``:``port``, the URL's path; a reverse proxy forwards one to the other)."""

    url: str
    secret: SecretStr
    host: str = "127.0.0.1"
    port: int = 8443

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


class WebhookReceiver:
    """The HTTP endpoint Telegram posts to (start/stop with the bot)."""

    def __init__(self, *, config: WebhookConfig, accept: Accept) -> None:
        self._config = config
        self._secret = config.secret.get_secret_value().encode()
        self._accept = accept
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self._config.path, self._receive)
        self._runner = await start_site(app, self._config.host, self._config.port)
        self.port = bound_port(self._runner)
        logger.info("Receiving Telegram updates by webhook on port %d", self.port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        token = request.headers.get(SECRET_HEADER)
        if token is None:
            logger.warning("Webhook request without the secret token refused (401)")
            return web.Response(status=401)
        if not hmac.compare_digest(token.encode(), self._secret):
            logger.warning("Webhook request with a wrong secret token refused (403)")
            return web.Response(status=403)
        try:
            update = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400)
        try:
            await self._accept([update])
        except Exception as exc:  # not stored: Telegram must deliver it again
            logger.warning("Storing webhook update %d failed (%s); answered 500",
                           update["update_id"], type(exc).__name__)  # fmt: skip
            return web.Response(status=500)
        return web.Response(status=200)
