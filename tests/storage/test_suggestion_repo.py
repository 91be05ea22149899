"""SuggestionRepo: AI reply drafts and what became of them."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import pytest

from storage.database import Database
from storage.errors import NotFound
from storage.records import Chat
from tests.storage.factories import (
    at,
    make_agent,
    make_chat,
    make_seller,
    make_seller_with_chat,
    make_turn,
    make_workspace,
)


async def _suggestion(db: Database, chat: Chat, created_at: datetime | None = None) -> int:
    suggestion = await db.suggestions.create(chat_id=chat.id, text="Черновик", source="llm")
    if created_at is not None:  # pin the creation time for window tests
        await db.pool.execute(
            "UPDATE ai_suggestions SET created_at = $2 WHERE id = $1", suggestion.id, created_at
        )
    return suggestion.id


async def test_create_and_get(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    turn = await make_turn(db, chat)
    findings = [{"rule": "phone_number", "span": [3, 14]}, {"rule": "promise"}]

    suggestion = await db.suggestions.create(
        chat_id=chat.id,
        text="Здравствуйте! Заказ уже в пути.",
        source="llm",
        model="gpt-x",
        turn_id=turn.id,
        intent="delivery",
        latency_ms=850,
        guardrail_findings=findings,
    )

    assert suggestion.chat_id == chat.id
    assert suggestion.turn_id == turn.id
    assert suggestion.text == "Здравствуйте! Заказ уже в пути."
    assert suggestion.source == "llm"
    assert suggestion.model == "gpt-x"
    assert suggestion.intent == "delivery"
    assert suggestion.latency_ms == 850
    assert suggestion.guardrail_findings == findings
    assert suggestion.outcome == "pending"
    assert suggestion.tg_message_id is None
    assert suggestion.decided_at is None
    assert suggestion.decided_by_agent_id is None
    assert await db.suggestions.get(suggestion_id=suggestion.id) == suggestion


async def test_create_defaults(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    suggestion = await db.suggestions.create(chat_id=chat.id, text="Шаблон", source="template")

    assert suggestion.model == ""
    assert suggestion.turn_id is None
    assert suggestion.intent is None
    assert suggestion.latency_ms is None
    assert suggestion.guardrail_findings == []


async def test_create_rejects_bad_source_and_latency(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.suggestions.create(chat_id=chat.id, text="x", source="human")
    with pytest.raises(asyncpg.CheckViolationError):
        await db.suggestions.create(chat_id=chat.id, text="x", source="llm", latency_ms=-1)


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.suggestions.get(suggestion_id=999)


async def test_set_tg_message(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    suggestion_id = await _suggestion(db, chat)
    other_id = await _suggestion(db, chat)

    await db.suggestions.set_tg_message(suggestion_id=suggestion_id, tg_message_id=4242)

    assert (await db.suggestions.get(suggestion_id=suggestion_id)).tg_message_id == 4242
    assert (await db.suggestions.get(suggestion_id=other_id)).tg_message_id is None


async def test_decide_only_once(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    anna = await make_agent(db, tg_user_id=1)
    boris = await make_agent(db, tg_user_id=2)
    suggestion_id = await _suggestion(db, chat)

    first = await db.suggestions.decide(
        suggestion_id=suggestion_id, outcome="sent", at=at(1), agent_id=anna.id
    )
    double_tap = await db.suggestions.decide(
        suggestion_id=suggestion_id, outcome="dismissed", at=at(2), agent_id=boris.id
    )

    assert (first, double_tap) == (True, False)
    stored = await db.suggestions.get(suggestion_id=suggestion_id)
    assert stored.outcome == "sent"
    assert stored.decided_at == at(1)
    assert stored.decided_by_agent_id == anna.id


async def test_decide_without_agent(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    suggestion_id = await _suggestion(db, chat)

    assert await db.suggestions.decide(suggestion_id=suggestion_id, outcome="auto_sent", at=at())

    stored = await db.suggestions.get(suggestion_id=suggestion_id)
    assert (stored.outcome, stored.decided_by_agent_id) == ("auto_sent", None)


async def test_decide_unknown_suggestion_is_false(db: Database) -> None:
    assert await db.suggestions.decide(suggestion_id=999, outcome="sent", at=at()) is False


async def test_decide_rejects_unknown_outcome(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    suggestion_id = await _suggestion(db, chat)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.suggestions.decide(suggestion_id=suggestion_id, outcome="liked", at=at())


async def test_ignore_pending_counts_only_pending_of_the_chat(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    other_chat = await make_chat(db, seller, external_id="chat-2")
    pending_1 = await _suggestion(db, chat)
    pending_2 = await _suggestion(db, chat)
    decided = await _suggestion(db, chat)
    foreign = await _suggestion(db, other_chat)
    await db.suggestions.decide(suggestion_id=decided, outcome="edited", at=at(1))

    assert await db.suggestions.ignore_pending(chat_id=chat.id, at=at(5)) == 2
    assert await db.suggestions.ignore_pending(chat_id=chat.id, at=at(6)) == 0

    for suggestion_id in (pending_1, pending_2):
        stored = await db.suggestions.get(suggestion_id=suggestion_id)
        assert (stored.outcome, stored.decided_at) == ("ignored", at(5))
    assert (await db.suggestions.get(suggestion_id=decided)).outcome == "edited"
    assert (await db.suggestions.get(suggestion_id=foreign)).outcome == "pending"
    # An ignored draft is decided: a late tap does nothing.
    assert not await db.suggestions.decide(suggestion_id=pending_1, outcome="sent", at=at(7))


async def test_outcome_counts_window_and_seller_filter(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace, client_id="1")
    other = await make_seller(db, workspace, client_id="2")
    chat = await make_chat(db, seller, external_id="c1")
    other_chat = await make_chat(db, other, external_id="c2")

    sent_1 = await _suggestion(db, chat, created_at=at(0))  # window start is inclusive
    sent_2 = await _suggestion(db, chat, created_at=at(10))
    await _suggestion(db, chat, created_at=at(20))  # stays pending
    dismissed = await _suggestion(db, other_chat, created_at=at(30))
    too_early = await _suggestion(db, chat, created_at=at(-1))
    at_end = await _suggestion(db, chat, created_at=at(60))  # window end is exclusive
    for suggestion_id in (sent_1, sent_2, too_early, at_end):
        await db.suggestions.decide(suggestion_id=suggestion_id, outcome="sent", at=at(61))
    await db.suggestions.decide(suggestion_id=dismissed, outcome="dismissed", at=at(61))

    everything = await db.suggestions.outcome_counts(since=at(0), until=at(60))
    mine = await db.suggestions.outcome_counts(since=at(0), until=at(60), seller_ids=[seller.id])
    theirs = await db.suggestions.outcome_counts(since=at(0), until=at(60), seller_ids=[other.id])

    assert everything == {"sent": 2, "pending": 1, "dismissed": 1}
    assert mine == {"sent": 2, "pending": 1}
    assert theirs == {"dismissed": 1}
    assert await db.suggestions.outcome_counts(since=at(0), until=at(60), seller_ids=[]) == {}
    assert await db.suggestions.outcome_counts(since=at(100), until=at(200)) == {}
