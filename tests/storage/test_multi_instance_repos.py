"""Seller leases, role locks and the shared Telegram budget, with a real second process
(its own pool) that dies the way kill -9 makes it: its connections just drop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from storage.database import Database
from storage.pool import create_pool
from tests.storage.factories import make_seller, make_workspace

LEASE = timedelta(minutes=10)
MINUTE = timedelta(seconds=60)
SECOND = timedelta(seconds=1)
GROUP = -100123


@pytest.fixture
async def other(migrated_dsn: str) -> AsyncIterator[Database]:
    """A second process on the same database."""
    pool = await create_pool(migrated_dsn, min_size=1, max_size=3)
    try:
        yield Database(pool)
    finally:
        pool.terminate()


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - the state lives in PostgreSQL
            await asyncio.sleep(0.05)


async def seller_id(db: Database) -> int:
    return (await make_seller(db, await make_workspace(db))).id


# ------------------------------------------------------------------ seller leases


async def test_a_held_lease_is_not_taken_and_a_released_one_is(
    db: Database, other: Database
) -> None:
    sid = await seller_id(db)
    mine = await db.instances.register()
    theirs = await other.instances.register()
    try:
        leases = db.seller_leases
        taken = await leases.take(seller_id=sid, holder=mine.instance_id, lease=LEASE)
        # the poll's start is read in the same statement: the seller, its state, its key
        assert taken is not None
        assert taken.seller == await db.sellers.get(seller_id=sid)
        assert taken.state == await db.sync_state.get(seller_id=sid)
        assert taken.api_key_encrypted == await db.sellers.get_encrypted_key(seller_id=sid)
        assert not await other.seller_leases.take(
            seller_id=sid, holder=theirs.instance_id, lease=LEASE
        )
        assert await leases.holder(seller_id=sid) == mine.instance_id
        assert await leases.renew(seller_id=sid, holder=mine.instance_id, lease=LEASE)
        assert not await leases.renew(seller_id=sid, holder=theirs.instance_id, lease=LEASE)
        assert not await leases.release(seller_id=sid, holder=mine.instance_id)
        assert await other.seller_leases.take(
            seller_id=sid, holder=theirs.instance_id, lease=LEASE
        )
        # the previous holder's lease is gone: it can neither renew nor release it
        assert not await leases.renew(seller_id=sid, holder=mine.instance_id, lease=LEASE)
        assert await leases.holder(seller_id=sid) == theirs.instance_id
    finally:
        await theirs.release()
        await mine.release()


async def test_the_lease_of_a_dead_instance_is_taken_at_once(
    db: Database, other: Database
) -> None:
    sid = await seller_id(db)
    mine = await db.instances.register()
    dead = await other.instances.register()
    try:
        assert await other.seller_leases.take(seller_id=sid, holder=dead.instance_id, lease=LEASE)
        assert not await db.seller_leases.take(seller_id=sid, holder=mine.instance_id, lease=LEASE)
        assert await db.seller_leases.request_rerun(seller_id=sid)  # the holder lives

        other.pool.terminate()  # kill -9: the lease still has ten minutes to run

        async def taken() -> bool:
            lease = await db.seller_leases.take(
                seller_id=sid, holder=mine.instance_id, lease=LEASE
            )
            return lease is not None

        await until(taken)
        assert await db.seller_leases.holder(seller_id=sid) == mine.instance_id
    finally:
        await mine.release()


async def test_a_take_waiting_on_a_release_reads_what_the_last_poll_wrote(
    db: Database, other: Database
) -> None:
    """The take's snapshot predates the release it waits for; the state it hands the poll
    must still be the one that poll left (its cursor), not the snapshot's."""
    sid = await seller_id(db)
    mine = await db.instances.register()
    theirs = await other.instances.register()
    try:
        assert await other.seller_leases.take(
            seller_id=sid, holder=theirs.instance_id, lease=LEASE
        )
        async with other.pool.acquire() as conn, conn.transaction():
            # their poll ends: what it read is recorded, then the lease is given up
            await conn.execute("UPDATE sync_state SET cursor = 'fresh' WHERE seller_id = $1", sid)
            await conn.execute(
                "UPDATE seller_leases SET held_by = NULL, lease_until = NULL WHERE seller_id = $1",
                sid,
            )
            take = asyncio.create_task(
                db.seller_leases.take(seller_id=sid, holder=mine.instance_id, lease=LEASE)
            )

            async def waiting() -> bool:
                count = await other.pool.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted"
                )
                return bool(count)

            await until(waiting)
        taken = await take
        assert taken is not None
        assert taken.state.cursor == "fresh"
    finally:
        await theirs.release()
        await mine.release()


async def test_an_expired_lease_is_taken_and_min_gap_skips_a_fresh_poll(db: Database) -> None:
    sid = await seller_id(db)
    mine = await db.instances.register()
    try:
        leases = db.seller_leases
        assert await leases.take(seller_id=sid, holder="gone", lease=timedelta(milliseconds=1))
        await asyncio.sleep(0.01)
        assert await leases.take(seller_id=sid, holder=mine.instance_id, lease=LEASE)
        await leases.release(seller_id=sid, holder=mine.instance_id)
        # a poll just ended: a scheduled one (with a gap) waits, a forced one does not
        gap = timedelta(minutes=1)
        assert not await leases.take(
            seller_id=sid, holder=mine.instance_id, lease=LEASE, min_gap=gap
        )
        assert await leases.take(seller_id=sid, holder=mine.instance_id, lease=LEASE)
    finally:
        await mine.release()


async def test_a_lease_left_by_a_failed_release_is_taken_back_by_its_holder(
    db: Database, other: Database
) -> None:
    sid = await seller_id(db)
    mine = await db.instances.register()
    theirs = await other.instances.register()
    try:
        leases = db.seller_leases
        taken = await leases.take(seller_id=sid, holder=mine.instance_id, lease=LEASE)
        # the poll's start is read in the same statement: the seller, its state, its key
        assert taken is not None
        assert taken.seller == await db.sellers.get(seller_id=sid)
        assert taken.state == await db.sync_state.get(seller_id=sid)
        assert taken.api_key_encrypted == await db.sellers.get_encrypted_key(seller_id=sid)
        assert await leases.take(seller_id=sid, holder=mine.instance_id, lease=LEASE)
        assert not await other.seller_leases.take(
            seller_id=sid, holder=theirs.instance_id, lease=LEASE
        )
    finally:
        await theirs.release()
        await mine.release()


async def test_a_rerun_asked_of_the_holder_is_returned_once(db: Database, other: Database) -> None:
    sid = await seller_id(db)
    holder = await other.instances.register()
    try:
        assert not await db.seller_leases.request_rerun(seller_id=sid)  # nobody polls
        assert await other.seller_leases.take(
            seller_id=sid, holder=holder.instance_id, lease=LEASE
        )
        assert await db.seller_leases.request_rerun(seller_id=sid)
        assert await other.seller_leases.release(seller_id=sid, holder=holder.instance_id)
        assert await other.seller_leases.take(
            seller_id=sid, holder=holder.instance_id, lease=LEASE
        )
        assert not await other.seller_leases.release(seller_id=sid, holder=holder.instance_id)
    finally:
        await holder.release()


# ------------------------------------------------------------------ roles


async def test_a_role_has_one_holder_and_moves_when_it_dies(db: Database, other: Database) -> None:
    key = 7
    theirs = await other.leaders.try_take(key)
    assert theirs is not None and await theirs.alive()
    assert await db.leaders.try_take(key) is None
    assert await db.leaders.holder_count(key) == 1

    other.pool.terminate()  # the leader's process is killed
    assert not await theirs.alive()

    async def taken() -> bool:
        lock = await db.leaders.try_take(key)
        if lock is None:
            return False
        await lock.release()
        return True

    await until(taken)
    mine = await db.leaders.try_take(key)
    assert mine is not None
    await mine.release()
    assert await db.leaders.holder_count(key) == 0


async def test_killing_all_roles_frees_them(db: Database, other: Database) -> None:
    first = await db.leaders.try_take(1)
    second = await db.leaders.try_take(2)
    assert first is not None and second is not None
    await db.leaders.kill_all()
    assert not await first.alive() and not await second.alive()

    async def both_free() -> bool:
        return await db.leaders.holder_count(1) == 0 and await db.leaders.holder_count(2) == 0

    await until(both_free)
    lock = await other.leaders.try_take(1)
    assert lock is not None
    await lock.release()


# ------------------------------------------------------------------ budget


async def take(db: Database, units: int = 3, bot_units: int = 100) -> bool:
    taken = await db.tg_budget.take(
        tg_chat_id=GROUP,
        group_units=units,
        group_window=MINUTE,
        bot_units=bot_units,
        bot_window=SECOND,
    )
    return taken.ok


async def test_two_processes_share_one_group_budget(db: Database, other: Database) -> None:
    outcomes = await asyncio.gather(*(take(db if i % 2 else other) for i in range(20)))
    assert sum(outcomes) == 3
    assert await db.tg_budget.spent(scope=GROUP, window=MINUTE) == 3
    refused = await db.tg_budget.take(
        tg_chat_id=GROUP, group_units=3, group_window=MINUTE, bot_units=100, bot_window=SECOND
    )
    assert not refused.ok and 55 < refused.retry_after <= 60


async def test_the_window_slides(db: Database) -> None:
    window = timedelta(milliseconds=300)
    for _ in range(2):
        taken = await db.tg_budget.take(
            tg_chat_id=GROUP, group_units=2, group_window=window, bot_units=100, bot_window=SECOND
        )
        assert taken.ok
    refused = await db.tg_budget.take(
        tg_chat_id=GROUP, group_units=2, group_window=window, bot_units=100, bot_window=SECOND
    )
    assert not refused.ok and 0 < refused.retry_after <= 0.3
    await asyncio.sleep(refused.retry_after + 0.05)
    again = await db.tg_budget.take(
        tg_chat_id=GROUP, group_units=2, group_window=window, bot_units=100, bot_window=SECOND
    )
    assert again.ok


async def test_the_bot_budget_is_shared_by_all_groups_and_refuses_first(db: Database) -> None:
    outcomes = [
        (
            await db.tg_budget.take(
                tg_chat_id=GROUP - i,
                group_units=10,
                group_window=MINUTE,
                bot_units=4,
                bot_window=timedelta(seconds=30),
            )
        ).ok
        for i in range(6)
    ]
    assert outcomes == [True] * 4 + [False] * 2
    # a bot-wide refusal spends nothing of the group's
    assert await db.tg_budget.spent(scope=GROUP - 5, window=MINUTE) == 0
