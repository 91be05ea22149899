"""Flood budgets, scripted faults, losing the bot's membership and group migration."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramServerError,
)

from sandbox.telegram import TelegramEmulator

from .conftest import FULL_RIGHTS, TOKEN, World, make_bot


async def test_group_bucket_with_a_short_window() -> None:
    async with TelegramEmulator(group_limit=(3, 1.0)) as tg:
        tg.create_bot(TOKEN, username="agentiq_test_bot")
        group = tg.create_group("Поддержка", is_forum=True, bot_rights=FULL_RIGHTS)
        other = tg.create_group("Другая", bot_rights={})
        bot = make_bot(tg)
        try:
            topic = await bot.create_forum_topic(group.id, "Заказ")
            await bot.send_message(group.id, "1", message_thread_id=topic.message_thread_id)
            await bot.send_message(group.id, "2")
            with pytest.raises(TelegramRetryAfter) as caught:
                await bot.send_message(group.id, "3")
            assert caught.value.retry_after >= 1
            assert caught.value.message.endswith("Too Many Requests: retry after 1")
            # reactions and getters are free; another group has its own budget
            await bot.get_chat(group.id)
            await bot.send_message(other.id, "в другую группу")
            await asyncio.sleep(1.05)
            await bot.send_message(group.id, "после окна")
        finally:
            await bot.session.close()
        assert tg.units(group.id) == 4
        assert [m for _, chat, m in tg.unit_log if chat == group.id] == [
            "createForumTopic",
            "sendMessage",
            "sendMessage",
            "sendMessage",
        ]
        assert tg.violations == []


async def test_global_bucket_and_fake_clock() -> None:
    now = [1000.0]
    async with TelegramEmulator(global_limit=(2, 1.0), clock=lambda: now[0]) as tg:
        tg.create_bot(TOKEN)
        anna = tg.create_user("Анна")
        tg.user_sends(anna.id, anna.id, text="/start")
        first = tg.create_group("A", bot_rights={})
        second = tg.create_group("B", bot_rights={})
        bot = make_bot(tg)
        try:
            await bot.send_message(first.id, "1")
            await bot.send_message(second.id, "2")
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(anna.id, "3")
            now[0] += 1.0
            await bot.send_message(anna.id, "3")
        finally:
            await bot.session.close()
        assert tg.units(anna.id) == 1


async def test_inject_error(world: World, bot: Bot) -> None:
    tg = world.tg
    tg.inject_error("sendMessage", "Too Many Requests: retry after 7", 429, count=2, retry_after=7)
    tg.inject_error("getChat", "Internal Server Error", error_code=500)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(world.group.id, "x")
        assert caught.value.retry_after == 7
    await bot.send_message(world.group.id, "прошло")
    with pytest.raises(TelegramServerError):
        await bot.get_chat(world.group.id)
    chat = await bot.get_chat(world.group.id)
    assert chat.is_forum is True
    assert [m["text"] for m in tg.bot_messages(world.group.id)] == ["прошло"]
    assert tg.units(world.group.id) == 1


async def test_remove_bot_then_forbidden(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    await bot.get_updates(timeout=0)
    tg.remove_bot(group.id)
    updates = await bot.get_updates(timeout=0)
    change = updates[-1].my_chat_member
    assert change is not None
    assert change.old_chat_member.status == "administrator"
    assert change.new_chat_member.status == "kicked"
    assert change.from_user.id == world.anna.id
    with pytest.raises(TelegramForbiddenError) as caught:
        await bot.send_message(group.id, "x")
    assert caught.value.message == "Forbidden: bot was kicked from the supergroup chat"
    tg.user_sends(world.anna.id, group.id, text="бот не увидит")
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == []
    tg.add_bot(group.id, rights=FULL_RIGHTS)
    assert (await bot.send_message(group.id, "снова здесь")).text == "снова здесь"
    outsider = tg.create_group("Без бота", bot_member=False)
    with pytest.raises(TelegramForbiddenError, match="not a member of the supergroup chat"):
        await bot.send_message(outsider.id, "x")


async def test_migrate_group(world: World, bot: Bot) -> None:
    tg = world.tg
    old = tg.create_group("Старая", supergroup=False, members=[world.anna.id], bot_rights={})
    await bot.send_message(old.id, "до миграции")
    new_id = tg.migrate_group(old.id)
    assert new_id != old.id
    assert str(new_id).startswith("-100")
    updates = await bot.get_updates(timeout=0)
    migrations = [
        u.message for u in updates if u.message and u.message.chat.id in (old.id, new_id)
    ]
    assert migrations[0].migrate_to_chat_id == new_id
    assert migrations[1].migrate_from_chat_id == old.id
    with pytest.raises(TelegramMigrateToChat) as caught:
        await bot.send_message(old.id, "x")
    assert caught.value.migrate_to_chat_id == new_id
    assert (await bot.send_message(new_id, "после")).chat.id == new_id
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(-1009999, "x")
