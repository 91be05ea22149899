"""Buyer → Telegram where the topic needs repair, as intake steps: the handler world with
its group's one seller on a marketplace's emulator (tests.support.relaying), the buyer
writing there, one real sync pass and the Telegram queue run once
(tests.support.intake_steps.Telegram answers and refuses as Telegram does).

Racing first messages run on every marketplace: how messages come in differs per
marketplace (Ozon's chat list + history, WB's events cursor, YM's status-filtered list).
A deleted or closed topic is repaired by the Telegram queue, the same for every
marketplace; the whole flow per marketplace is tests/e2e/test_buyer_to_telegram.py's.
"""

from __future__ import annotations

import asyncio

import pytest
from aiogram.methods import ReopenForumTopic, SendMessage

from bot.texts import text as text_of
from sandbox.telegram.errors import THREAD_NOT_FOUND, TOPIC_CLOSED
from storage.database import Database
from tests.support.handlers import GROUP_ID
from tests.support.intake_steps import Telegram, bodies
from tests.support.markets import MARKETPLACES
from tests.support.relaying import RelayWorld, open_relay_world
from tests.support.texts import says
from tests.support.world import CLIENT_ID

HINT = says("security.hint.to_buyer")  # the last line of a topic's first (context) post


async def intake(rw: RelayWorld) -> None:
    """One sync pass of the seller, then the Telegram queue until nothing is due."""
    await rw.poll()
    await rw.hw.deliver()


@pytest.mark.parametrize("marketplace", MARKETPLACES)
async def test_racing_first_messages_make_one_topic(db: Database, marketplace: str) -> None:
    async with open_relay_world(db, marketplace) as rw:
        telegram = Telegram.on(rw.hw)
        chat_id = rw.market.buyer_writes("Здравствуйте")
        for text in ("Алло?", "Есть кто?", "Ответьте пожалуйста"):
            rw.market.buyer_writes(text, chat_id=chat_id)
        await asyncio.gather(rw.poll(), rw.poll())
        await rw.hw.deliver()

        thread = (await rw.chat(chat_id)).topic_thread_id
        assert thread is not None
        assert len(telegram.topics_created()) == 1
        assert bodies(telegram.posts(thread)) == [
            "Здравствуйте", "Алло?", "Есть кто?", "Ответьте пожалуйста",
        ]  # fmt: skip


async def test_an_ozon_topic_is_named_by_its_order_and_the_chat_marked_read(
    db: Database,
) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        ozon = rw.hw.ozon.state
        chat_id, _ = ozon.buyer_writes(
            CLIENT_ID, text="Где мой заказ?", sku="987654321", order_number="47873153-0052"
        )
        await intake(rw)

        [topic] = telegram.topics_created()
        assert topic.name == text_of("topic.order", "ru", order="47873153-0052")
        thread = (await rw.chat(chat_id)).topic_thread_id
        assert thread is not None
        [post] = telegram.posts(thread)
        assert isinstance(post, SendMessage)
        assert "47873153-0052" in post.text and "987654321" in post.text
        assert ozon.chat(CLIENT_ID, chat_id).unread == 0


async def test_a_deleted_topic_is_recreated_and_nothing_is_lost(db: Database) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        chat_id, old_thread = await rw.topic("Первое")
        telegram.refuse(SendMessage, THREAD_NOT_FOUND)  # deleted in Telegram meanwhile

        rw.market.buyer_writes("Второе, после удаления темы", chat_id=chat_id)
        await intake(rw)

        new_thread = (await rw.chat(chat_id)).topic_thread_id
        assert new_thread is not None and new_thread != old_thread
        assert len(telegram.topics_created()) == 2
        [post] = telegram.posts(new_thread)
        assert isinstance(post, SendMessage)
        assert post.text.endswith("Второе, после удаления темы")
        assert post.text in HINT  # a new topic gets the context again
        assert [r.message_thread_id for r in telegram.refused(SendMessage)] == [old_thread]


async def test_a_closed_topic_is_reopened_and_the_message_delivered(db: Database) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        chat_id, thread = await rw.topic("Первое")
        telegram.refuse(SendMessage, TOPIC_CLOSED)  # an agent closed it meanwhile

        rw.market.buyer_writes("Пишу в закрытую тему", chat_id=chat_id)
        await intake(rw)

        [reopened] = [r for r in telegram.delivered if isinstance(r, ReopenForumTopic)]
        assert (reopened.chat_id, reopened.message_thread_id) == (GROUP_ID, thread)
        chat = await rw.chat(chat_id)
        assert chat.topic_thread_id == thread and not chat.topic_closed
        assert len(telegram.topics_created()) == 1
        posts = telegram.posts(thread)
        assert len(posts) == 2
        assert bodies(posts)[-1] == "Пишу в закрытую тему"
