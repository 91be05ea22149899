"""The buttons under a "could not verify this file" notice: answer at once, the workers do
the rest (the reply worker sends or moves on; the Telegram worker updates the notice)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.access import Presser
from bot.bridge.callbacks import ReplyCheckCallback
from bot.bridge.reply_checks import ReplyChecks
from bot.bridge.service import Bridge
from bot.outbox.queue import Outbox


async def on_reply_check(
    query: CallbackQuery,
    *,
    callback_data: ReplyCheckCallback,
    reply_checks: ReplyChecks,
    bridge: Bridge,
    outbox: Outbox,
) -> None:
    if query.message is None:  # too old for Telegram to tell us where it was
        await query.answer()
        return
    user = query.from_user
    answer = await reply_checks.decide(
        action=callback_data.a,
        reply_id=callback_data.id,
        tg_chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        presser=Presser(tg_user_id=user.id, name=user.full_name, username=user.username),
    )
    if answer.decided:
        bridge.replies.kick()
        outbox.kick()
    await query.answer(answer.text, show_alert=answer.alert)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_reply_check, ReplyCheckCallback.filter())
    return router
