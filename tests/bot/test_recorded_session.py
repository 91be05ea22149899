"""The recorded Bot session checks each request against the Bot API spec, as the Telegram
emulator does, so handler cases catch what Telegram would refuse."""

from __future__ import annotations

import pytest
from aiogram.methods import SendPhoto
from aiogram.types import BufferedInputFile

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
