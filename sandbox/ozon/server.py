"""``OzonEmulator``: runs the Seller API and the control API on one aiohttp server."""

from __future__ import annotations

from collections import Counter
from types import TracebackType

from aiohttp import web

from .api import add_seller_api_routes, seller_api_middleware
from .context import CONTEXT, EmulatorContext
from .control import add_control_routes
from .faults import RateLimiter
from .state import EmulatorState

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
        public_url: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.state = state if state is not None else EmulatorState()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.rate_limiter = RateLimiter(rate_limit_rps)
        self._public_url = public_url
        self._runner: web.AppRunner | None = None

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
        runner = web.AppRunner(
            build_app(context), access_log=None, handle_signals=False, shutdown_timeout=0.25
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.state.public_base_url = self._public_url or self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

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
