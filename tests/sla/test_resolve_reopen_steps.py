"""/done, then the buyer writes again: the proof of resolve and reopen, step by step over
real loopback HTTP to the Ozon emulator (tests.support.relaying) with the recorded Bot
(tests.support.intake_steps.Telegram keeps what Telegram took, in order)."""

from __future__ import annotations

from aiogram.methods import CloseForumTopic, EditForumTopic, ReopenForumTopic, SendMessage

from storage.database import Database
from tests.support.done_steps import done_in_topic, topic_calls, topic_calls_answer, units
from tests.support.handlers import GROUP_ID, VERA
from tests.support.intake_steps import Telegram, bodies, hurry
from tests.support.relaying import open_relay_world
from tests.support.texts import has, says

NOT_ENOUGH_RIGHTS = "Bad Request: not enough rights to manage topics"


async def test_done_then_the_buyers_next_message_reopens_the_topic(db: Database) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        chat_id, thread = await rw.topic("Спасибо, всё пришло!")
        name = (await rw.chat(chat_id)).topic_name
        assert name
        topic_calls_answer(rw.hw)

        seen, spent = len(telegram.delivered), await units(rw.db)
        await done_in_topic(rw.hw, VERA, thread)
        edit, close = topic_calls(telegram.delivered[seen:])
        assert isinstance(edit, EditForumTopic) and edit.name == f"✅ {name}"
        assert isinstance(close, CloseForumTopic) and close.message_thread_id == thread
        assert await units(rw.db) - spent == 2  # rename + close: Telegram has no single call
        assert (await rw.chat(chat_id)).topic_closed

        seen, spent = len(telegram.delivered), await units(rw.db)
        rw.market.buyer_writes("Ой, ещё вопрос: где чек?", chat_id=chat_id)
        await rw.poll()
        await rw.hw.deliver()

        after = telegram.delivered[seen:]
        reopen, rename = topic_calls(after)
        assert isinstance(reopen, ReopenForumTopic)
        assert (reopen.chat_id, reopen.message_thread_id) == (GROUP_ID, thread)
        assert isinstance(rename, EditForumTopic) and rename.name == name  # ✅ removed
        [post] = [r for r in after if isinstance(r, SendMessage)]
        assert after.index(reopen) < after.index(rename) < after.index(post)
        assert bodies(telegram.posts(thread)).count("Ой, ещё вопрос: где чек?") == 1
        assert await units(rw.db) - spent == 3  # reopen + rename, and the post itself
        chat = await rw.chat(chat_id)
        assert not chat.topic_closed and not chat.topic_resolved and chat.resolved_at is None
        assert chat.topic_thread_id == thread and chat.waiting_since is not None
        turns = await rw.db.pool.fetch(
            "SELECT answered_via FROM buyer_turns WHERE chat_id = $1 ORDER BY id", chat.id
        )
        assert [t["answered_via"] for t in turns] == ["resolved", None]  # a new turn runs


async def test_a_refused_reopen_holds_the_post_back_and_loses_nothing(db: Database) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        chat_id, thread = await rw.topic("Дубль")
        topic_calls_answer(rw.hw)
        await done_in_topic(rw.hw, VERA, thread)
        telegram.refuse(ReopenForumTopic, NOT_ENOUGH_RIGHTS)  # the right was taken meanwhile

        rw.market.buyer_writes("Первое после закрытия", chat_id=chat_id)
        rw.market.buyer_writes("Второе после закрытия", chat_id=chat_id)
        await rw.poll()
        await rw.hw.deliver()
        assert bodies(telegram.posts(thread)) == ["Дубль"]  # both wait behind the reopening

        await hurry(rw.db)  # the retry is due (skip its backoff)
        await rw.hw.deliver()
        assert bodies(telegram.posts(thread)) == [
            "Дубль",
            "Первое после закрытия",
            "Второе после закрытия",
        ]
        assert len(telegram.refused(ReopenForumTopic)) == 1
        reopened = [r for r in telegram.delivered if isinstance(r, ReopenForumTopic)]
        assert len(reopened) == 1
        chat = await rw.chat(chat_id)
        assert not chat.topic_closed and not chat.topic_resolved


async def test_without_the_right_to_manage_topics_the_topic_is_told_once_and_closed_later(
    db: Database,
) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        chat_id, thread = await rw.topic("Спам")
        telegram.refuse(EditForumTopic, NOT_ENOUGH_RIGHTS)  # an admin took the right

        seen = len(telegram.delivered)
        await done_in_topic(rw.hw, VERA, thread)
        told = [r for r in telegram.delivered[seen:] if isinstance(r, SendMessage)]
        assert [has(p.text, says("resolve.no_rights")) for p in told] == [True]
        assert told[0].message_thread_id == thread
        assert (await rw.chat(chat_id)).resolved_at is not None  # resolved all the same

        topic_calls_answer(rw.hw)
        await hurry(rw.db)  # the right is back when the retry comes
        await rw.hw.deliver()
        after = telegram.delivered[seen:]
        assert [type(r) for r in topic_calls(after)] == [EditForumTopic, CloseForumTopic]
        assert len([r for r in after if isinstance(r, SendMessage)]) == 1  # told once
        chat = await rw.chat(chat_id)
        assert chat.topic_closed and chat.topic_resolved
