"""``OzonEmulator``: runs the Seller API and the control API on one aiohttp server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.serving import bound_port, start_site

from .api import add_seller_api_routes, seller_api_middleware
from .context import CONTEXT, EmulatorContext
from .control import add_control_routes
from .faults import RateLimiter
from .state import EmulatorState

logger = logging.getLogger(__name__)

#: Ozon suspends a receiver slower than 5 s; the emulator gives up on a push after that.
PUSH_TIMEOUT_SECONDS = 5.0

#: ``/v1/chat/send/file`` carries base64 in JSON; allow well above the ~10 MB file cap.
MAX_REQUEST_BYTES = 64 * 1024 * 1024


def build_app(context: EmulatorContext) -> web.Application:
    """The aiohttp application serving both APIs for one emulated world."""
    app = web.Application(middlewares=[seller_api_middleware], client_max_size=MAX_REQUEST_BYTES)
    app[CONTEXT] = context
    add_seller_api_routes(app.router)
    add_control_routes(app.router)
    return app


class OzonEmulator:
    """A local Ozon Seller API (chats) on ``host:port``; ``port=0`` picks a free port.

    Use as ``async with OzonEmulator() as emu:`` or call :meth:`start` / :meth:`stop`.
    ``state`` is the world (shared with the caller if passed in). ``calls`` counts Seller API
    calls by ``(Client-Id header or "", path)``; downloads count as ``/v2/chat/file``. File
    links in messages use ``public_url`` when given, else :attr:`base_url`.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state: EmulatorState | None = None,
        rate_limit_rps: int = 50,
        rate_limit_clock: Callable[[], float] = time.monotonic,
        public_url: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.state = state if state is not None else EmulatorState()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.rate_limiter = RateLimiter(rate_limit_rps, rate_limit_clock)
        self._public_url = public_url
        self._runner: web.AppRunner | None = None
        self._push_session: aiohttp.ClientSession | None = None
        self._push_tasks: set[asyncio.Task[None]] = set()
        #: Every push attempted, as ``(url, payload, HTTP status or None on failure)``.
        self.pushes: list[tuple[str, dict[str, Any], int | None]] = []

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._runner is None:
            raise RuntimeError("OzonEmulator is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("OzonEmulator is already started")
        context = EmulatorContext(self.state, self.calls, self.rate_limiter)
        runner = await start_site(build_app(context), self.host, self.port)
        self._runner = runner
        self.port = bound_port(runner)
        self.state.public_base_url = self._public_url or self.base_url
        self._push_session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=PUSH_TIMEOUT_SECONDS)
        )
        self.state.push_listener = self._schedule_push

    async def stop(self) -> None:
        self.state.push_listener = None
        for task in list(self._push_tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._push_session is not None:
            await self._push_session.close()
            self._push_session = None
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def _schedule_push(self, url: str, payload: dict[str, Any]) -> None:
        """Ozon posts each event once here (no retries: the receiver's poll is the backstop)."""
        task = asyncio.get_running_loop().create_task(self._push(url, payload))
        self._push_tasks.add(task)
        task.add_done_callback(self._push_tasks.discard)

    async def _push(self, url: str, payload: dict[str, Any]) -> None:
        assert self._push_session is not None
        status: int | None = None
        try:
            async with self._push_session.post(url, json=payload) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.info("push to %s failed: %s", url, type(exc).__name__)
        self.pushes.append((url, payload, status))

    async def __aenter__(self) -> OzonEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
