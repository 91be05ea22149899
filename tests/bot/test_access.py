"""Roles come from ADMIN_IDS and from Telegram's member list (cached briefly), never from
what a client sends. Checked against the Telegram emulator over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot

from bot.access import AccessControl, Role, role_from_status
from bot.app import build_bot
from sandbox.telegram import MemberStatus, TelegramEmulator
from storage.database import Database

TOKEN = "123456789:AAEmulatorTokenForTests_abcdefghijklm"
OWNER_ID = 42


@pytest.mark.parametrize(
    ("status", "role"),
    [
        ("creator", Role.ADMIN),
        ("administrator", Role.ADMIN),
        ("member", Role.AGENT),
        ("restricted", Role.AGENT),
        ("left", Role.NONE),
        ("kicked", Role.NONE),
    ],
)
def test_telegram_status_maps_to_a_role(status: str, role: Role) -> None:
    assert role_from_status(status) is role


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(port=0) as tg:
        tg.create_bot(token=TOKEN, username="agentiq_test_bot")
        yield tg


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    bot = build_bot(TOKEN, emulator.base_url)
    yield bot
    await bot.session.close()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_roles_follow_telegram_and_are_cached(
    db: Database, emulator: TelegramEmulator, bot: Bot
) -> None:
    boss = emulator.create_user(first_name="Boss")
    anna = emulator.create_user(first_name="Анна")
    stranger = emulator.create_user(first_name="Stranger")
    group = emulator.create_group("Поддержка", is_forum=True, members=[anna.id], admins=[boss.id])
    workspace = await db.workspaces.bind(
        tg_chat_id=group.id, title="Поддержка", bound_by_tg_user_id=boss.id
    )
    clock = Clock()
    access = AccessControl(db=db, bot=bot, owner_ids={OWNER_ID}, clock=clock)

    assert await access.role(tg_user_id=OWNER_ID, workspace=workspace) is Role.OWNER
    assert await access.role(tg_user_id=boss.id, workspace=workspace) is Role.ADMIN
    assert await access.role(tg_user_id=anna.id, workspace=workspace) is Role.AGENT
    assert await access.role(tg_user_id=stranger.id, workspace=workspace) is Role.NONE
    assert [w.id for w in await access.administered_workspaces(boss.id)] == [workspace.id]
    assert await access.administered_workspaces(anna.id) == []
    assert await access.administered_workspaces(OWNER_ID) != []

    # Demoted in Telegram: the cached answer holds for the TTL, then the demotion shows.
    group.members[boss.id].status = MemberStatus.MEMBER
    calls_before = len(emulator.calls)
    assert await access.role(tg_user_id=boss.id, workspace=workspace) is Role.ADMIN
    assert len(emulator.calls) == calls_before, "a fresh role must come from the cache"
    clock.now += timedelta(minutes=6)
    assert await access.role(tg_user_id=boss.id, workspace=workspace) is Role.AGENT
    assert not await access.at_least(Role.ADMIN, tg_user_id=boss.id, workspace=workspace)
    assert emulator.violations == []
