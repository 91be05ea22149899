"""The SLA tick and a group the bot was removed from ('detached'): notices wait for the
group instead of piling up stale in its queue, and come back as one current notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Database
from tests.sla.test_ticker import Clock, notices, setup, ticker, waiting_turn


async def test_a_detached_group_gets_no_stale_notices_and_one_current_one_on_return(
    db: Database,
) -> None:
    workspace, seller = await setup(db)
    start = datetime(2026, 11, 25, 10, tzinfo=UTC)
    await waiting_turn(
        db,
        seller,
        "c1",
        start=start,
        deadline=start + timedelta(minutes=30),
        hard=start + timedelta(hours=1),
        priority="urgent",
    )
    await db.workspaces.set_state(workspace_id=workspace.id, state="detached")
    clock = Clock(start)
    tick = ticker(db, clock)
    for minutes in (16, 31, 61):  # warning, escalation, hard limit: all while detached
        clock.now = start + timedelta(minutes=minutes)
        await tick.tick()
    assert await notices(db) == []  # nothing queued for a group that cannot see it
    turn = await db.pool.fetchrow("SELECT warned_at, escalated_at FROM buyer_turns")
    assert turn["warned_at"] is None and turn["escalated_at"] is None

    await db.workspaces.set_state(workspace_id=workspace.id, state="active")
    clock.now = start + timedelta(minutes=62)
    report = await tick.tick()
    assert report.notices == 1
    assert [n["dedup_key"] for n in await notices(db)] == ["sla:1:hard_breached"]
