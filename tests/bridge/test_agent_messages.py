"""Which group messages are replies to buyers, and what is queued for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.access import AccessControl
from bot.app import build_bot
from bot.bridge.agent_messages import IncomingMessage, Outcome, accept_agent_message
from sandbox.telegram import TelegramEmulator
from storage.database import Database
from tests.storage.factories import make_seller_with_chat

TOKEN = "123456789:AAEmulatorTokenForTests_abcdefghijklm"
THREAD = 77
# The ids a fresh Telegram emulator hands out, in the order the fixture creates them.
GROUP = -1_002_000_000_001
ANNA = 5_000_000_001
STRANGER = 5_000_000_002


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    """Telegram decides who is a member of the group; ANNA is one, STRANGER is not."""
    async with TelegramEmulator(port=0) as tg:
        tg.create_bot(token=TOKEN, username="agentiq_test_bot")
        anna = tg.create_user(first_name="Анна", username="anna")
        stranger = tg.create_user(first_name="Чужой")
        group = tg.create_group(title="Поддержка", is_forum=True, members=[anna.id])
        assert (group.id, anna.id, stranger.id) == (GROUP, ANNA, STRANGER)
        yield tg


@pytest.fixture
async def access(db: Database, emulator: TelegramEmulator) -> AsyncIterator[AccessControl]:
    bot = build_bot(TOKEN, emulator.base_url)
    yield AccessControl(db=db, bot=bot, owner_ids=())
    await bot.session.close()


@pytest.fixture
async def topic(db: Database, access: AccessControl) -> int:
    workspace, _, chat = await make_seller_with_chat(db, tg_chat_id=GROUP)
    await db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace.id, thread_id=THREAD, name="t"
    )
    return chat.id


REPLY = IncomingMessage(
    tg_chat_id=GROUP,
    message_id=900,
    thread_id=THREAD,
    is_topic_message=True,
    sender_id=ANNA,
    sender_is_bot=False,
    sender_name="Анна",
    sender_username="anna",
    sender_chat_id=None,
    text="Здравствуйте! Отправим сегодня.",
)


async def test_a_members_text_in_a_mapped_topic_is_queued_once(
    db: Database, topic: int, access: AccessControl
) -> None:
    decision = await accept_agent_message(db, access, REPLY)
    assert decision.outcome is Outcome.QUEUED
    [item] = decision.replies
    assert (item.chat_id, item.text, item.kind, item.tg_message_id) == (
        topic, REPLY.text, "text", 900,
    )  # fmt: skip
    agent = await db.agents.get_by_tg_user(tg_user_id=ANNA)
    assert item.agent_id == agent.id

    again = await accept_agent_message(db, access, REPLY)  # Telegram redelivers the same update
    assert again.outcome is Outcome.ALREADY_QUEUED
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 1


@pytest.mark.parametrize(
    "change",
    [
        {"thread_id": None, "is_topic_message": False},  # General
        {"thread_id": 12345},  # a topic that is not a buyer chat
        {"tg_chat_id": -100999},  # another group
        {"sender_is_bot": True},
        {"text": "/help"},
        {"text": None, "is_service": True},
    ],
)
async def test_what_is_not_a_reply_is_ignored(
    db: Database, topic: int, access: AccessControl, change: dict
) -> None:
    decision = await accept_agent_message(db, access, replace(REPLY, **change))
    assert decision.outcome is Outcome.IGNORED
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0


async def test_an_anonymous_admin_is_asked_to_show_themselves(
    db: Database, topic: int, access: AccessControl
) -> None:
    decision = await accept_agent_message(
        db, access, replace(REPLY, sender_id=1087968824, sender_is_bot=True, sender_chat_id=GROUP)
    )
    assert decision.outcome is Outcome.ANONYMOUS
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0


async def test_too_long_for_ozon_is_refused_with_its_length(
    db: Database, topic: int, access: AccessControl
) -> None:
    decision = await accept_agent_message(db, access, replace(REPLY, text="я" * 1001))
    assert (decision.outcome, decision.length) == (Outcome.TOO_LONG, 1001)
    exact = await accept_agent_message(db, access, replace(REPLY, message_id=901, text="я" * 1000))
    assert exact.outcome is Outcome.QUEUED


async def test_a_member_who_may_not_reply_is_refused(
    db: Database, topic: int, access: AccessControl
) -> None:
    await accept_agent_message(db, access, REPLY)
    agent = await db.agents.get_by_tg_user(tg_user_id=ANNA)
    workspace = await db.workspaces.get_by_chat(tg_chat_id=GROUP)
    await db.agents.set_can_reply(workspace_id=workspace.id, agent_id=agent.id, can_reply=False)
    decision = await accept_agent_message(db, access, replace(REPLY, message_id=902))
    assert decision.outcome is Outcome.NOT_ALLOWED


async def test_a_photo_with_caption_becomes_a_file_and_a_text(
    db: Database, topic: int, access: AccessControl
) -> None:
    decision = await accept_agent_message(
        db, access, replace(REPLY, text=None, caption="Вот фото упаковки", photo_file_id="ph-1")
    )
    assert decision.outcome is Outcome.QUEUED
    kinds = [(i.kind, i.text, i.file) for i in decision.replies]
    assert kinds == [
        ("file", "", {"tg_file_id": "ph-1", "name": "photo_900.jpg"}),
        ("text", "Вот фото упаковки", None),
    ]


async def test_a_sticker_cannot_reach_the_buyer(
    db: Database, topic: int, access: AccessControl
) -> None:
    decision = await accept_agent_message(db, access, replace(REPLY, text=None))
    assert decision.outcome is Outcome.UNSUPPORTED


async def test_a_stranger_who_is_not_in_the_group_is_not_relayed(
    db: Database, topic: int, access: AccessControl
) -> None:
    """Someone who can post (a public group, a stale cache) but is no member per Telegram."""
    decision = await accept_agent_message(
        db, access, replace(REPLY, sender_id=STRANGER, sender_name="Чужой", sender_username=None)
    )
    assert decision.outcome is Outcome.NOT_MEMBER
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0
