"""Internal notes in a buyer's topic: never relayed, marked, out of the SLA clock, stored
with the chat, given to the AI draft as internal context; every topic's first post says
that everything else goes to the buyer."""

from __future__ import annotations

from bot.bridge.notes import NOTE_EMOJI, note_text
from bot.drafts.prompt import PromptContext, Turn, build_messages
from bot.texts import TEXTS
from sandbox.telegram import Member, MemberStatus
from storage.database import Database
from tests.e2e.test_agent_to_ozon import PNG
from tests.support.world import open_world, wait_until


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


async def test_notes_are_kept_marked_and_never_reach_the_buyer(db: Database) -> None:
    async with open_world(db) as world:
        boris = world.tg.create_user(first_name="Борис", username="boris")
        group = world.tg.state.chat(world.group_id)
        group.members[boris.id] = Member(boris.id, MemberStatus.MEMBER)
        chat_id, _ = world.buyer_writes(text="Где мой заказ?")
        await world.poll()
        thread = await world.topic_of(chat_id)
        await world.wait_for_posts(thread, 1)
        first = world.posts(thread)[0]["text"]
        assert TEXTS["security.hint.to_buyer"]["ru"].split(":")[0] in first

        send = world.tg.user_sends
        notes = [
            send(world.agent_id, world.group_id, "// Вера, посмотри этот чат", thread_id=thread),
            send(world.agent_id, world.group_id, "/note Ок, беру", thread_id=thread),
        ]
        colleague = send(boris.id, world.group_id, "// Гляну склад", thread_id=thread)
        notes.append(colleague)
        notes.append(send(world.agent_id, world.group_id, "Спасибо!", thread_id=thread,
                          reply_to=colleague["message_id"]))  # fmt: skip
        notes.append(send(world.agent_id, world.group_id, photo=PNG, caption="// для склада",
                          thread_id=thread))  # fmt: skip

        async def marked() -> bool:
            return all(
                world.tg.reactions(world.group_id, n["message_id"]) == [NOTE_EMOJI] for n in notes
            )

        await wait_until(marked)
        stored = await world.chat(chat_id)
        kept = await db.internal_notes.list_recent(chat_id=stored.id)
        assert [n.text for n in kept] == [
            "Вера, посмотри этот чат", "Ок, беру", "Гляну склад", "Спасибо!", "для склада",
        ]  # fmt: skip
        assert world.sent_to_ozon() == []
        assert await db.turns.get_open(chat_id=stored.id) is not None  # the clock still runs
        assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0

        # A real answer still goes to the buyer, once, and closes the turn.
        send(world.agent_id, world.group_id, "Здравствуйте! Отправим сегодня.", thread_id=thread)
        await wait_until(lambda: _true(len(world.sent_to_ozon()) == 1))
        assert "Отправим сегодня" in str(world.sent_to_ozon()[0])

        async def answered() -> bool:
            return await db.turns.get_open(chat_id=stored.id) is None

        await wait_until(answered)


async def _true(value: bool) -> bool:
    return value
