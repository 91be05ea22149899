"""The per-application objects the HTTP handlers share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from aiohttp import web

from .limits import Limits
from .push import PushSimulator
from .state import YmState


@dataclass(slots=True)
class YmContext:
    """``calls`` counts API calls by ``(businessId or key tail, path without the cabinet)``."""

    state: YmState
    calls: Counter[tuple[str, str]]
    limits: Limits
    push: PushSimulator

    def reset(self) -> None:
        self.state.reset()
        self.calls.clear()
        self.limits.reset()
        self.push.reset()


CONTEXT: web.AppKey[YmContext] = web.AppKey("ym_emulator_context", YmContext)
