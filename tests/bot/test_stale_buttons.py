"""Old-version and garbage buttons are answered "out of date" and do nothing else
(through the real router tree, with a recorded Bot)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.handlers import build_router
from bot.middlewares.locale import LocaleMiddleware
from bot.settings import Settings
from bot.texts import Locale, text
from tests.support.recorded_bot import recorded_bot

USER = User(id=42, is_bot=False, first_name="Анна")
GROUP = Chat(id=-100777, type="supergroup", title="Shop", is_forum=True)

OLD_PREFIXES = ["d:s:5", "dh:y:5", "rc:s:3", "sc:12", "as:open:1", "am:ozon", "aw:7", "ac:add"]
GARBAGE = ["d1:zz:5", "as1:explode:1", "sc1:not-a-number", "pu1:show", "nonsense", "::"]


def press(data: str) -> Update:
    return Update(
        update_id=9001,
        callback_query=CallbackQuery(
            id="cq",
            from_user=USER,
            chat_instance="ci",
            data=data,
            message=Message(message_id=3, date=datetime.now(UTC), chat=GROUP, text="old post"),
        ),
    )


def dispatcher(locale: Locale) -> Dispatcher:
    # A button that unpacks nowhere touches no dependency; these would fail if used.
    unused: Any = object()
    dp = Dispatcher(settings=Settings(locale=locale), db=unused, outbox=unused)
    dp.update.outer_middleware(LocaleMiddleware(default=locale))
    dp.include_router(build_router())
    return dp


@pytest.mark.parametrize("data", OLD_PREFIXES + GARBAGE)
@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_an_old_or_garbled_button_is_out_of_date(data: str, locale: Locale) -> None:
    bot, session = recorded_bot()
    await dispatcher(locale).feed_update(bot, press(data))
    [answer] = session.requests  # nothing else: no edit, no message
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == text("wizard.outdated", locale)
    assert answer.show_alert is True
