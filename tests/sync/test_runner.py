"""What failures do to a seller: failing with a reason, backoff, recovery, pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.sync.runner import (
    REASON_INVALID_KEY,
    REASON_PREMIUM,
    REASON_UNDECRYPTABLE,
    SyncRunner,
    backoff,
)
from bot.texts import text
from tests.sync.conftest import API_KEY, CLIENT_ID, SyncWorld


@pytest.mark.parametrize("reason", [REASON_INVALID_KEY, REASON_PREMIUM, REASON_UNDECRYPTABLE])
def test_every_failing_reason_reads_well_in_both_languages(reason: str) -> None:
    for locale in ("ru", "en"):
        explanation = text(f"seller_reason.{reason}", locale)
        assert len(explanation) > 40 and reason not in explanation


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(50) == timedelta(minutes=30)


async def test_a_revoked_key_marks_the_seller_failing_and_stops_hammering(
    world: SyncWorld,
) -> None:
    world.emu.state.set_api_key(CLIENT_ID, "a-new-key-the-bot-does-not-know")
    assert await world.runner.run(world.seller.id) is None

    seller = await world.db.sellers.get(seller_id=world.seller.id)
    assert (seller.state, seller.state_reason) == ("failing", REASON_INVALID_KEY)
    state = await world.db.sync_state.get(seller_id=world.seller.id)
    assert state.consecutive_failures == 1
    assert state.last_error is not None and "AuthFailed" in state.last_error
    assert API_KEY not in state.last_error
    assert state.next_attempt_at - state.last_attempt_at >= timedelta(minutes=30)

    calls = world.calls().total()
    assert await world.runner.run(world.seller.id) is None  # not due: no call to Ozon
    assert world.calls().total() == calls


async def test_lapsed_premium_is_its_own_reason_and_recovery_reactivates(
    world: SyncWorld,
) -> None:
    world.emu.state.set_premium(CLIENT_ID, False)
    await world.runner.run(world.seller.id)
    seller = await world.db.sellers.get(seller_id=world.seller.id)
    assert (seller.state, seller.state_reason) == ("failing", REASON_PREMIUM)

    world.emu.state.set_premium(CLIENT_ID, True)
    report = await world.runner.run(world.seller.id, force=True)
    assert report is not None
    seller = await world.db.sellers.get(seller_id=world.seller.id)
    assert (seller.state, seller.state_reason) == ("active", None)
    state = await world.db.sync_state.get(seller_id=world.seller.id)
    assert state.consecutive_failures == 0 and state.last_error is None


async def test_transient_failures_back_off_but_keep_the_seller_active(world: SyncWorld) -> None:
    world.emu.state.add_fault("500")  # until cleared
    for expected_failures in (1, 2):
        assert await world.runner.run(world.seller.id, force=True) is None
        state = await world.db.sync_state.get(seller_id=world.seller.id)
        assert state.consecutive_failures == expected_failures
        assert state.next_attempt_at - state.last_attempt_at == backoff(expected_failures)
    seller = await world.db.sellers.get(seller_id=world.seller.id)
    assert seller.state == "active"
    world.emu.state.clear_faults()
    assert await world.runner.run(world.seller.id, force=True) is not None


async def test_a_paused_seller_is_not_polled(world: SyncWorld) -> None:
    await world.db.sellers.set_state(seller_id=world.seller.id, state="paused")
    assert await world.runner.run(world.seller.id, force=True) is None
    assert world.calls().total() == 0


async def test_an_undecryptable_key_is_a_failing_seller_not_a_crash(world: SyncWorld) -> None:
    await world.db.sellers.replace_key(seller_id=world.seller.id, api_key_encrypted=b"garbage")
    assert await world.runner.run(world.seller.id) is None
    seller = await world.db.sellers.get(seller_id=world.seller.id)
    assert (seller.state, seller.state_reason) == ("failing", REASON_UNDECRYPTABLE)


async def test_removed_seller_is_skipped(world: SyncWorld) -> None:
    runner = SyncRunner(db=world.db, poller=world.poller, clock=lambda: datetime.now(UTC))
    assert await runner.run(999_999) is None
