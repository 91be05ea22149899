"""Seller polls under a lease: one instance at a time, pushes coalesced, the dead's taken over.

Two instances are two registered ``Database`` facades (a killed one has its own pool, so
its connections can drop as with kill -9); their pollers are the real one behind a gate, so
a poll can be held open exactly while the other instance tries.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from bot.sync.poller import PollReport, Progress, SellerPoller
from bot.sync.runner import SyncRunner
from storage.database import Database
from storage.instance_repo import InstanceLock
from storage.pool import create_pool
from storage.records import Seller
from tests.sync.conftest import SyncWorld


class GatedPoller:
    """The real poller, entered only when the gate is open; counts polls and overlaps."""

    def __init__(self, real: SellerPoller, log: list[str], name: str) -> None:
        self._real = real
        self._log = log
        self._name = name
        self.gate = asyncio.Event()
        self.gate.set()
        self.entered = asyncio.Event()
        self.polls = 0

    async def poll(self, seller: Seller, progress: Progress | None = None,
                   **_: object) -> PollReport:  # fmt: skip
        self._log.append(f"+{self._name}")
        self.entered.set()
        try:
            await self.gate.wait()
            self.polls += 1
            return await self._real.poll(seller, progress)
        finally:
            self._log.append(f"-{self._name}")


def overlaps(log: list[str]) -> int:
    """How often a poll began while another was running (any instance)."""
    running = worst = 0
    for event in log:
        running += 1 if event.startswith("+") else -1
        worst = max(worst, running)
    return worst - 1


@pytest.fixture
async def log() -> list[str]:
    return []


async def instance(
    world: SyncWorld, db: Database, log: list[str], name: str, **kwargs: object
) -> tuple[SyncRunner, GatedPoller, InstanceLock]:
    lock = await db.instances.register()
    poller = GatedPoller(SellerPoller(db=db, apis=world.apis), log, name)
    runner = SyncRunner(db=db, poller=poller, **kwargs)  # type: ignore[arg-type]
    return runner, poller, lock


@pytest.fixture
async def two(
    world: SyncWorld, log: list[str]
) -> AsyncIterator[tuple[tuple[SyncRunner, GatedPoller], tuple[SyncRunner, GatedPoller]]]:
    a_runner, a_poller, a_lock = await instance(world, Database(world.db.pool), log, "a")
    b_runner, b_poller, b_lock = await instance(world, Database(world.db.pool), log, "b")
    try:
        yield (a_runner, a_poller), (b_runner, b_poller)
    finally:
        await a_lock.release()
        await b_lock.release()


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - the state lives in PostgreSQL
            await asyncio.sleep(0.05)


async def test_a_scheduled_poll_is_skipped_while_another_instance_polls(
    world: SyncWorld,
    two: tuple[tuple[SyncRunner, GatedPoller], tuple[SyncRunner, GatedPoller]],
    log: list[str],
) -> None:
    (a, a_poller), (b, b_poller) = two
    a_poller.gate.clear()
    running = asyncio.create_task(a.run(world.seller.id, force=True))
    await a_poller.entered.wait()
    assert await b.run(world.seller.id) is None
    a_poller.gate.set()
    assert await running is not None
    assert (a_poller.polls, b_poller.polls) == (1, 0)
    assert log == ["+a", "-a"]


async def test_a_push_during_another_instance_s_poll_makes_that_one_poll_again(
    world: SyncWorld,
    two: tuple[tuple[SyncRunner, GatedPoller], tuple[SyncRunner, GatedPoller]],
    log: list[str],
) -> None:
    (a, a_poller), (b, b_poller) = two
    a_poller.gate.clear()
    running = asyncio.create_task(a.run(world.seller.id))
    await a_poller.entered.wait()
    assert await b.run_pushed(world.seller.id) is None  # handed to the holder
    a_poller.gate.set()
    assert await running is not None
    assert (a_poller.polls, b_poller.polls) == (2, 0)
    assert overlaps(log) == 0


async def test_in_one_process_a_push_waits_for_the_scheduled_poll_and_a_schedule_skips(
    world: SyncWorld,
    two: tuple[tuple[SyncRunner, GatedPoller], tuple[SyncRunner, GatedPoller]],
    log: list[str],
) -> None:
    (a, a_poller), _ = two
    a_poller.gate.clear()
    scheduled = asyncio.create_task(a.run(world.seller.id))
    await a_poller.entered.wait()
    pushed = asyncio.create_task(a.run_pushed(world.seller.id))
    assert await a.run(world.seller.id) is None  # a second scheduled run: busy, skipped
    a_poller.gate.set()
    assert await scheduled is not None
    assert await pushed is not None  # it ran after, not beside
    assert a_poller.polls == 2 and overlaps(log) == 0


async def test_a_scheduled_poll_right_after_another_instance_s_is_skipped(
    world: SyncWorld, log: list[str]
) -> None:
    gap = {"min_gap": timedelta(minutes=1)}
    a, a_poller, a_lock = await instance(world, Database(world.db.pool), log, "a", **gap)
    b, b_poller, b_lock = await instance(world, Database(world.db.pool), log, "b", **gap)
    try:
        assert await b.run(world.seller.id) is not None  # a process's first poll: at once
        assert await a.run(world.seller.id) is not None
        assert await b.run(world.seller.id) is None  # polled a moment ago elsewhere
        assert await b.run(world.seller.id, force=True) is not None  # an admin asked
        assert (a_poller.polls, b_poller.polls) == (1, 2)
    finally:
        await a_lock.release()
        await b_lock.release()


async def test_a_killed_instance_s_seller_is_polled_by_another_at_once(
    world: SyncWorld, migrated_dsn: str, log: list[str]
) -> None:
    pool = await create_pool(migrated_dsn, min_size=1, max_size=3)
    doomed = Database(pool)
    dead, dead_poller, _ = await instance(world, doomed, log, "dead")
    alive, alive_poller, alive_lock = await instance(world, Database(world.db.pool), log, "b")
    try:
        dead_poller.gate.clear()
        hung = asyncio.create_task(dead.run(world.seller.id, force=True))
        await dead_poller.entered.wait()
        assert await alive.run(world.seller.id) is None  # its lease runs for a minute
        pool.terminate()  # kill -9 in the middle of the poll, lease held
        hung.cancel()
        await asyncio.gather(hung, return_exceptions=True)

        async def polled() -> bool:
            return await alive.run(world.seller.id) is not None

        await until(polled)
        assert alive_poller.polls == 1
    finally:
        await alive_lock.release()
