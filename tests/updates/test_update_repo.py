"""The update table: idempotent batches, one head per key, keys in parallel, dead claims."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.updates.seal import UpdateSeal
from storage.database import Database
from storage.pool import create_pool
from storage.update_repo import IncomingUpdate
from storage.vault import Vault


def _u(update_id: int, key: str) -> IncomingUpdate:
    return IncomingUpdate(update_id, key, {"update_id": update_id, "message": {"text": "x"}})


def _now() -> datetime:
    return datetime.now(UTC)


async def test_a_batch_is_stored_once_however_often_it_is_delivered(db: Database) -> None:
    assert await db.updates.store([_u(1, "a"), _u(2, "a")]) == 2
    assert await db.updates.store([_u(2, "a"), _u(3, "b")]) == 1  # 2 was redelivered
    assert await db.updates.count_pending() == 3
    stored = await db.updates.get(2)
    assert stored is not None and stored.payload == {"update_id": 2, "message": {"text": "x"}}


async def test_a_batch_is_one_transaction(db: Database) -> None:
    broken = IncomingUpdate(5, None, {})  # type: ignore[arg-type]  # chat_key NOT NULL
    with pytest.raises(asyncpg.NotNullViolationError):
        await db.updates.store([_u(4, "a"), broken])
    assert await db.updates.get(4) is None


async def test_one_key_hands_out_only_its_lowest_update_and_only_when_free(db: Database) -> None:
    await db.updates.store([_u(1, "a"), _u(2, "a"), _u(3, "b"), _u(4, "a")])
    first = await db.updates.claim(instance_id="w1", now=_now(), limit=10)
    assert [u.update_id for u in first] == [1, 3]  # one per key, keys in parallel
    assert await db.updates.claim(instance_id="w2", now=_now(), limit=10) == []
    await db.updates.mark_done(update_id=1)
    again = await db.updates.claim(instance_id="w2", now=_now(), limit=10)
    assert [u.update_id for u in again] == [2]  # b's head is still leased
    await db.updates.mark_done(update_id=2)
    await db.updates.mark_done(update_id=3)
    last = await db.updates.claim(instance_id="w1", now=_now(), limit=10)
    assert [(u.update_id, u.attempts, u.claimed_by) for u in last] == [(4, 1, "w1")]


async def test_a_backing_off_head_is_not_overtaken(db: Database) -> None:
    await db.updates.store([_u(1, "a"), _u(2, "a")])
    await db.updates.claim(instance_id="w1", now=_now(), limit=10)
    await db.updates.retry_later(update_id=1, not_before=_now() + timedelta(hours=1), error="E")
    assert await db.updates.claim(instance_id="w1", now=_now(), limit=10) == []
    later = _now() + timedelta(hours=2)
    [again] = await db.updates.claim(instance_id="w1", now=later, limit=10)
    assert (again.update_id, again.attempts, again.last_error) == (1, 2, "E")


async def test_a_failed_update_unblocks_its_key(db: Database) -> None:
    await db.updates.store([_u(1, "a"), _u(2, "a")])
    await db.updates.claim(instance_id="w1", now=_now(), limit=10)
    await db.updates.mark_failed(update_id=1, error="ValueError at x.py:1")
    [nxt] = await db.updates.claim(instance_id="w1", now=_now(), limit=10)
    assert nxt.update_id == 2
    failed = await db.updates.get(1)
    assert failed is not None and failed.status == "failed"


async def test_an_expired_lease_is_claimable_again(db: Database) -> None:
    await db.updates.store([_u(1, "a")])
    await db.updates.claim(instance_id="w1", now=_now(), limit=1, lease=timedelta(seconds=1))
    [again] = await db.updates.claim(instance_id="w2", now=_now() + timedelta(seconds=2), limit=1)
    assert (again.claimed_by, again.attempts) == ("w2", 2)


async def test_own_keys_in_flight_are_excluded(db: Database) -> None:
    await db.updates.store([_u(1, "a"), _u(2, "b")])
    claimed = await db.updates.claim(instance_id="w1", now=_now(), limit=10, exclude_keys=["a"])
    assert [u.update_id for u in claimed] == [2]


async def test_released_claims_do_not_count_as_attempts(db: Database) -> None:
    await db.updates.store([_u(1, "a")])
    await db.updates.claim(instance_id="w1", now=_now(), limit=1)
    await db.updates.release(instance_id="w1", update_ids=[1])
    [again] = await db.updates.claim(instance_id="w2", now=_now(), limit=1)
    assert again.attempts == 1


async def test_prune_forgets_only_finished_old_updates(db: Database) -> None:
    await db.updates.store([_u(1, "a"), _u(2, "b")])
    await db.updates.claim(instance_id="w1", now=_now(), limit=10)
    await db.updates.mark_done(update_id=1)
    assert await db.updates.prune(older_than=_now() + timedelta(seconds=1)) == 1
    assert await db.updates.get(1) is None and await db.updates.get(2) is not None


async def _until(condition: object, seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_claims_of_a_dead_instance_are_released_at_once(
    db: Database, migrated_dsn: str
) -> None:
    """Another process (its own pool, its own connection) claims, then dies."""
    other_pool = await create_pool(migrated_dsn, min_size=1, max_size=2)
    other = Database(other_pool)
    dead = await other.instances.register()
    alive = await db.instances.register()
    try:
        await db.updates.store([_u(1, "a"), _u(2, "b")])
        lease = timedelta(minutes=10)
        await other.updates.claim(instance_id=dead.instance_id, now=_now(), limit=1, lease=lease)
        await db.updates.claim(instance_id=alive.instance_id, now=_now(), limit=1, lease=lease)
        assert await db.instances.is_alive(dead.instance_id)
        assert await db.instances.release_dead_claims("tg_updates") == 0

        other_pool.terminate()  # the process is gone: its connections drop, like kill -9

        async def gone() -> bool:
            return not await db.instances.is_alive(dead.instance_id)

        await _until(gone)
        assert await db.instances.release_dead_claims("tg_updates") == 1
        freed = await db.updates.get(1)
        kept = await db.updates.get(2)
        assert freed is not None and (freed.claimed_by, freed.lease_until) == (None, None)
        assert kept is not None and kept.claimed_by == alive.instance_id
        [taken] = await db.updates.claim(instance_id=alive.instance_id, now=_now(), limit=5)
        assert taken.update_id == 1  # no waiting out the ten-minute lease
    finally:
        await alive.release()


async def test_a_gracefully_released_instance_is_not_alive(db: Database) -> None:
    lock = await db.instances.register()
    assert await db.instances.is_alive(lock.instance_id)
    await lock.release()
    assert not await db.instances.is_alive(lock.instance_id)
    assert await db.pool.fetchval("SELECT count(*) FROM instances") == 0


async def test_claims_naming_an_unknown_instance_are_released(db: Database) -> None:
    await db.updates.store([_u(1, "a")])
    await db.updates.claim(instance_id="never-registered", now=_now(), limit=1)
    assert await db.instances.release_dead_claims("tg_updates") == 1


async def test_release_dead_claims_refuses_what_is_not_a_table_name(db: Database) -> None:
    with pytest.raises(ValueError, match="not a table name"):
        await db.instances.release_dead_claims("tg_updates; DROP TABLE x")


async def test_finished_updates_keep_no_text(db: Database) -> None:
    """An agent may paste a marketplace key into the chat: neither a pending update (sealed)
    nor a finished one (the seal dropped) holds it in the clear."""
    seal = UpdateSeal(Vault([SecretStr(Fernet.generate_key().decode())]))
    secret = {"update_id": 1, "message": {"message_id": 9, "text": "ozon-key-0123456789"}}
    other = {"update_id": 2, "callback_query": {"id": "q", "data": "ozon-key-0123456789"}}
    await db.updates.store([IncomingUpdate(1, "a", seal.seal(secret)),
                            IncomingUpdate(2, "b", seal.seal(other))])  # fmt: skip
    raw = await db.pool.fetchval("SELECT string_agg(payload::text, ' ') FROM tg_updates")
    assert "ozon-key" not in raw
    [first, _] = await db.updates.claim(instance_id="w1", now=_now(), limit=10)
    assert seal.open(first.payload) == secret
    await db.updates.mark_done(update_id=1)
    await db.updates.mark_failed(update_id=2, error="RuntimeError at x.py:1")
    done, failed = await db.updates.get(1), await db.updates.get(2)
    assert done is not None and done.payload == {
        "update_id": 1,
        "kind": "message",
        "message_id": 9,
    }
    assert failed is not None and failed.payload == {"update_id": 2, "kind": "callback_query"}
