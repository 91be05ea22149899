"""The process's one apscheduler, so every timed job shares one clock, one executor and
one place where it is started and stopped.

:func:`build_scheduler` is called once, in the composition root (``bot.app``), and the
instance is handed to each feature that schedules jobs (sync's poll jobs, the SLA tick).
Features add and remove their own jobs; only :class:`SchedulerRuntime` starts and stops
the scheduler itself, so stopping one feature never takes another's jobs down with it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

logger = logging.getLogger(__name__)


def build_scheduler() -> AsyncIOScheduler:
    """Not started: apscheduler binds to the running event loop when it starts."""
    return AsyncIOScheduler(timezone=UTC)


def remove_jobs(scheduler: AsyncIOScheduler, prefix: str) -> None:
    """Drop every job whose id starts with ``prefix`` (one feature's jobs)."""
    for job in scheduler.get_jobs():
        if job.id.startswith(prefix):
            scheduler.remove_job(job.id)


class SchedulerRuntime:
    """Starts the scheduler before the features add their jobs and stops it after them."""

    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self._scheduler = scheduler

    @property
    def scheduler(self) -> AsyncIOScheduler:
        return self._scheduler

    async def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    async def stop(self) -> None:
        """Running jobs are not awaited: each owner stops its own work (leases, claims)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            # apscheduler's asyncio flavour shuts down in a callback on the loop: let it
            # run, so the scheduler is stopped when this returns.
            await asyncio.sleep(0)
