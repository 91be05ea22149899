"""Liveness and readiness as plain decisions over what the process can observe.

Liveness (``/healthz``): every worker loop beats (a monotonic time at each round or idle
wake-up); a loop whose task ended, or that has not beaten for ``stuck_after`` seconds, is
named in the answer, and the orchestrator restarts the process. Readiness (``/readyz``): the
database answers, every shipped migration is applied, and Telegram answered ``getMe``
recently; ``getMe`` is cached, so a probe every few seconds costs Telegram nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Watch:
    """One loop to watch: when it last beat (``time.monotonic``) and whether it runs."""

    name: str
    last_beat: Callable[[], float]
    running: Callable[[], bool]


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    problems: list[str] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)


def liveness(watches: Sequence[Watch], *, now: float, stuck_after: float) -> Verdict:
    problems: list[str] = []
    ages: dict[str, object] = {}
    for watch in watches:
        if not watch.running():
            problems.append(f"{watch.name}: not running")
            continue
        age = max(0.0, now - watch.last_beat())
        ages[watch.name] = round(age, 1)
        if age > stuck_after:
            problems.append(f"{watch.name}: no heartbeat for {age:.0f} s")
    return Verdict(ok=not problems, problems=problems, details={"heartbeat_age_seconds": ages})


class CachedProbe:
    """The result of an expensive check (Telegram's getMe), reused for ``ttl`` seconds.

    One check at a time; a failure is cached for a shorter ``retry_after`` so a recovered
    Telegram is noticed soon without every probe calling it."""

    def __init__(
        self,
        check: Callable[[], Awaitable[None]],
        *,
        ttl: float = 60.0,
        retry_after: float = 10.0,
        timeout: float = 5.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self._check = check
        self._ttl = ttl
        self._retry_after = retry_after
        self._timeout = timeout
        self._clock = clock
        self._lock = asyncio.Lock()
        self._result: str | None = None  # None: fine; else the reason it failed
        self._valid_until = float("-inf")
        self.checks = 0

    async def result(self) -> str | None:
        async with self._lock:
            if self._clock() < self._valid_until:
                return self._result
            self.checks += 1
            try:
                async with asyncio.timeout(self._timeout):
                    await self._check()
            except Exception as exc:  # any failure means "not reachable"; say which
                self._result = type(exc).__name__
                self._valid_until = self._clock() + self._retry_after
                logger.warning("Readiness check failed (%s)", self._result)
            else:
                self._result = None
                self._valid_until = self._clock() + self._ttl
            return self._result


async def readiness(
    *,
    ping_database: Callable[[], Awaitable[None]],
    applied: Callable[[], Awaitable[set[int]]],
    shipped: set[int],
    telegram: CachedProbe,
    database_seconds: float = 3.0,
) -> Verdict:
    problems: list[str] = []
    try:
        async with asyncio.timeout(database_seconds):
            await ping_database()
            missing = sorted(shipped - await applied())
        if missing:
            problems.append(f"database: migrations not applied: {missing}")
    except Exception as exc:  # unreachable, timed out, or refused: not ready
        problems.append(f"database: unreachable ({type(exc).__name__})")
    failed = await telegram.result()
    if failed is not None:
        problems.append(f"telegram: getMe failed ({failed})")
    return Verdict(ok=not problems, problems=problems)
