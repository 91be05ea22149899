"""Poll jobs per seller: kept in step with the sellers table; a slow seller delays no one."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduling import SchedulerRuntime, build_scheduler
from bot.sync.scheduler import SyncScheduler, first_poll, poll_job_id, poll_phase
from tests.sync.conftest import CLIENT_ID, SyncWorld


async def _wait_until(condition: Callable[[], Awaitable[bool]], seconds: float) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - the database has no event to await
            await asyncio.sleep(0.05)


@asynccontextmanager
async def poll_jobs(world: SyncWorld, interval_seconds: float) -> AsyncIterator[SyncScheduler]:
    """The sync jobs on a scheduler of their own, started and stopped as bot.app does."""
    runtime = SchedulerRuntime(build_scheduler())
    await runtime.start()
    scheduler = SyncScheduler(
        db=world.db,
        runner=world.runner,
        scheduler=runtime.scheduler,
        interval_seconds=interval_seconds,
    )
    await scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.stop()
        await runtime.stop()


async def test_a_slow_seller_does_not_delay_another(world: SyncWorld) -> None:
    fast = await world.add_seller("3003")
    world.emu.state.add_fault("slow", seconds=5, client_id=CLIENT_ID)
    world.emu.state.buyer_writes(CLIENT_ID, text="медленный продавец")
    world.emu.state.buyer_writes("3003", text="быстрый продавец")
    async with poll_jobs(world, interval_seconds=0.3) as scheduler:
        assert scheduler.seller_ids() == {world.seller.id, fast.id}

        async def fast_seller_synced() -> bool:
            return bool(await world.db.pool.fetchval(
                "SELECT count(*) FROM chats WHERE seller_id = $1", fast.id))  # fmt: skip

        await _wait_until(fast_seller_synced, seconds=3)
        slow_chats = await world.count(
            "SELECT count(*) FROM chats WHERE seller_id = $1", world.seller.id
        )
        assert slow_chats == 0, "the slow seller's poll should still be waiting on Ozon"


async def test_reconcile_follows_pauses_and_new_sellers(world: SyncWorld) -> None:
    async with poll_jobs(world, interval_seconds=3600) as scheduler:
        assert scheduler.seller_ids() == {world.seller.id}
        other = await world.add_seller("4004")
        await world.db.sellers.set_state(seller_id=world.seller.id, state="paused")
        await scheduler.reconcile()
        assert scheduler.seller_ids() == {other.id}


async def test_stopping_sync_leaves_the_shared_scheduler_and_other_jobs(
    world: SyncWorld,
) -> None:
    """One scheduler for the process: sync's stop drops its own jobs, nobody else's."""
    runtime = SchedulerRuntime(build_scheduler())
    await runtime.start()
    try:
        shared = runtime.scheduler
        shared.add_job(lambda: None, "interval", hours=1, id="sla:tick")
        scheduler = SyncScheduler(
            db=world.db, runner=world.runner, scheduler=shared, interval_seconds=3600
        )
        await scheduler.start()
        assert scheduler.seller_ids() == {world.seller.id}
        await scheduler.stop()
        assert scheduler.seller_ids() == set()
        assert [job.id for job in shared.get_jobs()] == ["sla:tick"]
        assert shared.running
    finally:
        await runtime.stop()
    assert not runtime.scheduler.running


async def _first_polls(world: SyncWorld, seller_ids: list[int]) -> list[datetime]:
    """When a newly started scheduler first polls each seller."""
    async with poll_jobs(world, interval_seconds=3600) as scheduler:
        jobs = {job.id: job for job in scheduler._scheduler.get_jobs()}
        return [jobs[poll_job_id(s)].next_run_time for s in seller_ids]


async def test_each_sellers_polls_have_their_own_place_in_the_interval(world: SyncWorld) -> None:
    """Shops that polled together would bring each interval's messages at once; the first
    polls are spread over the interval, evenly, at the same moments on every instance."""
    sellers = [world.seller] + [await world.add_seller(str(5000 + n)) for n in range(9)]
    ids = [s.id for s in sellers]
    started = datetime.now(UTC)
    polls = await _first_polls(world, ids)
    offsets = sorted((p - started).total_seconds() for p in polls)
    assert all(-1 <= offset <= 3601 for offset in offsets)
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    gaps.append(3600 - offsets[-1] + offsets[0])
    even = 3600 / len(sellers)
    assert max(gaps) < 1.5 * even and min(gaps) > 0.5 * even, gaps
    another_instance = await _first_polls(world, ids)  # started a little later
    for a, b in zip(polls, another_instance, strict=True):
        apart = (b - a).total_seconds() % 3600  # a moment passed in between: the next one
        assert min(apart, 3600 - apart) < 1
    for seller_id, poll in zip(ids, polls, strict=True):
        past_the_hour = poll.timestamp() % 3600
        assert past_the_hour == pytest.approx(poll_phase(seller_id, 3600), abs=1)


def test_the_first_poll_waits_for_the_sellers_place_and_never_a_whole_interval() -> None:
    now = datetime(2026, 12, 2, 12, 0, 30, tzinfo=UTC)  # 30 s past a whole minute
    for seller_id in range(1, 50):
        first = first_poll(seller_id, 60, now)
        assert now <= first < now + timedelta(seconds=60)
        assert first.timestamp() % 60 == pytest.approx(poll_phase(seller_id, 60), abs=1e-3)
