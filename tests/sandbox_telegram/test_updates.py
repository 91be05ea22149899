"""getUpdates semantics and a real aiogram Dispatcher polling the emulator."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramConflictError
from aiogram.types import Message

from .conftest import World


async def test_offset_confirms_and_negative_offset_keeps_last(world: World, bot: Bot) -> None:
    tg, anna, group = world.tg, world.anna, world.group
    for text in ("один", "два", "три"):
        tg.user_sends(anna.id, group.id, text=text)
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first] == ["один", "два", "три"]
    again = await bot.get_updates(timeout=0)  # nothing confirmed yet
    assert [u.update_id for u in again] == [u.update_id for u in first]
    limited = await bot.get_updates(offset=first[1].update_id, limit=1, timeout=0)
    assert [u.message.text for u in limited] == ["два"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert rest == []
    for text in ("4", "5", "6"):
        tg.user_sends(anna.id, group.id, text=text)
    last = await bot.get_updates(offset=-1, timeout=0)
    assert [u.message.text for u in last] == ["6"]
    assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["6"]
    assert tg.violations == []


async def test_long_poll_wakes_on_a_new_message(world: World, bot: Bot) -> None:
    tg = world.tg
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    started = time.monotonic()
    tg.user_sends(world.anna.id, world.anna.id, text="/start")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1
    assert updates[0].message.text == "/start"
    assert updates[0].message.chat.type == "private"


async def test_second_concurrent_poller_conflicts(world: World, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)
    world.tg.user_sends(world.anna.id, world.group.id, text="после конфликта")
    updates = await asyncio.wait_for(second, 2)
    assert [u.message.text for u in updates] == ["после конфликта"]


async def test_allowed_updates_filters_queueing(world: World, bot: Bot) -> None:
    tg = world.tg
    await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    tg.user_sends(world.anna.id, world.group.id, text="не доставится")
    assert await bot.get_updates(timeout=0) == []
    await bot.get_updates(timeout=0, allowed_updates=["message"])
    tg.user_sends(world.anna.id, world.group.id, text="доставится")
    assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["доставится"]


async def test_dispatcher_receives_and_answers(world: World, bot: Bot) -> None:
    tg, anna, group = world.tg, world.anna, world.group
    dp = Dispatcher()
    topic = await bot.create_forum_topic(group.id, "Покупатель")
    thread = topic.message_thread_id
    handled = asyncio.Event()

    @dp.message(F.text, F.is_topic_message)
    async def echo(message: Message) -> None:
        await message.answer(f"Принято: {message.text}")
        handled.set()

    polling = asyncio.create_task(dp.start_polling(bot, polling_timeout=10, handle_signals=False))
    try:
        await asyncio.sleep(0.2)
        tg.user_sends(anna.id, group.id, text="Ответ покупателю", thread_id=thread)
        await asyncio.wait_for(handled.wait(), 5)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)
    replies = tg.bot_messages(group.id, thread)
    assert [m["text"] for m in replies] == ["Принято: Ответ покупателю"]
    assert replies[0]["message_thread_id"] == thread
    assert tg.violations == []
