"""The per-application objects the HTTP handlers share."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from .faults import FaultPlan
from .limits import RateLimits
from .methods import BotApi
from .state import TelegramState


@dataclass(slots=True)
class EmulatorContext:
    """What a running emulator exposes to its request handlers (the emulator's own objects)."""

    state: TelegramState
    api: BotApi
    limits: RateLimits
    faults: FaultPlan
    calls: list[tuple[str, dict[str, object]]]
    violations: list[str]


CONTEXT: web.AppKey[EmulatorContext] = web.AppKey("telegram_emulator_context", EmulatorContext)
