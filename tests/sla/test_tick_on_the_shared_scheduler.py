"""The SLA tick is a job on the process's one scheduler, and only the leader ticks."""

from __future__ import annotations

import pytest
from aiogram import Bot

from bot.outbox.throttle import TelegramThrottle
from bot.outbox.worker import OutboxWorker
from bot.scheduling import SchedulerRuntime, build_scheduler
from bot.sla.service import TICK_JOB, SlaService
from bot.sla.ticker import TickReport
from storage.database import Database


async def test_the_tick_job_runs_on_the_leader_only_and_leaves_with_the_feature(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = SchedulerRuntime(build_scheduler())
    await runtime.start()
    bot = Bot(token="123456:unused")  # never called: nothing is queued
    leader = {"held": False}
    sla = SlaService(
        db=db,
        delivery=OutboxWorker(db=db, bot=bot, throttle=TelegramThrottle()),
        scheduler=runtime.scheduler,
        tick_seconds=3600,
        is_leader=lambda: leader["held"],
    )
    ticks: list[str] = []

    async def counted_tick() -> TickReport | None:
        ticks.append("tick")
        return None

    monkeypatch.setattr(sla.ticker, "tick", counted_tick)  # count; no database work
    try:
        await sla.start()
        job = runtime.scheduler.get_job(TICK_JOB)
        assert job is not None
        await job.func()
        assert ticks == []  # another instance leads: this one does not tick
        leader["held"] = True
        await job.func()
        assert ticks == ["tick"]
        await sla.stop()
        assert runtime.scheduler.get_job(TICK_JOB) is None
        assert runtime.scheduler.running  # the shared scheduler outlives the feature
    finally:
        await runtime.stop()
        await bot.session.close()
