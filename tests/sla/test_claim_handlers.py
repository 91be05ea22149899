"""Claiming chats and /queue one update at a time (tests.support.handlers): the "Take"
button, /take, /release and /assign in a buyer's topic, and /queue with its filters, each
answered by text key. The queue board and the SLA ticks, one step at a time, are
test_board_handlers.py and test_sla_handlers.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import SendMessage

from bot.settings import Settings
from bot.sla.callbacks import ClaimCallback
from bot.texts import text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller, Workspace
from tests.storage.factories import make_chat
from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    OWNER,
    VERA,
    HandlerWorld,
    Person,
    open_handler_world,
    texts,
)
from tests.support.texts import has, says


async def topic(
    hw: HandlerWorld, workspace: Workspace, seller: Seller, order: str, *, thread: int,
    priority: str = "normal", deadline_in: timedelta = timedelta(hours=2),
) -> int:  # fmt: skip
    """A waiting buyer chat with its topic in the group; returns the chat's id."""
    chat = await make_chat(hw.db, seller, external_id=order, order_number=order)
    await hw.db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=thread,
                                name=order)  # fmt: skip
    deadline = datetime.now(UTC) + deadline_in
    await hw.db.chats.set_sla(
        chat_id=chat.id, priority=priority, waiting_since=deadline - timedelta(hours=1),
        sla_deadline=deadline, reply_window_ends_at=deadline + timedelta(hours=40),
        unanswered_count=1,
    )  # fmt: skip
    return chat.id


async def in_topic(hw: HandlerWorld, person: Person, command: str, thread: int) -> list[str]:
    """``person`` types ``command`` in the topic: what the outbox then posts there."""
    asked = hw.message(person, command, GROUP_ID, message_thread_id=thread,
                       is_topic_message=True)  # fmt: skip
    assert texts(await hw.feed("message", asked)) == []  # group answers are queued
    return await posted(hw, thread)


async def posted(hw: HandlerWorld, thread: int) -> list[str]:
    """What the outbox posts in the topic now."""
    return [r.text for r in await hw.deliver() if isinstance(r, SendMessage)
            and r.message_thread_id == thread]  # fmt: skip


async def in_general(hw: HandlerWorld, person: Person, command: str) -> str:
    asked = hw.message(person, command, GROUP_ID)
    await hw.feed("message", asked)
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.chat_id == GROUP_ID and post.message_thread_id is None
    return post.text


async def owner_of(hw: HandlerWorld, chat_id: int) -> int | None:
    return (await hw.db.chats.get(chat_id=chat_id)).owner_agent_id


async def test_take_release_and_assign(hw: HandlerWorld) -> None:
    """Boris is the group's admin, Vera an agent."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chat = await topic(hw, workspace, seller, "555-1", thread=41)
    take = ClaimCallback(chat=chat)

    answer = await hw.press(BORIS, take, chat_id=GROUP_ID)
    assert answer.text == says("claim.ok").template and not answer.show_alert
    boris = await hw.db.agents.get_by_tg_user(tg_user_id=BORIS.id)
    assert await owner_of(hw, chat) == boris.id
    assert await posted(hw, 41) == [text("claim.taken", "ru", agent="Борис")]
    second = await hw.press(VERA, take, chat_id=GROUP_ID)
    assert second.show_alert and second.text in says("topic.take.owned_by", agent="Борис")
    assert await posted(hw, 41) == []

    assert await in_topic(hw, VERA, "/release", 41) == [says("claim.not_owner").template]
    [assigned] = await in_topic(hw, BORIS, "/assign @vera", 41)
    assert has(assigned, says("handover.assigned", admin="Борис"))  # his own chat: no "from"
    assert 'tg://user?id=1003">Вера</a>' in assigned  # mentioned: Telegram notifies her
    vera = await hw.db.agents.get_by_tg_user(tg_user_id=VERA.id)
    assert await owner_of(hw, chat) == vera.id
    assert await hw.db.pool.fetchval("SELECT count(*) FROM audit_log WHERE action = 'sla.assign'")

    [released] = await in_topic(hw, VERA, "/release", 41)
    assert has(released, says("claim.released", agent="Вера"))
    assert await owner_of(hw, chat) is None
    [taken] = await in_topic(hw, VERA, "/take", 41)
    assert has(taken, says("claim.taken", agent="Вера"))
    assert await in_topic(hw, VERA, "/assign @boris", 41) == [says("admin_only").template]
    assert await owner_of(hw, chat) == vera.id
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0  # never relayed


async def test_a_button_for_a_chat_of_another_group_is_refused(hw: HandlerWorld) -> None:
    """Button data is never trusted: the chat must belong to the group it was pressed in."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    other = await hw.db.workspaces.bind(tg_chat_id=-100999, title="Чужая",
                                        bound_by_tg_user_id=OWNER.id)  # fmt: skip
    chat = await topic(hw, other, seller, "555-2", thread=42)
    answer = await hw.press(BORIS, ClaimCallback(chat=chat), chat_id=GROUP_ID)
    assert answer.show_alert
    assert await owner_of(hw, chat) is None
    assert await hw.deliver() == []


async def test_queue_command_with_filters(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    await topic(hw, workspace, seller, "111-1", thread=51, priority="urgent")
    await topic(hw, workspace, seller, "222-2", thread=52)
    urgent = await in_general(hw, VERA, "/queue urgent")
    assert has(urgent, says("queue.title_view", count=1, total=2))
    assert "111-1" in urgent and "222-2" not in urgent
    [taken] = await in_topic(hw, VERA, "/take", 52)
    assert has(taken, says("claim.taken", agent="Вера"))
    mine = await in_general(hw, VERA, "/queue mine")
    assert has(mine, says("queue.title_view", count=1, total=2))
    assert "222-2" in mine and "111-1" not in mine
    unread = await in_general(hw, VERA, "/queue unread")  # the former name of "unclaimed"
    assert has(unread, says("queue.title_view", count=1, total=2)) and "111-1" in unread
    overdue = await in_general(hw, VERA, "/queue overdue")
    assert has(overdue, says("queue.none.overdue")) and has(overdue, says("queue.total", total=2))
    [private] = texts(await hw.say(VERA, "/queue"), VERA.id)
    assert has(private, says("queue.title", count=2))
    assert "111-1" in private and "222-2" in private


async def test_owners_take_and_assign_a_chat_on_first_contact(db: Database) -> None:
    """Owners (ADMIN_IDS) may claim and assign chats before the bot has ever seen them
    write: an owner's role is known without asking Telegram, so no agent row exists yet."""

    def two_owners(settings: Settings) -> Settings:
        return settings.model_copy(update={"admin_ids": frozenset({OWNER.id, GLEB.id})})

    async with open_handler_world(db, two_owners) as hw:
        workspace = await hw.bound_group()
        hw.in_group(GLEB, "member")  # both owners are plain members of the group
        seller = await hw.add_seller(workspace)
        chat = await topic(hw, workspace, seller, "777-1", thread=61)
        with pytest.raises(NotFound):  # the bot never saw her write
            await hw.db.agents.get_by_tg_user(tg_user_id=OWNER.id)

        answer = await hw.press(OWNER, ClaimCallback(chat=chat), chat_id=GROUP_ID)
        assert answer.text == says("claim.ok").template
        owner = await hw.db.agents.get_by_tg_user(tg_user_id=OWNER.id)
        assert await owner_of(hw, chat) == owner.id
        assert await posted(hw, 61) == [text("claim.taken", "ru", agent="Ольга")]

        [assigned] = await in_topic(hw, GLEB, "/assign @owner", 61)
        assert has(assigned, says("handover.already", agent="Ольга"))
        assert await owner_of(hw, chat) == owner.id
        await hw.db.agents.get_by_tg_user(tg_user_id=GLEB.id)  # known now (NotFound before)
