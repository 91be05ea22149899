"""``/healthz``, ``/readyz`` and ``/metrics`` on one small HTTP port (``METRICS_PORT``).

Each answer is JSON (``/metrics``: Prometheus text) with 200 when fine and 503 naming what
is wrong, so an orchestrator's probe and a person with curl read the same thing. The port
has no authentication: bind it to a private address (``METRICS_HOST``); nothing it shows
is a text, a name or a secret.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.ops.health import Verdict, Watch, liveness
from bot.ops.metrics import BotMetrics
from bot.serving import bound_port, start_site

logger = logging.getLogger(__name__)


def _answer(verdict: Verdict) -> web.Response:
    body = {"status": "ok" if verdict.ok else "failing", "problems": verdict.problems,
            **verdict.details}  # fmt: skip
    return web.json_response(body, status=200 if verdict.ok else 503)


class OpsServer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        metrics: BotMetrics,
        watches: Callable[[], Sequence[Watch]],
        ready: Callable[[], Awaitable[Verdict]],
        stuck_after: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._host = host
        self._port = port
        self._metrics = metrics
        self._watches = watches
        self._ready = ready
        self._stuck_after = stuck_after
        self._clock = clock
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._scrape)
        self._runner = await start_site(app, self._host, self._port)
        self.port = bound_port(self._runner)
        logger.info("Health and metrics on port %d (/healthz, /readyz, /metrics)", self.port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        verdict = liveness(self._watches(), now=self._clock(), stuck_after=self._stuck_after)
        return _answer(verdict)

    async def _readyz(self, request: web.Request) -> web.Response:
        return _answer(await self._ready())

    async def _scrape(self, request: web.Request) -> web.Response:
        await self._metrics.refresh()
        body = generate_latest(self._metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
