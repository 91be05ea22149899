"""SyncStateRepo: per-seller poll bookkeeping."""

from __future__ import annotations

import asyncpg
import pytest

from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller
from storage.sync_state_repo import MAX_ERROR_LENGTH
from tests.storage.factories import at, make_seller, make_workspace


async def _seller(db: Database) -> Seller:
    return await make_seller(db, await make_workspace(db))


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sync_state.get(seller_id=999)


async def test_record_success_stamps_and_keeps_cursor_when_none(db: Database) -> None:
    seller = await _seller(db)

    state = await db.sync_state.record_success(seller_id=seller.id, at=at(0), cursor="c-1")
    assert state.last_attempt_at == at(0)
    assert state.last_success_at == at(0)
    assert state.cursor == "c-1"
    assert state.full_scan_at is None
    assert state.initial_sync_done_at is None

    state = await db.sync_state.record_success(seller_id=seller.id, at=at(1))
    assert state.cursor == "c-1"
    assert state.last_success_at == at(1)
    assert await db.sync_state.get(seller_id=seller.id) == state


async def test_record_success_resets_failures(db: Database) -> None:
    seller = await _seller(db)
    await db.sync_state.record_failure(
        seller_id=seller.id, at=at(0), error="timeout", next_attempt_at=at(1)
    )
    await db.sync_state.record_failure(
        seller_id=seller.id, at=at(1), error="timeout", next_attempt_at=at(3)
    )

    state = await db.sync_state.record_success(seller_id=seller.id, at=at(5))

    assert state.consecutive_failures == 0
    assert state.last_error is None
    assert state.next_attempt_at is None
    assert state.last_attempt_at == at(5)
    assert state.last_success_at == at(5)


async def test_record_success_stamps_initial_sync_once(db: Database) -> None:
    seller = await _seller(db)

    first = await db.sync_state.record_success(seller_id=seller.id, at=at(0), initial_sync=True)
    second = await db.sync_state.record_success(seller_id=seller.id, at=at(10), initial_sync=True)
    third = await db.sync_state.record_success(seller_id=seller.id, at=at(20))

    assert first.initial_sync_done_at == at(0)
    assert second.initial_sync_done_at == at(0)
    assert third.initial_sync_done_at == at(0)


async def test_record_success_full_scan_is_stamped_each_time(db: Database) -> None:
    seller = await _seller(db)

    first = await db.sync_state.record_success(seller_id=seller.id, at=at(0), full_scan=True)
    plain = await db.sync_state.record_success(seller_id=seller.id, at=at(5))
    again = await db.sync_state.record_success(seller_id=seller.id, at=at(10), full_scan=True)

    assert first.full_scan_at == at(0)
    assert plain.full_scan_at == at(0)
    assert again.full_scan_at == at(10)


async def test_record_success_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sync_state.record_success(seller_id=999, at=at())


async def test_record_failure_increments_and_keeps_last_success(db: Database) -> None:
    seller = await _seller(db)
    await db.sync_state.record_success(seller_id=seller.id, at=at(0), cursor="c")

    first = await db.sync_state.record_failure(
        seller_id=seller.id, at=at(1), error="HTTP 500", next_attempt_at=at(2)
    )
    second = await db.sync_state.record_failure(
        seller_id=seller.id, at=at(2), error="HTTP 502", next_attempt_at=None
    )

    assert first.consecutive_failures == 1
    assert first.last_error == "HTTP 500"
    assert first.next_attempt_at == at(2)
    assert second.consecutive_failures == 2
    assert second.last_error == "HTTP 502"
    assert second.next_attempt_at is None
    assert second.last_attempt_at == at(2)
    assert second.last_success_at == at(0)
    assert second.cursor == "c"


async def test_record_failure_truncates_long_error(db: Database) -> None:
    seller = await _seller(db)

    state = await db.sync_state.record_failure(
        seller_id=seller.id, at=at(), error="э" * 2000, next_attempt_at=None
    )

    assert MAX_ERROR_LENGTH == 500
    assert state.last_error == "э" * 500


async def test_record_failure_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sync_state.record_failure(seller_id=999, at=at(), error="x", next_attempt_at=None)


async def test_set_health_notice_true_only_on_change(db: Database) -> None:
    seller = await _seller(db)

    assert await db.sync_state.set_health_notice(seller_id=seller.id, notice="ok") is False
    assert await db.sync_state.set_health_notice(seller_id=seller.id, notice="failing") is True
    assert await db.sync_state.set_health_notice(seller_id=seller.id, notice="failing") is False
    assert (await db.sync_state.get(seller_id=seller.id)).health_notice == "failing"
    assert await db.sync_state.set_health_notice(seller_id=seller.id, notice="ok") is True
    assert (await db.sync_state.get(seller_id=seller.id)).health_notice == "ok"


async def test_set_health_notice_unknown_seller_is_false(db: Database) -> None:
    assert await db.sync_state.set_health_notice(seller_id=999, notice="failing") is False


async def test_set_health_notice_rejects_unknown_value(db: Database) -> None:
    seller = await _seller(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.sync_state.set_health_notice(seller_id=seller.id, notice="dead")
