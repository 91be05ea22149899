"""The drafts worker: finds settled bursts, regenerations and due auto-replies in the
database, so nothing depends on in-memory timers and a restart loses nothing.

A burst has settled when the turn's latest buyer message is older than the debounce; a
burst with a stored draft (the unique index on turn and message count) is never drafted
twice. Model calls run a few at a time so one slow answer does not hold up the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.drafts.service import DraftService
from bot.outbox.loop import KickableLoop
from storage.database import Database

logger = logging.getLogger(__name__)


class DraftWorker:
    def __init__(
        self,
        *,
        service: DraftService,
        db: Database,
        debounce: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        idle_seconds: float = 2.0,
        concurrency: int = 4,
    ) -> None:
        self._db = db
        self._service = service
        self._debounce = debounce
        self._clock = clock
        self._idle = idle_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._loop = KickableLoop(
            name="reply-drafts",
            round=self.run_once,
            idle_seconds=idle_seconds,
            sleep_for=self._sleep_for,
        )

    def kick(self) -> None:
        self._loop.kick()

    @property
    def loop(self) -> KickableLoop:
        return self._loop

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def run(self) -> None:
        await self._loop.run()

    async def _sleep_for(self) -> float:
        """Until the next burst settles (a draft shows right after the debounce), at most
        ``idle_seconds``; new messages and button presses wake the worker earlier."""
        last = await self._db.suggestions.next_burst_end()  # failing: the loop idles
        if last is None:
            return self._idle
        due = (last + self._debounce - self._clock()).total_seconds()
        if due <= 0:  # settled yet not drafted this round (its job failed): back off
            return self._idle
        return min(self._idle, due + 0.01)

    async def run_once(self) -> int:
        """One round; returns how many drafts, regenerations and auto-sends it handled."""
        now = self._clock()
        await self._service.retire_stale(now)
        jobs: list[Awaitable[object]] = [
            self._guarded(self._service.draft_for_turn(turn))
            for turn in await self._db.suggestions.turns_needing_draft(
                quiet_before=now - self._debounce
            )
        ]
        jobs += [
            self._guarded(self._service.regenerate(old))
            for old in await self._db.suggestions.regenerations_needed()
        ]
        due = await self._db.suggestions.auto_sends_due(now=now)
        results = await asyncio.gather(*jobs)
        for suggestion in due:
            await self._service.auto_send(suggestion)
        return sum(1 for r in results if r is not None) + len(due)

    async def _guarded(self, job: Awaitable[object]) -> object:
        async with self._slots:
            try:
                return await job
            except Exception:  # one broken chat must not stop the others
                logger.exception("draft job failed")
                return None
