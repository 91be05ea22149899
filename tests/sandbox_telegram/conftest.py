"""Fixtures: a fresh emulator per test, its world, and a real aiogram Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox.telegram import Chat, TelegramEmulator, User

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
FULL_RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}


@dataclass(frozen=True)
class World:
    tg: TelegramEmulator
    bot_user: User
    anna: User
    group: Chat


def make_bot(tg: TelegramEmulator, token: str = TOKEN) -> Bot:
    """A real aiogram Bot speaking HTTP to the emulator, exactly as in production."""
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(host="127.0.0.1", port=0) as emulator:
        yield emulator


@pytest.fixture
def world(tg: TelegramEmulator) -> World:
    bot_user = tg.create_bot(token=TOKEN, username="agentiq_test_bot")
    anna = tg.create_user(first_name="Анна", username="anna")
    group = tg.create_group(
        title="Поддержка",
        is_forum=True,
        members=[anna.id],
        admins=[anna.id],
        bot_rights=FULL_RIGHTS,
    )
    return World(tg, bot_user, anna, group)


@pytest.fixture
async def bot(world: World) -> AsyncIterator[Bot]:
    bot = make_bot(world.tg)
    yield bot
    await bot.session.close()
