"""``YandexMarketEmulator``: the Partner API's chat paths, the control API and the push
simulator on one aiohttp server."""

from __future__ import annotations

from collections import Counter
from types import TracebackType

from aiohttp import web

from sandbox.serving import bound_port, start_site

from .api import add_api_routes, ym_api_middleware
from .context import CONTEXT, YmContext
from .control import add_control_routes
from .limits import Limits
from .push import PushSimulator
from .state import YmState

#: A 5 MB file plus the multipart framing.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


def build_app(context: YmContext) -> web.Application:
    app = web.Application(middlewares=[ym_api_middleware], client_max_size=MAX_REQUEST_BYTES)
    app[CONTEXT] = context
    add_api_routes(app.router)
    add_control_routes(app.router)
    return app


class YandexMarketEmulator:
    """A local Yandex Market chat API on ``host:port``; ``port=0`` picks a free port.

    ``state`` is the world; ``calls`` counts API calls by ``(businessId, path)`` (paths
    without the cabinet, e.g. ``/chats/history``); ``limits`` the hourly buckets and the
    in-flight cap (``limits.enabled = False`` turns both off); ``push`` the push simulator.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state: YmState | None = None,
        rate_limit: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.state = state if state is not None else YmState()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.limits = Limits(self.state.now)
        self.limits.enabled = rate_limit
        self.push = PushSimulator(self.state.now)
        self.state.observer = self.push
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("YandexMarketEmulator is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("YandexMarketEmulator is already started")
        context = YmContext(self.state, self.calls, self.limits, self.push)
        self._runner = await start_site(build_app(context), self.host, self.port)
        self.port = bound_port(self._runner)

    async def stop(self) -> None:
        await self.push.aclose()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> YandexMarketEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
