"""``WildberriesEmulator``: the buyer-chat API and the control API on one aiohttp server."""

from __future__ import annotations

from collections import Counter
from types import TracebackType

from aiohttp import web

from sandbox.serving import bound_port, start_site

from .api import add_api_routes, wb_api_middleware
from .context import CONTEXT, WbContext
from .control import add_control_routes
from .limits import Budgets
from .state import WbState

#: Up to 30 MiB of files plus the multipart framing.
MAX_REQUEST_BYTES = 40 * 1024 * 1024


def build_app(context: WbContext) -> web.Application:
    app = web.Application(middlewares=[wb_api_middleware], client_max_size=MAX_REQUEST_BYTES)
    app[CONTEXT] = context
    add_api_routes(app.router)
    add_control_routes(app.router)
    return app


class WildberriesEmulator:
    """A local WB buyer-chat API on ``host:port``; ``port=0`` picks a free port.

    ``state`` is the world (shared with the caller if passed in); ``calls`` counts API calls by
    ``(seller id or "", path)``, downloads under ``/api/v1/seller/download``; ``budgets`` is the
    per-seller rate limit (``budgets.enabled = False`` turns it off).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state: WbState | None = None,
        rate_limit: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.state = state if state is not None else WbState()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.budgets = Budgets()
        self.budgets.enabled = rate_limit
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("WildberriesEmulator is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("WildberriesEmulator is already started")
        context = WbContext(self.state, self.calls, self.budgets)
        self._runner = await start_site(build_app(context), self.host, self.port)
        self.port = bound_port(self._runner)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> WildberriesEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
