"""The per-application objects the HTTP handlers share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from aiohttp import web

from .faults import RateLimiter
from .state import EmulatorState


@dataclass(slots=True)
class EmulatorContext:
    """What a running emulator exposes to its request handlers.

    ``calls`` counts Seller API calls by ``(Client-Id header, path)``; control calls are not
    counted. It is the same object as :attr:`OzonEmulator.calls`.
    """

    state: EmulatorState
    calls: Counter[tuple[str, str]]
    limiter: RateLimiter

    def reset(self) -> None:
        """Back to an empty world, with counters and rate-limit windows cleared."""
        self.state.reset()
        self.calls.clear()
        self.limiter.reset()


CONTEXT: web.AppKey[EmulatorContext] = web.AppKey("ozon_emulator_context", EmulatorContext)
