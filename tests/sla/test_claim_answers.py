"""A claim's answer in the buyer's topic goes through GroupAnswers like every SLA command's:
queued once per command message with the chat (so a gone topic is repaired), at the agent
feedback priority, and a redelivered update does not post it twice."""

from __future__ import annotations

from aiogram.methods import SendMessage

from bot.outbox.queue import PRIORITY_AGENT_FEEDBACK
from storage.records import Chat
from tests.storage.factories import make_chat
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, texts
from tests.support.texts import says

THREAD = 77


async def buyer_topic(hw: HandlerWorld) -> Chat:
    """A buyer chat of the group's shop, with its topic at ``THREAD``."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chat = await make_chat(hw.db, seller)
    await hw.db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace.id, thread_id=THREAD, name="Заказ"
    )
    return chat


async def test_a_redelivered_take_is_answered_once_in_the_chat_topic(hw: HandlerWorld) -> None:
    chat = await buyer_topic(hw)
    typed = hw.message(VERA, "/take", GROUP_ID, message_thread_id=THREAD, is_topic_message=True)
    for _ in range(2):  # Telegram hands the same message over again (e.g. after a restart)
        assert texts(await hw.feed("message", typed)) == []  # a group answer is queued

    rows = await hw.db.pool.fetch(
        "SELECT chat_id, priority FROM tg_outbox WHERE dedup_key = $1",
        f"cmd:{GROUP_ID}:{typed['message_id']}",
    )
    assert [(r["chat_id"], r["priority"]) for r in rows] == [(chat.id, PRIORITY_AGENT_FEEDBACK)]
    assert (await hw.db.chats.get(chat_id=chat.id)).owner_agent_id is not None

    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.text in says("claim.taken", agent=VERA.first_name)
    assert (post.chat_id, post.message_thread_id) == (GROUP_ID, THREAD)
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == typed["message_id"]
    assert await hw.deliver() == []  # nothing else was queued


async def test_each_release_command_gets_its_own_answer(hw: HandlerWorld) -> None:
    """The key is the command message, not the chat: a second /release is answered too
    (that nobody owns the chat), once."""
    await buyer_topic(hw)
    await hw.say(VERA, "/take", GROUP_ID, message_thread_id=THREAD, is_topic_message=True)
    await hw.say(VERA, "/release", GROUP_ID, message_thread_id=THREAD, is_topic_message=True)
    again = hw.message(VERA, "/release", GROUP_ID, message_thread_id=THREAD, is_topic_message=True)
    await hw.feed("message", again)
    await hw.feed("message", again)
    posts = [r.text for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert len(posts) == 3
    assert posts[0] in says("claim.taken", agent=VERA.first_name)
    assert posts[1] in says("claim.released", agent=VERA.first_name)
    assert posts[2] in says("claim.nobody_owns")
