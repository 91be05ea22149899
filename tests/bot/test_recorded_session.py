"""The recorded Bot session checks each request against the Bot API spec, as the Telegram
emulator does, so handler cases catch what Telegram would refuse."""

from __future__ import annotations

import pytest
from aiogram.methods import SendPhoto
from aiogram.types import BufferedInputFile, ForceReply

from bot.outbox.queue import enqueue_notice
from storage.database import Database
from tests.support.handlers import open_handler_world
from tests.support.recorded_bot import recorded_bot

GROUP = -1001000000001


async def test_a_request_telegram_accepts_is_recorded() -> None:
    bot, session = recorded_bot()
    session.add_result_for(SendPhoto, None)  # checked first, then answered as prepared
    await bot.send_message(GROUP, "<b>Готово</b>", message_thread_id=7)
    await bot.send_photo(GROUP, BufferedInputFile(b"\x89PNG", "chart.png"), caption="Итоги")
    assert [type(r).__name__ for r in session.requests] == ["SendMessage", "SendPhoto"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<b>не закрыт", "not valid HTML"),
        ("я" * 4097, "text"),
    ],
)
async def test_a_text_telegram_refuses_fails_the_test(text: str, problem: str) -> None:
    bot, _ = recorded_bot()
    with pytest.raises(AssertionError, match="Bot API violation") as raised:
        await bot.send_message(GROUP, text)
    assert problem in str(raised.value)


async def test_a_caption_over_the_limit_fails_the_test() -> None:
    bot, _ = recorded_bot()
    with pytest.raises(AssertionError, match="caption"):
        await bot.send_photo(GROUP, BufferedInputFile(b"\x89PNG", "p.png"), caption="я" * 1025)


async def test_a_broken_request_the_telegram_queue_swallowed_still_fails_the_case(
    db: Database,
) -> None:
    """The queue retries whatever a call raised, a spec violation included; the handler
    world fails the case at its end instead of letting the retry hide it."""
    with pytest.raises(AssertionError, match="broke the spec") as raised:
        async with open_handler_world(db) as hw:
            workspace = await hw.bound_group()
            await enqueue_notice(
                hw.db, workspace_id=workspace.id, text="<b>не закрыт", key="broken-notice"
            )
            await hw.deliver()
            status = await hw.db.pool.fetchval("SELECT status FROM tg_outbox")
            assert status == "pending"  # swallowed: to be retried
    assert "not valid HTML" in str(raised.value)


async def test_a_sent_message_comes_back_mounted_so_a_handler_may_edit_it() -> None:
    bot, session = recorded_bot()
    sent = await bot.send_message(GROUP, "Проверяю…", reply_markup=ForceReply())
    assert sent.reply_markup is None  # only an inline keyboard comes back on a message
    await sent.edit_text("Готово")
    photo = await bot.send_photo(GROUP, BufferedInputFile(b"\x89PNG", "p.png"))
    assert photo.photo and photo.message_id != sent.message_id
    assert [type(r).__name__ for r in session.requests] == [
        "SendMessage", "EditMessageText", "SendPhoto"
    ]  # fmt: skip
