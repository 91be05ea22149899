"""The weekly digest job: on the leader, once a minute, every workspace whose digest is due
gets one post in General (the chart with the figures as its caption), once per week.

The figures and the chart are made first; then one transaction records the week as sent
and queues the post (dedup key per workspace and date), so a crash leaves either both or
neither, and a second run, a restart or another instance finds the week taken.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.digest.figures import chart, week_figures
from bot.digest.render import render_caption
from bot.digest.schedule import due_day, week_of
from bot.outbox.kinds import SlaStats
from bot.outbox.queue import PRIORITY_NOTICE, enqueue
from bot.outbox.worker import OutboxWorker
from bot.scheduling import remove_jobs
from storage.database import Database
from storage.digest_repo import DigestPlan, DigestRepo

logger = logging.getLogger(__name__)

JOB_PREFIX = "digest:"
CHECK_JOB = f"{JOB_PREFIX}check"
CHECK_SECONDS = 60


def _now() -> datetime:
    return datetime.now(UTC)


class DigestService:
    """``clock`` is a plain attribute so tests can set the time after assembly."""

    def __init__(
        self,
        *,
        db: Database,
        delivery: OutboxWorker,
        scheduler: AsyncIOScheduler,
        clock: Callable[[], datetime] = _now,
        is_leader: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db = db
        self.clock = clock
        self.repo = DigestRepo(db.pool)
        self._delivery = delivery
        self._scheduler = scheduler
        self._is_leader = is_leader

    async def start(self) -> None:
        self._scheduler.add_job(
            self._scheduled,
            "interval",
            seconds=CHECK_SECONDS,
            id=CHECK_JOB,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=CHECK_SECONDS,
        )

    async def stop(self) -> None:
        remove_jobs(self._scheduler, JOB_PREFIX)

    async def _scheduled(self) -> None:
        if not self._is_leader():
            return
        try:
            await self.run_due()
        except Exception:  # a database hiccup must not stop next minute's check
            logger.exception("digest check failed")

    async def run_due(self) -> list[int]:
        """Queue every digest due now; returns the workspaces that got one."""
        now = self.clock()
        posted = []
        for plan in await self.repo.active_plans():
            day = due_day(
                now,
                zone=ZoneInfo(plan.timezone),
                weekday=plan.weekday,
                at=plan.send_at,
                last_sent_on=plan.last_sent_on,
            )
            if day is not None and await self._post(plan, day):
                posted.append(plan.workspace_id)
        if posted:
            self._delivery.kick()
        return posted

    async def _post(self, plan: DigestPlan, day: date) -> bool:
        workspace = await self.db.workspaces.get(workspace_id=plan.workspace_id)
        sellers = await self.db.sellers.list_all(workspace_id=workspace.id)
        figures = await week_figures(
            self.db, sellers=sellers, week=week_of(day, ZoneInfo(plan.timezone))
        )
        caption = render_caption(figures, workspace.locale)
        png = await asyncio.to_thread(chart, figures, workspace.locale)  # matplotlib
        async with self.db.transaction() as conn:
            if not await self.repo.claim_week(workspace_id=workspace.id, day=day, conn=conn):
                return False
            await enqueue(
                self.db,
                # the /stats kind: one photo in General, the figures as its caption
                SlaStats(text=caption, png=base64.b64encode(png).decode()),
                workspace_id=workspace.id,
                priority=PRIORITY_NOTICE,
                dedup_key=f"digest:{workspace.id}:{day.isoformat()}",
                conn=conn,
            )
        logger.info("workspace=%d: weekly digest of %s queued", workspace.id, day)
        return True
