"""Push pacing: a seller's scheduled poll waits while its pushes arrive and the safety-net
poll ran lately; it polls as usual when pushes stop, when it was never polled, or when the
database cannot tell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduling import build_scheduler
from bot.sync.push_pacing import PushPacing
from bot.sync.scheduler import SyncScheduler
from storage.database import Database
from storage.push_inbox_repo import PushKey
from tests.storage.factories import make_seller, make_workspace


async def _pushed(db: Database, seller_id: int, ago: timedelta, n: int = 1) -> None:
    await db.push_inbox.store(PushKey("ozon", "1001", "TYPE_NEW_MESSAGE", "c", str(n)),
                              seller_id=seller_id)  # fmt: skip
    await db.pool.execute(
        "UPDATE push_inbox SET received_at = now() - $1::interval WHERE seller_id = $2",
        ago,
        seller_id,
    )


async def _polled(db: Database, seller_id: int, ago: timedelta) -> None:
    await db.pool.execute(
        "UPDATE sync_state SET last_success_at = now() - $1::interval WHERE seller_id = $2",
        ago,
        seller_id,
    )


async def test_scheduled_polls_wait_only_while_pushes_arrive(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    pacing = PushPacing(db=db, clock=lambda: datetime.now(UTC))
    assert not await pacing.may_skip(seller.id)  # no push ever: poll
    await _pushed(db, seller.id, timedelta(minutes=1))
    assert not await pacing.may_skip(seller.id)  # pushes, but never polled: poll
    await _polled(db, seller.id, timedelta(minutes=1))
    assert await pacing.may_skip(seller.id)  # pushes arrive, safety net ran: wait
    await _polled(db, seller.id, timedelta(minutes=6))
    assert not await pacing.may_skip(seller.id)  # the safety net is due
    await _polled(db, seller.id, timedelta(minutes=1))
    await _pushed(db, seller.id, timedelta(minutes=20))
    assert not await pacing.may_skip(seller.id)  # pushes stopped: full speed


async def test_a_skipped_tick_runs_no_poll_and_a_database_error_polls(db: Database) -> None:
    ran: list[int] = []

    class Runner:
        async def run(self, seller_id: int) -> None:
            ran.append(seller_id)

    async def skip(seller_id: int) -> bool:
        return seller_id == 1

    scheduler = SyncScheduler(db=db, runner=Runner(), scheduler=build_scheduler(),  # type: ignore[arg-type]
                              interval_seconds=60, may_skip=skip)  # fmt: skip
    await scheduler._tick(1)
    await scheduler._tick(2)
    assert ran == [2]
    await db.pool.execute("ALTER TABLE push_inbox RENAME TO push_inbox_away")
    try:
        assert not await PushPacing(db=db).may_skip(1)
    finally:
        await db.pool.execute("ALTER TABLE push_inbox_away RENAME TO push_inbox")
