"""The tick against a real database on a fixed clock: business-hours warnings, each notice
once, batching per workspace, paused sellers and answered turns left alone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.sla.ticker import SlaTicker
from storage.database import Database
from storage.records import Seller, Workspace
from tests.storage.factories import make_chat, make_seller, make_workspace
from tests.support.texts import has, says

FRIDAY_2030_MSK = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)


class Kicks:
    def __init__(self) -> None:
        self.count = 0

    def kick(self) -> None:
        self.count += 1


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def ticker(db: Database, clock: Clock) -> SlaTicker:
    return SlaTicker(
        db=db,
        delivery=Kicks(),
        clock=clock,
        window_margin=timedelta(hours=6),  # type: ignore[arg-type]
    )


async def waiting_turn(
    db: Database,
    seller: Seller,
    name: str,
    *,
    start: datetime,
    deadline: datetime,
    hard: datetime,
    priority: str = "normal",
    window: timedelta = timedelta(hours=48),
) -> int:
    chat = await make_chat(db, seller, external_id=name)
    await db.turns.open_or_extend(
        chat_id=chat.id,
        at=start,
        kind="first",
        priority=priority,
        deadline=deadline,
        hard_deadline=hard,
    )
    await db.chats.set_sla(
        chat_id=chat.id,
        priority=priority,
        waiting_since=start,
        sla_deadline=deadline,
        reply_window_ends_at=start + window,
        unanswered_count=1,
    )
    return chat.id


async def notices(db: Database) -> list[dict[str, object]]:
    rows = await db.pool.fetch("SELECT chat_id, dedup_key, payload FROM tg_outbox ORDER BY id")
    return [dict(r) for r in rows if r["dedup_key"].startswith("sla:")]


async def setup(db: Database) -> tuple[Workspace, Seller]:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace)
    return workspace, seller


async def test_business_hours_warning_and_escalation(db: Database) -> None:
    _, seller = await setup(db)
    await db.sellers.update_business_hours(
        seller_id=seller.id,
        enabled=True,
        timezone="Europe/Moscow",
        work_days=[1, 2, 3, 4, 5],
        work_start=time(9),
        work_end=time(21),
    )
    monday_0930 = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)
    await waiting_turn(
        db,
        seller,
        "c1",
        start=FRIDAY_2030_MSK,
        deadline=monday_0930,
        hard=monday_0930 + timedelta(hours=3),
        window=timedelta(hours=96),  # not what this test is about (see the next one)
    )
    clock = Clock(FRIDAY_2030_MSK + timedelta(minutes=20))
    tick = ticker(db, clock)
    assert (await tick.tick()).notices == 0
    clock.now = FRIDAY_2030_MSK + timedelta(minutes=31)  # 21:01: half the working hour used
    assert (await tick.tick()).notices == 1
    clock.now = FRIDAY_2030_MSK + timedelta(days=1)  # Saturday: nothing new
    assert (await tick.tick()).notices == 0
    clock.now = monday_0930 + timedelta(minutes=1)
    assert (await tick.tick()).notices == 1
    keys = [n["dedup_key"] for n in await notices(db)]
    assert keys == [f"sla:{1}:warned", f"sla:{1}:escalated"]


async def test_ozon_window_closing_over_the_weekend_is_flagged(db: Database) -> None:
    """Business hours stop the clock at the weekend, Ozon's 48 h window does not: close to
    it the chat turns urgent, and when it passes the hard limit is flagged."""
    _, seller = await setup(db)
    await db.sellers.update_business_hours(
        seller_id=seller.id,
        enabled=True,
        timezone="Europe/Moscow",
        work_days=[1, 2, 3, 4, 5],
        work_start=time(9),
        work_end=time(21),
    )
    monday_0930 = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)
    chat_id = await waiting_turn(
        db,
        seller,
        "c1",
        start=FRIDAY_2030_MSK,
        deadline=monday_0930,
        hard=monday_0930 + timedelta(hours=3),
    )
    clock = Clock(FRIDAY_2030_MSK + timedelta(hours=43))  # Sunday, 5 h before the window
    tick = ticker(db, clock)
    report = await tick.tick()
    assert report.bumped == 1
    chat = await db.chats.get(chat_id=chat_id)
    assert chat.priority == "urgent" and chat.sla_deadline == FRIDAY_2030_MSK + timedelta(hours=45)
    clock.now = FRIDAY_2030_MSK + timedelta(hours=48, minutes=1)
    await tick.tick()
    keys = [n["dedup_key"] for n in await notices(db)]
    assert keys[-1] == "sla:1:hard_breached"


async def test_each_notice_once_and_batched_per_workspace(db: Database) -> None:
    workspace, seller = await setup(db)
    start = datetime(2026, 11, 25, 10, tzinfo=UTC)
    for n in range(4):
        await waiting_turn(
            db,
            seller,
            f"c{n}",
            start=start,
            deadline=start + timedelta(minutes=30),
            hard=start + timedelta(hours=1),
            priority="urgent",
        )
    other_ws = await make_workspace(db, tg_chat_id=-100777)
    other = await make_seller(db, other_ws, client_id="9")
    await waiting_turn(
        db,
        other,
        "x",
        start=start,
        deadline=start + timedelta(minutes=30),
        hard=start + timedelta(hours=1),
    )
    clock = Clock(start + timedelta(minutes=31))
    tick = ticker(db, clock)
    report = await tick.tick()
    assert (report.notices, report.posts) == (5, 2)  # 4 batched into one post + 1 single
    rows = await db.pool.fetch("SELECT workspace_id, chat_id, payload FROM tg_outbox")
    head = says("notice.batch_head")
    sla_rows = [r for r in rows if has(r["payload"].get("text"), head) or r["chat_id"]]
    batch = [r for r in sla_rows if r["workspace_id"] == workspace.id and r["chat_id"] is None]
    assert len(batch) == 1 and has(batch[0]["payload"]["text"], says("notice.batch_head", count=4))
    again = await tick.tick()
    assert again.notices == 0
    clock.now = start + timedelta(hours=2)
    assert (await tick.tick()).notices == 5  # the hard limit, once each


async def test_paused_sellers_and_answered_turns_are_left_alone(db: Database) -> None:
    _, seller = await setup(db)
    start = datetime(2026, 11, 25, 10, tzinfo=UTC)
    chat_id = await waiting_turn(
        db,
        seller,
        "c1",
        start=start,
        deadline=start + timedelta(minutes=30),
        hard=start + timedelta(hours=1),
    )
    await db.turns.close(chat_id=chat_id, answered_at=start, via="bot")
    await db.chats.mark_answered(chat_id=chat_id, at=start)
    paused_id = await waiting_turn(
        db,
        seller,
        "c2",
        start=start,
        deadline=start + timedelta(minutes=30),
        hard=start + timedelta(hours=1),
    )
    await db.sellers.set_state(seller_id=seller.id, state="paused")
    tick = ticker(db, Clock(start + timedelta(hours=3)))
    assert (await tick.tick()).notices == 0
    assert (await db.chats.get(chat_id=chat_id)).sla_deadline is None
    await db.sellers.set_state(seller_id=seller.id, state="active")
    assert (await tick.tick()).notices == 1
    assert paused_id != chat_id
