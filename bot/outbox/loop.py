"""The one shape every queue worker runs in (the one retry backoff is bot/retry.py).

A worker is a round function over rows in PostgreSQL: it runs again at once while rounds
find work, otherwise sleeps until kicked or until its idle timeout (so rows made due by
time alone are still found). A failing round is logged and the loop goes on: a bug or a
database outage must never end a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


class KickableLoop:
    """Runs ``round`` (returns how much it handled) until stopped.

    ``sleep_for`` (optional) says how long to idle after an empty round, e.g. until the
    next row becomes due; it defaults to ``idle_seconds``.
    """

    def __init__(
        self,
        *,
        name: str,
        round: Callable[[], Awaitable[int]],
        idle_seconds: float,
        sleep_for: Callable[[], Awaitable[float]] | None = None,
    ) -> None:
        self._name = name
        self._round = round
        self._idle = idle_seconds
        self._sleep_for = sleep_for
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.last_beat = time.monotonic()  # each round and idle wake-up (for /healthz)

    @property
    def name(self) -> str:
        return self._name

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def kick(self) -> None:
        """Something was queued: look now instead of at the next idle tick."""
        self._wake.set()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=self._name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        while True:
            self.last_beat = time.monotonic()
            try:
                handled = await self._round()
            except Exception:  # contained: the next round tries again
                logger.exception("%s: round failed", self._name)
                handled = 0
            if handled:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(await self._idle_for()):
                    await self._wake.wait()

    async def _idle_for(self) -> float:
        if self._sleep_for is None:
            return self._idle
        try:
            return await self._sleep_for()
        except Exception:  # e.g. the database is away: the next round will log it
            return self._idle
