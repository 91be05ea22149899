"""The per-application objects the HTTP handlers share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from aiohttp import web

from .limits import Budgets
from .state import WbState


@dataclass(slots=True)
class WbContext:
    """``calls`` counts API calls by ``(seller id or "", path)``; control calls are not."""

    state: WbState
    calls: Counter[tuple[str, str]]
    budgets: Budgets

    def reset(self) -> None:
        self.state.reset()
        self.calls.clear()
        self.budgets.reset()


CONTEXT: web.AppKey[WbContext] = web.AppKey("wb_emulator_context", WbContext)
