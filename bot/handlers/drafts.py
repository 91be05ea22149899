"""Buttons under drafts and under held replies: answer at once, the workers do the rest."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.access import Presser
from bot.drafts.actions import DraftActions
from bot.drafts.callbacks import DraftCallback, HeldCallback
from bot.texts import Locale


def _presser(query: CallbackQuery) -> Presser:
    user = query.from_user
    return Presser(tg_user_id=user.id, name=user.full_name, username=user.username)


async def on_draft_button(
    query: CallbackQuery, callback_data: DraftCallback, drafts: DraftActions, locale: Locale
) -> None:
    if query.message is None:  # too old for Telegram to tell us where it was
        await query.answer()
        return
    answer = await drafts.press(
        action=callback_data.a,
        suggestion_id=callback_data.id,
        tg_chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        presser=_presser(query),
        locale_fallback=locale,
    )
    await query.answer(answer.text, show_alert=answer.alert)


async def on_held_button(
    query: CallbackQuery, callback_data: HeldCallback, drafts: DraftActions
) -> None:
    if query.message is None:
        await query.answer()
        return
    answer = await drafts.held(
        action=callback_data.a,
        held_id=callback_data.id,
        tg_chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        presser=_presser(query),
    )
    await query.answer(answer.text, show_alert=answer.alert)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_draft_button, DraftCallback.filter())
    router.callback_query.register(on_held_button, HeldCallback.filter())
    return router
