"""apscheduler jobs: one poll job per seller, kept in step with the sellers table.

Each seller has its own interval job (jittered, one run at a time, missed runs coalesced),
so a slow or failing seller never delays another. Each job has its own place in the interval
(:func:`poll_phase`): if every shop polled at the same moment, each interval's buyer messages
would reach the Telegram queue in one burst and wait behind each other for the bot's 30
sends a second, instead of arriving spread over the interval as they were written. After a
start, every shop is still polled within one interval.

A reconcile job adds jobs for new sellers and drops jobs of removed or paused ones; admin
commands may also call :meth:`SyncScheduler.reconcile` directly for an immediate effect.

The apscheduler instance is the process's one (``bot.scheduling``), started and stopped by
the composition root; this class only adds and removes its own ``sync:`` jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling import remove_jobs
from bot.sync.poller import PollReport, Progress
from bot.sync.runner import SyncRunner
from storage.database import Database

logger = logging.getLogger(__name__)

JOB_PREFIX = "sync:"
RECONCILE_JOB = f"{JOB_PREFIX}reconcile"


def poll_job_id(seller_id: int) -> str:
    return f"{JOB_PREFIX}seller:{seller_id}"


#: The golden ratio's fractional part: multiples of it, taken modulo 1, fill an interval
#: evenly for any number of sellers (no two neighbouring gaps differ by more than 2.7×).
_SPREAD = 0.6180339887498949


def poll_phase(seller_id: int, interval_seconds: float) -> float:
    """Where in each interval (seconds past a multiple of it, counted from the epoch) the
    seller's polls fall. Derived from the id alone, so every instance and every restart
    agree on it."""
    return (seller_id * _SPREAD) % 1.0 * interval_seconds


def first_poll(seller_id: int, interval_seconds: float, now: datetime) -> datetime:
    """The first moment from ``now`` at the seller's place in the interval."""
    ahead = (poll_phase(seller_id, interval_seconds) - now.timestamp()) % interval_seconds
    return now + timedelta(seconds=ahead)


class SyncScheduler:
    def __init__(
        self,
        *,
        db: Database,
        runner: SyncRunner,
        scheduler: AsyncIOScheduler,
        interval_seconds: float,
        reconcile_seconds: float = 60.0,
        may_skip: Callable[[int], Awaitable[bool]] | None = None,
    ) -> None:
        """``may_skip`` (push pacing) may let a scheduled tick pass while push works."""
        self._may_skip = may_skip
        self._db = db
        self._runner = runner
        self._interval = interval_seconds
        self._reconcile_every = reconcile_seconds
        self._scheduler = scheduler

    async def start(self) -> None:
        self._scheduler.add_job(
            self.reconcile,
            "interval",
            seconds=self._reconcile_every,
            id=RECONCILE_JOB,
            max_instances=1,
            coalesce=True,
        )
        await self.reconcile()

    async def stop(self) -> None:
        """No new poll starts; a poll running now finishes (its lease guards it)."""
        remove_jobs(self._scheduler, JOB_PREFIX)

    async def run_now(
        self, seller_id: int, *, progress: Progress | None = None
    ) -> PollReport | None:
        """Poll a seller at once, whatever its schedule (a new seller, an admin's request);
        ``progress`` sees the report as pages go by (the first sync's progress message)."""
        return await self._runner.run(seller_id, force=True, progress=progress)

    def seller_ids(self) -> set[int]:
        prefix = poll_job_id(0)[:-1]
        return {
            int(job.id.removeprefix(prefix))
            for job in self._scheduler.get_jobs()
            if job.id.startswith(prefix)
        }

    async def _tick(self, seller_id: int) -> PollReport | None:
        """A scheduled poll, unless push pacing says the safety net has run lately."""
        if self._may_skip is not None and await self._may_skip(seller_id):
            return None
        return await self._runner.run(seller_id)

    async def reconcile(self) -> None:
        """Make the set of poll jobs equal to the set of sellers that should be polled."""
        wanted = {
            seller.id for seller in await self._db.sellers.list_all(states=("active", "failing"))
        }
        scheduled = self.seller_ids()
        for seller_id in scheduled - wanted:
            self._scheduler.remove_job(poll_job_id(seller_id))
        now = datetime.now(UTC)
        for seller_id in wanted - scheduled:
            first = first_poll(seller_id, self._interval, now)
            self._scheduler.add_job(
                self._tick,
                "interval",
                args=[seller_id],
                seconds=self._interval,
                jitter=max(0.0, self._interval * 0.1),
                id=poll_job_id(seller_id),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(self._interval)),
                next_run_time=first + timedelta(milliseconds=10),
            )
        if wanted != scheduled:
            logger.info("poll jobs: %d sellers", len(wanted))
