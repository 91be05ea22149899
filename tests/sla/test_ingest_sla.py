"""Priorities and deadlines decided at ingestion, and clocks stopped by seller replies."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.sync.ingest import ingest_chat
from connectors.marketplace.messages import Author, ChatInfo, Message
from storage.database import Database
from storage.records import Seller
from storage.sla_defaults import DEFAULT_RULES, DEFAULT_TARGETS
from storage.sla_repo import RuleSpec
from tests.storage.factories import make_seller, make_workspace

WINDOW = timedelta(hours=48)
T = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wednesday 13:00 in Moscow


def msg(
    number: int,
    text: str,
    at: datetime,
    *,
    seller: bool = False,
    order: str | None = None,
) -> Message:
    return Message(
        message_id=str(1000 + number),
        author=Author.SELLER if seller else Author.BUYER,
        author_id="seller" if seller else "buyer-77",
        created_at=at,
        text=text,
        order_number=order,
    )


async def ingest(db: Database, seller: Seller, *messages: Message) -> int:
    summary = ChatInfo(chat_id="c-1", chat_type="BUYER_SELLER")
    result = await ingest_chat(
        db, seller=seller, summary=summary, messages=list(messages), reply_window=WINDOW
    )
    return result.chat_id


async def seller_in(db: Database) -> Seller:
    return await make_seller(db, await make_workspace(db))


async def test_new_sellers_get_the_default_rules_and_targets(db: Database) -> None:
    seller = await seller_in(db)
    rules = await db.sla.list_rules(seller_id=seller.id)
    assert [(r.kind, r.priority, r.pattern) for r in rules] == [
        (r.kind, r.priority, r.pattern) for r in DEFAULT_RULES
    ]
    targets = await db.sla.get_targets(seller_id=seller.id)
    assert {p: (t.target_minutes, t.hard_limit_minutes) for p, t in targets.items()} == (
        DEFAULT_TARGETS
    )


async def test_sellers_from_before_sla_are_seeded_once(db: Database) -> None:
    seller = await seller_in(db)
    await db.pool.execute("DELETE FROM sla_rules")
    await db.pool.execute("DELETE FROM sla_targets")
    assert await db.sellers.seed_missing_sla_defaults() == 1
    assert len(await db.sla.list_rules(seller_id=seller.id)) == len(DEFAULT_RULES)
    # An admin who removed every rule keeps an empty list.
    await db.pool.execute("DELETE FROM sla_rules")
    assert await db.sellers.seed_missing_sla_defaults() == 0
    assert await db.sla.list_rules(seller_id=seller.id) == []


async def test_a_defect_complaint_opens_an_urgent_turn_with_deadlines(db: Database) -> None:
    seller = await seller_in(db)
    chat_id = await ingest(db, seller, msg(1, "Пришёл брак", T, order="123-1"))
    turn = await db.turns.get_open(chat_id=chat_id)
    assert turn is not None
    assert (turn.kind, turn.priority) == ("first", "urgent")
    assert turn.matched_rule_id == (await db.sla.list_rules(seller_id=seller.id))[0].id
    assert (turn.deadline, turn.hard_deadline) == (
        T + timedelta(minutes=30),
        T + timedelta(hours=1),
    )
    chat = await db.chats.get(chat_id=chat_id)
    assert (chat.priority, chat.sla_deadline) == ("urgent", turn.deadline)


async def test_a_later_message_raises_the_priority_never_lowers_it(db: Database) -> None:
    seller = await seller_in(db)
    await db.sla.replace_rules(
        seller_id=seller.id,
        rules=[
            RuleSpec(kind="keyword", priority="urgent", pattern="брак"),
            RuleSpec(kind="keyword", priority="low", pattern="спасибо"),
        ],
    )
    chat_id = await ingest(db, seller, msg(1, "Подскажите размер", T))
    first = await db.turns.get_open(chat_id=chat_id)
    assert first is not None and first.priority == "normal"
    assert first.deadline == T + timedelta(hours=4)

    await ingest(db, seller, msg(2, "Ой, и ещё брак на подошве", T + timedelta(minutes=10)))
    raised = await db.turns.get_open(chat_id=chat_id)
    assert raised is not None and raised.id == first.id
    assert raised.priority == "urgent"
    assert raised.deadline == T + timedelta(minutes=30)  # counted from the turn's start
    assert raised.buyer_message_count == 2

    await ingest(db, seller, msg(3, "Спасибо", T + timedelta(minutes=12)))
    kept = await db.turns.get_open(chat_id=chat_id)
    assert kept is not None and kept.priority == "urgent"
    chat = await db.chats.get(chat_id=chat_id)
    assert (chat.priority, chat.sla_deadline) == ("urgent", kept.deadline)


async def test_business_hours_move_the_deadline_past_the_weekend(db: Database) -> None:
    seller = await seller_in(db)
    await db.sellers.update_business_hours(
        seller_id=seller.id, enabled=True, timezone="Europe/Moscow", work_days=[1, 2, 3, 4, 5],
        work_start=time(9), work_end=time(21),
    )  # fmt: skip
    seller = await db.sellers.get(seller_id=seller.id)
    await db.sla.replace_rules(seller_id=seller.id, rules=[])
    await db.sla.set_target(
        seller_id=seller.id, priority="normal", target_minutes=60, hard_limit_minutes=120
    )
    thursday_2030_msk = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    chat_id = await ingest(db, seller, msg(1, "Вопрос", thursday_2030_msk))
    turn = await db.turns.get_open(chat_id=chat_id)
    assert turn is not None
    assert turn.deadline == datetime(2026, 11, 27, 6, 30, tzinfo=UTC)  # Friday 09:30 MSK
    assert turn.hard_deadline == datetime(2026, 11, 27, 7, 30, tzinfo=UTC)


async def test_ozon_reply_window_caps_a_deadline_over_the_weekend(db: Database) -> None:
    """Friday 20:30 + 1 working hour is Monday 09:30, but Ozon closes the chat for replies
    48 h after the buyer's message (Sunday 20:30): the deadline cannot be later."""
    seller = await seller_in(db)
    await db.sellers.update_business_hours(
        seller_id=seller.id, enabled=True, timezone="Europe/Moscow", work_days=[1, 2, 3, 4, 5],
        work_start=time(9), work_end=time(21),
    )  # fmt: skip
    seller = await db.sellers.get(seller_id=seller.id)
    await db.sla.replace_rules(seller_id=seller.id, rules=[])
    await db.sla.set_target(
        seller_id=seller.id, priority="normal", target_minutes=60, hard_limit_minutes=120
    )
    friday_2030_msk = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
    chat_id = await ingest(db, seller, msg(1, "Вопрос", friday_2030_msk))
    turn = await db.turns.get_open(chat_id=chat_id)
    assert turn is not None
    assert turn.deadline == turn.hard_deadline == friday_2030_msk + WINDOW


async def test_a_cabinet_reply_stops_the_clock_and_the_next_turn_is_next(db: Database) -> None:
    seller = await seller_in(db)
    chat_id = await ingest(
        db,
        seller,
        msg(1, "Где заказ?", T),
        msg(2, "Уже едет", T + timedelta(minutes=20), seller=True),
    )
    chat = await db.chats.get(chat_id=chat_id)
    assert chat.waiting_since is None and chat.sla_deadline is None
    row = await db.pool.fetchrow("SELECT answered_via, answered_at FROM buyer_turns")
    assert (row["answered_via"], row["answered_at"]) == ("cabinet", T + timedelta(minutes=20))

    await ingest(db, seller, msg(3, "А когда точно?", T + timedelta(hours=1)))
    turn = await db.turns.get_open(chat_id=chat_id)
    assert turn is not None and turn.kind == "next"
    assert turn.started_at == T + timedelta(hours=1)
    assert (await db.chats.get(chat_id=chat_id)).sla_deadline == turn.deadline
