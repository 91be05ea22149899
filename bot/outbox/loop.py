"""The one shape every queue worker runs in (the one retry backoff is bot/retry.py).

A worker is a round function over rows in PostgreSQL: it runs again at once while rounds
find work, otherwise sleeps until kicked or until its idle timeout (so rows made due by
time alone are still found). A failing round is logged and the loop goes on: a bug or a
database outage must never end a worker. Failing rounds in a row are spaced out on the
one backoff (``backoff_base`` doubling up to ``backoff_cap``), so an outage costs a log
line every half minute rather than several a second; a kick still wakes the loop at once
(something was queued, so the database may be back), and the first good round resets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.retry import Sleep, backoff

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=0.5)
BACKOFF_CAP = timedelta(seconds=30)


class KickableLoop:
    """Runs ``round`` (returns how much it handled) until stopped.

    ``sleep_for`` (optional) says how long to idle after an empty round, e.g. until the
    next row becomes due; it defaults to ``idle_seconds``. ``sleep`` is the clock's wait,
    replaced in tests so pauses are counted rather than waited for.
    """

    def __init__(
        self,
        *,
        name: str,
        round: Callable[[], Awaitable[int]],
        idle_seconds: float,
        sleep_for: Callable[[], Awaitable[float]] | None = None,
        backoff_base: timedelta = BACKOFF_BASE,
        backoff_cap: timedelta = BACKOFF_CAP,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._name = name
        self._round = round
        self._idle = idle_seconds
        self._sleep_for = sleep_for
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._wake = asyncio.Event()
        self._finishing = False
        self._task: asyncio.Task[None] | None = None
        self.failures = 0  # failed rounds in a row (0 after a good round)
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

    def finish(self) -> None:
        """End :meth:`run` after the round under way, without cancelling it (a graceful
        stop for an owner that drains its own work)."""
        self._finishing = True
        self._wake.set()

    async def start(self) -> None:
        if self._task is None:
            self._finishing = False
            self._task = asyncio.create_task(self.run(), name=self._name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        """Rounds until :meth:`finish` (or cancellation)."""
        while not self._finishing:
            self.last_beat = time.monotonic()
            # Cleared before the round, so a kick while it runs makes the next one start
            # at once instead of being lost until the idle tick.
            self._wake.clear()
            try:
                handled = await self._round()
            except Exception:  # contained: the next round tries again, later
                await self._pause(self._failed())
                continue
            if self.failures:
                logger.info("%s: recovered after %d failed round(s)", self._name, self.failures)
                self.failures = 0
            if handled or self._finishing:
                continue
            await self._pause(await self._idle_for())

    def _failed(self) -> float:
        """Count a failed round and say how long to wait before the next one."""
        self.failures += 1
        delay = backoff(
            self.failures, base=self._backoff_base, cap=self._backoff_cap
        ).total_seconds()
        if self.failures == 1:
            logger.exception("%s: round failed; retry in %.1f s", self._name, delay)
        else:  # the traceback was logged at the first failure of this run of them
            logger.warning("%s: round failed %d times in a row; retry in %.1f s",
                           self._name, self.failures, delay)  # fmt: skip
        return delay

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds`` or until kicked, whichever comes first."""
        if self._wake.is_set():
            return
        kicked = asyncio.ensure_future(self._wake.wait())
        slept = asyncio.ensure_future(self._sleep(max(0.0, seconds)))
        try:
            await asyncio.wait((kicked, slept), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (kicked, slept):
                waiter.cancel()
            await asyncio.gather(kicked, slept, return_exceptions=True)

    async def _idle_for(self) -> float:
        if self._sleep_for is None:
            return self._idle
        try:
            return await self._sleep_for()
        except Exception:  # e.g. the database is away: the next round will log it
            return self._idle
