"""MessageRepo: messages of mirrored chats, stored once per marketplace id."""

from __future__ import annotations

import asyncpg
import pytest

from storage.database import Database
from storage.errors import NotFound
from tests.storage.factories import (
    T0,
    at,
    make_agent,
    make_chat,
    make_message,
    make_seller,
    make_seller_with_chat,
    make_turn,
    make_workspace,
)


async def test_insert_stores_all_fields(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    agent = await make_agent(db)
    turn = await make_turn(db, chat)

    message = await db.messages.insert(
        chat_id=chat.id,
        external_id="3000000000000000001",
        direction="out",
        author_type="seller",
        sent_at=at(1),
        text="Отправим завтра",
        author_external_id="seller-9",
        source="bot",
        agent_id=agent.id,
        turn_id=turn.id,
    )

    assert message is not None
    assert message.chat_id == chat.id
    assert message.external_id == "3000000000000000001"
    assert message.direction == "out"
    assert message.author_type == "seller"
    assert message.author_external_id == "seller-9"
    assert message.source == "bot"
    assert message.agent_id == agent.id
    assert message.turn_id == turn.id
    assert message.text == "Отправим завтра"
    assert message.attachments == []
    assert message.sent_at == at(1)
    assert message.tg_message_id is None
    assert await db.messages.get(message_id=message.id) == message


async def test_insert_defaults(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    message = await db.messages.insert(
        chat_id=chat.id, external_id="1", direction="in", author_type="customer", sent_at=T0
    )

    assert message is not None
    assert message.text == ""
    assert message.source == "marketplace"
    assert message.attachments == []
    assert message.agent_id is None
    assert message.turn_id is None


async def test_same_external_id_twice_is_stored_once(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    first = await make_message(db, chat, external_id="42", text="first")

    duplicate = await db.messages.insert(
        chat_id=chat.id,
        external_id="42",
        direction="in",
        author_type="customer",
        sent_at=at(5),
        text="changed",
    )

    assert duplicate is None
    assert await db.messages.list_recent(chat_id=chat.id) == [first]
    assert (await db.messages.get(message_id=first.id)).text == "first"


async def test_same_external_id_in_another_chat_is_allowed(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    other = await make_chat(db, seller, external_id="chat-2")

    a = await make_message(db, chat, external_id="42")
    b = await make_message(db, other, external_id="42")

    assert a.id != b.id
    assert (a.chat_id, b.chat_id) == (chat.id, other.id)


async def test_attachments_round_trip(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    attachments = [
        {"type": "image", "url": "https://cdn.example/1.jpg", "size": 1024},
        {"type": "file", "name": "чек.pdf", "meta": {"pages": 2, "signed": True}},
    ]

    message = await make_message(db, chat, attachments=attachments)

    assert message.attachments == attachments
    assert (await db.messages.get(message_id=message.id)).attachments == attachments
    assert (
        await db.pool.fetchval(
            "SELECT attachments->1->'meta'->>'pages' FROM messages WHERE id = $1", message.id
        )
        == "2"
    )


async def test_insert_rejects_unknown_direction_and_author(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await make_message(db, chat, external_id="1", direction="sideways", author_type="seller")
    with pytest.raises(asyncpg.CheckViolationError):
        await make_message(db, chat, external_id="2", author_type="robot")


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.messages.get(message_id=999)


async def test_list_recent_returns_last_n_oldest_first(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    other = await make_chat(db, seller, external_id="chat-2")
    # Inserted out of time order on purpose.
    for minute in (3, 0, 4, 1, 2):
        await make_message(db, chat, external_id=f"m{minute}", sent_at=at(minute))
    await make_message(db, other, external_id="x", sent_at=at(10))

    recent = await db.messages.list_recent(chat_id=chat.id, limit=3)
    everything = await db.messages.list_recent(chat_id=chat.id)

    assert [m.external_id for m in recent] == ["m2", "m3", "m4"]
    assert [m.external_id for m in everything] == ["m0", "m1", "m2", "m3", "m4"]
    assert await db.messages.list_recent(chat_id=999) == []


async def test_list_recent_breaks_time_ties_by_id(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    a = await make_message(db, chat, external_id="a", sent_at=T0)
    b = await make_message(db, chat, external_id="b", sent_at=T0)
    c = await make_message(db, chat, external_id="c", sent_at=T0)

    assert [m.id for m in await db.messages.list_recent(chat_id=chat.id, limit=2)] == [b.id, c.id]
    assert [m.id for m in await db.messages.list_recent(chat_id=chat.id)] == [a.id, b.id, c.id]


async def test_set_tg_message_id(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    message = await make_message(db, chat)
    other = await make_message(db, chat, external_id="2")

    await db.messages.set_tg_message_id(message_id=message.id, tg_message_id=9001)

    assert (await db.messages.get(message_id=message.id)).tg_message_id == 9001
    assert (await db.messages.get(message_id=other.id)).tg_message_id is None


async def test_search_answers_matches_word_forms(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    answer = await make_message(
        db,
        chat,
        external_id="1",
        direction="out",
        text="Доставку выполняет курьер в течение двух дней",
        sent_at=at(1),
    )
    await make_message(
        db, chat, external_id="2", direction="out", text="Спасибо за отзыв!", sent_at=at(2)
    )

    found = await db.messages.search_answers(seller_id=seller.id, query="доставка")

    assert [m.id for m in found] == [answer.id]
    assert found[0] == answer


async def test_search_answers_only_outgoing_of_this_seller(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace, client_id="1")
    other_seller = await make_seller(db, workspace, client_id="2")
    chat = await make_chat(db, seller, external_id="c1")
    second_chat = await make_chat(db, seller, external_id="c2")
    foreign_chat = await make_chat(db, other_seller, external_id="c1")
    await make_message(db, chat, external_id="in", direction="in", text="Где моя доставка?")
    mine = await make_message(
        db, second_chat, external_id="out", direction="out", text="Доставка займёт три дня"
    )
    await make_message(
        db, foreign_chat, external_id="out", direction="out", text="Доставка бесплатная"
    )

    found = await db.messages.search_answers(seller_id=seller.id, query="доставки")
    foreign = await db.messages.search_answers(seller_id=other_seller.id, query="доставку")

    assert [m.id for m in found] == [mine.id]
    assert [m.text for m in foreign] == ["Доставка бесплатная"]
    assert all(m.direction == "out" for m in found + foreign)


async def test_search_answers_ranks_and_limits(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    texts = {
        "weak": "Доставка по городу",
        "strong": "Доставка и возврат: возврат оформляется после доставки",
        "other": "Возврат денег на карту",
        "unrelated": "Размер соответствует таблице",
    }
    ids = {}
    for index, (name, text) in enumerate(texts.items()):
        message = await make_message(
            db, chat, external_id=name, direction="out", text=text, sent_at=at(index)
        )
        ids[name] = message.id

    found = await db.messages.search_answers(seller_id=seller.id, query="доставка возврат")
    # Any word may match; the answer with both words ranks first, equal ranks newest first.
    assert [m.id for m in found] == [ids["strong"], ids["other"], ids["weak"]]

    limited = await db.messages.search_answers(
        seller_id=seller.id, query="доставка возврат", limit=1
    )
    assert [m.id for m in limited] == [ids["strong"]]


async def test_search_answers_finds_answer_to_a_whole_question(db: Database) -> None:
    """The query is a buyer's question: an answer need not repeat every word of it."""
    _, seller, chat = await make_seller_with_chat(db)
    answer = await make_message(
        db, chat, direction="out", text="Доставку выполняет курьер в течение двух дней"
    )

    found = await db.messages.search_answers(
        seller_id=seller.id, query="Здравствуйте! Сколько идёт доставка в Казань?"
    )

    assert [m.id for m in found] == [answer.id]


async def test_search_answers_without_match_or_words(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    await make_message(db, chat, direction="out", text="Доставка завтра")

    assert await db.messages.search_answers(seller_id=seller.id, query="гарантия") == []
    assert await db.messages.search_answers(seller_id=seller.id, query="") == []
    assert await db.messages.search_answers(seller_id=seller.id, query="и в на") == []
