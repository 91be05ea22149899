"""The last callback handler: a button no other handler understands (from before an
upgrade, or forged) is answered as out of date instead of leaving a spinning button."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.texts import Locale, text


async def on_unknown_button(query: CallbackQuery, locale: Locale) -> None:
    await query.answer(text("wizard.outdated", locale), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_unknown_button)
    return router
