"""Messages and edits in a buyer's topic, one update at a time (tests.support.handlers):
the handler hands plain data to AgentMessages (built once in bot.app) and renders its
decision; what it queues is read back from the database and the delivered outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import SendMessage

from storage.database import Database
from tests.support.handlers import GLEB, GROUP_ID, VERA, HandlerWorld, Person, open_handler_world
from tests.support.texts import has, says

THREAD = 42


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    async with open_handler_world(db) as opened:
        await opened.buyer_in_topic(THREAD)
        yield opened


def in_topic(hw: HandlerWorld, person: Person, text: str, **extra: Any) -> dict[str, Any]:
    return hw.message(
        person, text, GROUP_ID, message_thread_id=THREAD, is_topic_message=True, **extra
    )


async def _topic_posts(hw: HandlerWorld) -> list[SendMessage]:
    delivered = await hw.deliver()
    return [r for r in delivered if isinstance(r, SendMessage) and r.chat_id == GROUP_ID]


async def test_an_agents_message_in_the_topic_is_queued_for_the_buyer_once(
    hw: HandlerWorld,
) -> None:
    message = in_topic(hw, VERA, "Здравствуйте! Отправим сегодня.")
    await hw.feed("message", message)
    await hw.feed("message", message)  # Telegram redelivers the same update
    rows = await hw.db.pool.fetch("SELECT text, tg_message_id FROM reply_outbox")
    assert [(r["text"], r["tg_message_id"]) for r in rows] == [
        ("Здравствуйте! Отправим сегодня.", message["message_id"])
    ]


async def test_a_stranger_in_the_topic_is_told_and_nothing_is_queued(hw: HandlerWorld) -> None:
    message = in_topic(hw, GLEB, "Я тоже отвечу")
    await hw.feed("message", message)
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0
    [notice] = await _topic_posts(hw)
    assert has(notice.text, says("reply_failed.not_member"))
    assert notice.message_thread_id == THREAD
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == message["message_id"]


async def test_an_edit_in_the_topic_is_not_relayed_and_says_so(hw: HandlerWorld) -> None:
    first = in_topic(hw, VERA, "Цена 100")
    await hw.feed("message", first)
    edited = {**first, "text": "Цена 90", "edit_date": int(datetime.now(UTC).timestamp())}
    await hw.feed("edited_message", edited)
    [notice] = await _topic_posts(hw)
    assert has(notice.text, says("agent.edit_not_relayed"))
    assert notice.message_thread_id == THREAD
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == first["message_id"]
    rows = await hw.db.pool.fetch("SELECT text FROM reply_outbox")
    assert [r["text"] for r in rows] == ["Цена 100"]  # the first version only


@pytest.mark.parametrize("body", ["// Вера, посмотри", "/take"])
async def test_an_edited_note_or_command_says_nothing(hw: HandlerWorld, body: str) -> None:
    edited = in_topic(hw, VERA, body, edit_date=int(datetime.now(UTC).timestamp()))
    await hw.feed("edited_message", edited)
    assert await _topic_posts(hw) == []


async def test_an_edit_outside_a_buyers_topic_says_nothing(hw: HandlerWorld) -> None:
    edited = hw.message(VERA, "В общем чате", GROUP_ID, edit_date=1)
    await hw.feed("edited_message", edited)
    assert await _topic_posts(hw) == []


async def test_a_stranger_telegram_calls_no_member_is_told_and_the_agent_still_answers(
    hw: HandlerWorld,
) -> None:
    """A public group lets non-members post; Telegram's getChatMember, not the message,
    says who is in it (Gleb: ``left``)."""
    hw.in_group(GLEB, "left")
    stranger = in_topic(hw, GLEB, "Я не сотрудник")
    await hw.feed("message", stranger)
    [notice] = await _topic_posts(hw)
    assert has(notice.text, says("reply_failed.not_member"))
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == stranger["message_id"]
    await hw.feed("message", in_topic(hw, VERA, "Завтра привезут"))
    rows = await hw.db.pool.fetch("SELECT text FROM reply_outbox")
    assert [r["text"] for r in rows] == ["Завтра привезут"]  # only the agent's reply queued


async def test_an_anonymous_admin_is_asked_to_show_themselves(hw: HandlerWorld) -> None:
    group = {"id": GROUP_ID, "type": "supergroup", "title": "Поддержка", "is_forum": True}
    anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                 "username": "GroupAnonymousBot"}  # fmt: skip
    message = in_topic(hw, VERA, "Ответ от группы", sender_chat=group, **{"from": anonymous})
    await hw.feed("message", message)
    [notice] = await _topic_posts(hw)
    assert has(notice.text, says("agent.anonymous"))
    assert notice.message_thread_id == THREAD
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == message["message_id"]
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0


async def test_a_reply_over_ozons_1000_characters_is_refused_with_its_length(
    hw: HandlerWorld,
) -> None:
    message = in_topic(hw, VERA, "я" * 1234)
    await hw.feed("message", message)
    [notice] = await _topic_posts(hw)
    assert has(notice.text, says("reply_failed.too_long", length=1234))
    assert notice.message_thread_id == THREAD
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == message["message_id"]
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0


async def test_messages_outside_buyer_topics_and_commands_in_one_are_left_alone(
    hw: HandlerWorld,
) -> None:
    await hw.feed("message", hw.message(VERA, "Коллеги, обед в 13:00", GROUP_ID))  # General
    await hw.feed("message", in_topic(hw, VERA, "/help"))
    other_topic = hw.message(
        VERA, "Не тема покупателя", GROUP_ID, message_thread_id=THREAD + 1, is_topic_message=True
    )
    await hw.feed("message", other_topic)
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0
    [answered] = await _topic_posts(hw)  # /help is answered as a command, not relayed
    assert has(answered.text, says("help.section.agents"))
    await hw.feed("message", in_topic(hw, VERA, "Настоящий ответ"))
    rows = await hw.db.pool.fetch("SELECT text FROM reply_outbox")
    assert [r["text"] for r in rows] == ["Настоящий ответ"]
