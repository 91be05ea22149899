"""Internal notes in a buyer's topic: never relayed, marked, out of the SLA clock, stored
with the chat, given to the AI draft as internal context; every topic's first post says
that everything else goes to the buyer. The flow is a handler case: the topic's messages fed
to the assembled dispatcher, the reply worker run by the test (tests.support.relaying)."""

from __future__ import annotations

from typing import Any

from aiogram.methods import SendMessage, SetMessageReaction, TelegramMethod
from aiogram.types import ReactionTypeEmoji

from bot.bridge.notes import NOTE_EMOJI, note_text
from bot.drafts.prompt import PromptContext, Turn, build_messages
from bot.texts import TEXTS
from storage.database import Database
from tests.support.handlers import BORIS, GROUP_ID
from tests.support.relaying import open_relay_world


def test_which_messages_are_notes() -> None:
    assert note_text(body="// Вера, посмотри", reply_to_human=False) == "Вера, посмотри"
    assert note_text(body="  //ок", reply_to_human=False) == "ок"
    assert note_text(body="/note Ок, беру", reply_to_human=False) == "Ок, беру"
    assert note_text(body="/note@agentiq_bot беру", reply_to_human=False) == "беру"
    assert note_text(body="Беру", reply_to_human=True) == "Беру"  # a reply to a colleague
    assert note_text(body="Здравствуйте!", reply_to_human=False) is None
    assert note_text(body="/notes", reply_to_human=False) is None
    assert note_text(body="https://ozon.ru/x//y", reply_to_human=False) is None


def test_notes_reach_the_model_as_internal_context_only() -> None:
    context = PromptContext(shop="Обувь", language="ru")
    messages = build_messages(
        context, [Turn(True, "Где заказ?")], notes=["Вера: склад отгрузит завтра"]
    )
    system, conversation = messages[0]["content"], messages[1]["content"]
    assert "INTERNAL" in system and "never quote" in system
    assert "Вера: склад отгрузит завтра" in system
    assert "Вера" not in conversation
    assert "INTERNAL" not in build_messages(context, [Turn(True, "Где заказ?")])[0]["content"]


def reactions(requests: list[TelegramMethod[Any]]) -> dict[int, list[str]]:
    """Group message → the emoji the bot put on it."""
    return {
        int(r.message_id): [x.emoji for x in r.reaction or [] if isinstance(x, ReactionTypeEmoji)]
        for r in requests
        if isinstance(r, SetMessageReaction) and r.chat_id == GROUP_ID
    }


async def test_notes_are_kept_marked_and_never_reach_the_buyer(db: Database) -> None:
    async with open_relay_world(db) as rw:
        hw = rw.hw
        chat_id = rw.market.buyer_writes("Где мой заказ?")
        await rw.poll()
        posted = await hw.deliver()
        thread = (await rw.chat(chat_id)).topic_thread_id
        assert thread is not None
        first = [r for r in posted if isinstance(r, SendMessage) and r.message_thread_id == thread]
        assert TEXTS["security.hint.to_buyer"]["ru"].split(":")[0] in first[0].text

        before = len(hw.session.requests)
        notes = [
            await rw.agent_writes(thread, "text", "// Вера, посмотри этот чат"),
            await rw.agent_writes(thread, "text", "/note Ок, беру"),
        ]
        colleague = await rw.agent_writes(thread, "text", "// Гляну склад", person=BORIS)
        notes.append(colleague)
        thanks = rw.agent_message(thread, "text", "Спасибо!")
        thanks["reply_to_message"] = colleague
        await hw.feed("message", thanks)
        notes.append(thanks)
        photo = rw.agent_message(thread, "image")
        photo["caption"] = "// для склада"
        await hw.feed("message", photo)
        notes.append(photo)
        await rw.relay()

        marked = reactions(hw.session.requests[before:])
        assert [marked.get(n["message_id"]) for n in notes] == [[NOTE_EMOJI]] * 5
        stored = await rw.chat(chat_id)
        kept = await db.internal_notes.list_recent(chat_id=stored.id)
        assert [n.text for n in kept] == [
            "Вера, посмотри этот чат", "Ок, беру", "Гляну склад", "Спасибо!", "для склада",
        ]  # fmt: skip
        assert rw.market.sent_texts(chat_id) == [] and rw.market.sent_files(chat_id) == []
        assert await db.turns.get_open(chat_id=stored.id) is not None  # the clock still runs
        assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0

        # A real answer still goes to the buyer, once, and closes the turn.
        await rw.agent_writes(thread, "text", "Здравствуйте! Отправим сегодня.")
        await rw.relay()
        assert rw.market.sent_texts(chat_id) == ["Здравствуйте! Отправим сегодня."]
        assert await db.turns.get_open(chat_id=stored.id) is None
