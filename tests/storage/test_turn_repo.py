"""TurnRepo: buyer turns, the unit of the SLA clock, its notices and reports."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from storage.database import Database
from tests.storage.factories import (
    at,
    make_agent,
    make_chat,
    make_seller,
    make_seller_with_chat,
    make_turn,
    make_workspace,
)


async def test_open_or_extend_opens_then_extends(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    opened, is_new = await db.turns.open_or_extend(
        chat_id=chat.id,
        at=at(0),
        kind="first",
        priority="high",
        deadline=at(15),
        hard_deadline=at(60),
    )
    assert is_new is True
    assert opened.chat_id == chat.id
    assert opened.kind == "first"
    assert opened.started_at == at(0)
    assert opened.priority == "high"
    assert opened.deadline == at(15)
    assert opened.hard_deadline == at(60)
    assert opened.buyer_message_count == 1
    assert opened.answered_at is None
    assert opened.matched_rule_id is None

    extended, is_new = await db.turns.open_or_extend(
        chat_id=chat.id,
        at=at(5),
        kind="next",
        priority="urgent",
        deadline=at(6),
        hard_deadline=at(7),
    )
    assert is_new is False
    assert extended.id == opened.id
    assert extended.buyer_message_count == 2
    # The turn keeps what was decided when it opened.
    assert (extended.kind, extended.priority, extended.started_at) == ("first", "high", at(0))
    assert (extended.deadline, extended.hard_deadline) == (at(15), at(60))

    third, _ = await db.turns.open_or_extend(
        chat_id=chat.id, at=at(6), kind="next", priority="high", deadline=None, hard_deadline=None
    )
    assert third.buyer_message_count == 3
    assert await db.turns.get_open(chat_id=chat.id) == third


async def test_concurrent_messages_open_one_turn(db: Database) -> None:
    """Two buyer messages ingested at once: one opens the turn, the other extends it."""
    _, _, chat = await make_seller_with_chat(db)
    first_done = asyncio.Event()
    results: list[tuple[int, bool]] = []

    async def ingest(minute: int, wait: asyncio.Event | None) -> None:
        async with db.transaction() as conn:
            turn, opened = await db.turns.open_or_extend(
                chat_id=chat.id,
                at=at(minute),
                kind="first",
                priority="normal",
                deadline=None,
                hard_deadline=None,
                conn=conn,
            )
            results.append((turn.id, opened))
            if wait is None:
                first_done.set()
                await asyncio.sleep(0.2)  # keep the new turn uncommitted for a while
            else:
                await wait.wait()

    async def second() -> None:
        await first_done.wait()
        await ingest(1, first_done)

    await asyncio.gather(ingest(0, None), second())

    assert sorted(opened for _, opened in results) == [False, True]
    assert len({turn_id for turn_id, _ in results}) == 1
    turn = await db.turns.get_open(chat_id=chat.id)
    assert turn is not None
    assert turn.buyer_message_count == 2
    assert turn.started_at == at(0)


async def test_open_or_extend_stores_matched_rule(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    turn, _ = await db.turns.open_or_extend(
        chat_id=chat.id,
        at=at(),
        kind="first",
        priority="urgent",
        deadline=None,
        hard_deadline=None,
        matched_rule_id=17,
    )

    assert turn.matched_rule_id == 17
    assert turn.deadline is None


async def test_turns_of_different_chats_are_independent(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    other = await make_chat(db, seller, external_id="chat-2")

    a = await make_turn(db, chat)
    b = await make_turn(db, other)

    assert a.id != b.id
    assert (await db.turns.get_open(chat_id=chat.id)) == a
    assert (await db.turns.get_open(chat_id=other.id)) == b


async def test_get_open_without_turn_is_none(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    assert await db.turns.get_open(chat_id=chat.id) is None


async def test_close_stops_the_clock(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    agent = await make_agent(db)
    turn = await make_turn(db, chat)

    closed = await db.turns.close(chat_id=chat.id, answered_at=at(9), via="bot", agent_id=agent.id)

    assert closed is not None
    assert closed.id == turn.id
    assert closed.answered_at == at(9)
    assert closed.answered_via == "bot"
    assert closed.answered_by_agent_id == agent.id
    assert await db.turns.get_open(chat_id=chat.id) is None


async def test_close_without_open_turn_returns_none(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    assert await db.turns.close(chat_id=chat.id, answered_at=at(), via="cabinet") is None

    await make_turn(db, chat)
    assert await db.turns.close(chat_id=chat.id, answered_at=at(1), via="cabinet") is not None
    assert await db.turns.close(chat_id=chat.id, answered_at=at(2), via="cabinet") is None


async def test_close_rejects_unknown_channel(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    await make_turn(db, chat)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.turns.close(chat_id=chat.id, answered_at=at(), via="email")


async def test_new_turn_opens_after_close(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    first = await make_turn(db, chat, started_at=at(0))
    await make_turn(db, chat, started_at=at(1))  # extends the first one
    await db.turns.close(chat_id=chat.id, answered_at=at(2), via="auto")

    second, is_new = await db.turns.open_or_extend(
        chat_id=chat.id, at=at(3), kind="next", priority="low", deadline=None, hard_deadline=None
    )

    assert is_new is True
    assert second.id != first.id
    assert second.kind == "next"
    assert second.buyer_message_count == 1
    assert second.started_at == at(3)
    assert await db.turns.get_open(chat_id=chat.id) == second
    count = await db.pool.fetchval("SELECT count(*) FROM buyer_turns WHERE chat_id = $1", chat.id)
    assert count == 2


async def test_only_one_open_turn_per_chat(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    await make_turn(db, chat)
    with pytest.raises(asyncpg.UniqueViolationError):
        await db.pool.execute(
            "INSERT INTO buyer_turns (chat_id, kind, started_at, priority) "
            "VALUES ($1, 'next', now(), 'normal')",
            chat.id,
        )


@pytest.mark.parametrize(
    ("notice", "column"),
    [
        ("warned", "warned_at"),
        ("escalated", "escalated_at"),
        ("hard_breached", "hard_breached_at"),
    ],
)
async def test_mark_notice_only_once(db: Database, notice: str, column: str) -> None:
    _, _, chat = await make_seller_with_chat(db)
    turn = await make_turn(db, chat)

    assert await db.turns.mark_notice(turn_id=turn.id, notice=notice, at=at(10)) is True
    assert await db.turns.mark_notice(turn_id=turn.id, notice=notice, at=at(20)) is False

    stored = await db.turns.get_open(chat_id=chat.id)
    assert stored is not None
    stamps = {
        "warned_at": stored.warned_at,
        "escalated_at": stored.escalated_at,
        "hard_breached_at": stored.hard_breached_at,
    }
    assert stamps.pop(column) == at(10)
    assert set(stamps.values()) == {None}  # the other notices are independent


async def test_mark_notice_unknown_turn_is_false(db: Database) -> None:
    assert await db.turns.mark_notice(turn_id=999, notice="warned", at=at()) is False


async def test_mark_notice_unknown_name_raises_key_error(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    turn = await make_turn(db, chat)
    with pytest.raises(KeyError):
        await db.turns.mark_notice(turn_id=turn.id, notice="answered_at = now(), warned", at=at())
    with pytest.raises(KeyError):
        await db.turns.mark_notice(turn_id=turn.id, notice="warned_at", at=at())
    stored = await db.turns.get_open(chat_id=chat.id)
    assert stored is not None
    assert stored.warned_at is None


async def test_list_started_between_with_seller_filter(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace, client_id="1")
    other = await make_seller(db, workspace, client_id="2")
    c1 = await make_chat(db, seller, external_id="c1")
    c2 = await make_chat(db, seller, external_id="c2")
    c3 = await make_chat(db, other, external_id="c3")

    before = await make_turn(db, c1, started_at=at(-1))
    await db.turns.close(chat_id=c1.id, answered_at=at(-1), via="bot")
    at_since = await make_turn(db, c1, started_at=at(0))
    later = await make_turn(db, c2, started_at=at(30))
    foreign = await make_turn(db, c3, started_at=at(10))
    await make_turn(db, c3, started_at=at(60))  # extends `foreign`, no new turn
    await db.turns.close(chat_id=c3.id, answered_at=at(61), via="cabinet")
    at_until = await make_turn(db, c3, started_at=at(60))

    window = await db.turns.list_started_between(since=at(0), until=at(60))
    mine = await db.turns.list_started_between(since=at(0), until=at(60), seller_ids=[seller.id])
    theirs = await db.turns.list_started_between(
        since=at(-10), until=at(61), seller_ids=[other.id]
    )

    assert [t.id for t in window] == [at_since.id, foreign.id, later.id]
    assert [t.id for t in mine] == [at_since.id, later.id]
    assert [t.id for t in theirs] == [foreign.id, at_until.id]
    assert before.id not in [t.id for t in window]
    assert await db.turns.list_started_between(since=at(0), until=at(60), seller_ids=[]) == []
    both = await db.turns.list_started_between(
        since=at(-10), until=at(100), seller_ids=[seller.id, other.id]
    )
    assert len(both) == 5
