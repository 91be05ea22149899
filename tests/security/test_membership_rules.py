"""A forbidden agent stays forbidden across leave and rejoin; a muted member is not relayed
and cannot answer through buttons. Checked against the Telegram emulator over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot

from bot.access import AccessControl, Answerer, Refusal, Role
from bot.app import build_bot
from bot.bridge.agent_messages import IncomingMessage, Outcome, accept_agent_message
from sandbox.telegram import MemberStatus, TelegramEmulator
from sandbox.telegram.models import Chat, Member
from storage.database import Database
from storage.records import Workspace
from tests.storage.factories import make_seller_with_chat

TOKEN = "123456789:AAEmulatorTokenForTests_abcdefghijklm"
THREAD = 77


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(port=0) as tg:
        tg.create_bot(token=TOKEN, username="agentiq_test_bot")
        yield tg
        assert tg.violations == []


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    bot = build_bot(TOKEN, emulator.base_url)
    yield bot
    await bot.session.close()


async def _world(db: Database, emulator: TelegramEmulator) -> tuple[Chat, int, Workspace, int]:
    anna = emulator.create_user(first_name="Анна", username="anna")
    group = emulator.create_group("Поддержка", is_forum=True, members=[anna.id])
    workspace, _, chat = await make_seller_with_chat(db, tg_chat_id=group.id)
    await db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace.id, thread_id=THREAD, name="t"
    )
    return group, anna.id, workspace, chat.id


async def test_a_forbidden_agent_stays_forbidden_after_leaving_and_rejoining(
    db: Database, emulator: TelegramEmulator, bot: Bot
) -> None:
    group, anna, workspace, _ = await _world(db, emulator)
    clock = Clock()
    access = AccessControl(db=db, bot=bot, owner_ids=(), clock=clock)
    first = await access.answerer(tg_user_id=anna, workspace=workspace, display_name="Анна")
    assert isinstance(first, Answerer)
    await db.agents.set_can_reply(workspace_id=workspace.id, agent_id=first.agent.id,
                                  can_reply=False)  # fmt: skip

    group.members[anna].status = MemberStatus.LEFT
    clock.now += timedelta(minutes=6)
    assert await access.answerer(tg_user_id=anna, workspace=workspace) is Refusal.NOT_MEMBER
    member = await db.agents.get_member(workspace_id=workspace.id, agent_id=first.agent.id)
    assert member.left_at is not None and member.can_reply is False

    group.members[anna].status = MemberStatus.MEMBER  # back in the group
    clock.now += timedelta(minutes=6)
    assert await access.answerer(tg_user_id=anna, workspace=workspace) is Refusal.NOT_ALLOWED
    member = await db.agents.get_member(workspace_id=workspace.id, agent_id=first.agent.id)
    assert member.left_at is None and member.can_reply is False


async def test_a_member_who_rejoins_is_asked_again_within_seconds(
    db: Database, emulator: TelegramEmulator, bot: Bot
) -> None:
    """A "gone" answer is not kept for the whole role cache: rejoining and writing half a
    minute later works (Telegram is asked again), while a member's answer stays cached."""
    group, anna, workspace, _ = await _world(db, emulator)
    access = AccessControl(db=db, bot=bot, owner_ids=())

    async def checked(seconds_ago: int) -> None:
        await db.pool.execute(
            "UPDATE workspace_members SET role_checked_at = now() - make_interval(secs => $1)"
            " WHERE workspace_id = $2", seconds_ago, workspace.id,
        )  # fmt: skip

    def asked() -> int:
        return sum(1 for method, _ in emulator.calls if method == "getChatMember")

    assert isinstance(await access.answerer(tg_user_id=anna, workspace=workspace), Answerer)
    group.members[anna].status = MemberStatus.LEFT
    await checked(6 * 60)
    assert await access.answerer(tg_user_id=anna, workspace=workspace) is Refusal.NOT_MEMBER
    group.members[anna].status = MemberStatus.MEMBER  # rejoined
    before = asked()
    assert await access.answerer(tg_user_id=anna, workspace=workspace) is Refusal.NOT_MEMBER
    assert asked() == before  # a fresh "gone" is not asked again at once
    await checked(30)  # well inside the 5-minute cache of a member
    decided = await access.answerer(tg_user_id=anna, workspace=workspace)
    assert isinstance(decided, Answerer) and decided.role is Role.AGENT
    group.members[anna].status = MemberStatus.LEFT
    await checked(60)
    before = asked()
    assert isinstance(await access.answerer(tg_user_id=anna, workspace=workspace), Answerer)
    assert asked() == before  # a member's answer is cached for the whole TTL


async def test_a_muted_member_is_not_relayed_and_is_told_why(
    db: Database, emulator: TelegramEmulator, bot: Bot
) -> None:
    group, anna, workspace, chat_id = await _world(db, emulator)
    group.members[anna] = Member(anna, MemberStatus.RESTRICTED, {"can_send_messages": False})
    access = AccessControl(db=db, bot=bot, owner_ids=())
    incoming = IncomingMessage(
        tg_chat_id=group.id, message_id=900, thread_id=THREAD, is_topic_message=True,
        sender_id=anna, sender_is_bot=False, sender_name="Анна", sender_username="anna",
        sender_chat_id=None, text="Здравствуйте!",
    )  # fmt: skip
    decision = await accept_agent_message(db, access, incoming)
    assert decision.outcome is Outcome.RESTRICTED
    queued = await db.pool.fetchval(
        "SELECT count(*) FROM reply_outbox WHERE chat_id = $1", chat_id
    )
    assert queued == 0
    # The same rule answers a draft button press (✅ Send): refused.
    assert await access.answerer(tg_user_id=anna, workspace=workspace) is Refusal.RESTRICTED


async def test_a_restricted_member_who_may_write_still_answers(
    db: Database, emulator: TelegramEmulator, bot: Bot
) -> None:
    group, anna, workspace, _ = await _world(db, emulator)
    group.members[anna] = Member(anna, MemberStatus.RESTRICTED, {"can_send_messages": True})
    access = AccessControl(db=db, bot=bot, owner_ids=())
    decided = await access.answerer(tg_user_id=anna, workspace=workspace)
    assert isinstance(decided, Answerer) and decided.role is Role.AGENT


async def test_a_restricted_member_who_left_is_no_member(
    db: Database, emulator: TelegramEmulator, bot: Bot
) -> None:
    group, anna, workspace, _ = await _world(db, emulator)
    group.members[anna] = Member(
        anna, MemberStatus.RESTRICTED, {"can_send_messages": True, "is_member": False}
    )
    access = AccessControl(db=db, bot=bot, owner_ids=())
    assert await access.answerer(tg_user_id=anna, workspace=workspace) is Refusal.NOT_MEMBER
