"""/ai: admins see and change each shop's AI drafting policy (private chat or the group).

In a private chat the bot answers directly; in the group every post and edit goes through
the outbox like everything else the bot writes there.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.admin.binding import GroupBinding
from bot.drafts.ai_settings import AiSettings, Change, panel, parse_text_command, usage
from bot.drafts.callbacks import AUTO_TOGGLE, COUNTS_TOGGLE, AiCallback
from bot.outbox.queue import PRIORITY_NOTICE, Outbox
from bot.texts import Locale, text


async def ai_private(message: Message, ai: AiSettings, locale: Locale) -> None:
    assert message.from_user is not None
    sellers = await ai.manageable(message.from_user.id)
    if not sellers:
        await message.answer(text("ai.none", locale))
        return
    for seller in sellers:
        body, keyboard = panel(seller, locale)
        await message.answer(body, reply_markup=keyboard)


async def ai_group(
    message: Message, ai: AiSettings, binding: GroupBinding, outbox: Outbox
) -> None:
    workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
    if workspace is None or message.from_user is None:
        return
    sellers = await ai.manageable(message.from_user.id, workspace=workspace)
    thread = message.message_thread_id if message.is_topic_message else None
    for seller in sellers:
        await ai.queue_panel(
            workspace_id=workspace.id,
            seller_id=seller.id,
            thread_id=thread,
            dedup_key=f"cmd:{message.chat.id}:{message.message_id}:{seller.id}",
        )
    outbox.kick()


async def ai_text(
    message: Message,
    *,
    command: CommandObject,
    ai: AiSettings,
    locale: Locale,
    binding: GroupBinding,
    outbox: Outbox,
) -> None:
    """/ai_tone N text, /ai_instructions N text."""
    if message.from_user is None:
        return
    field = "tone" if command.command == "ai_tone" else "instructions"
    parsed = parse_text_command(command.args)
    workspace = None
    if message.chat.type != ChatType.PRIVATE:
        workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
        if workspace is None:
            return
    locale = workspace.locale if workspace is not None else locale
    if parsed is None:
        reply = usage(f"/{command.command}", locale)
    else:
        change = await ai.set_text(
            parsed[0],
            field,
            parsed[1],
            message.from_user.id,
            workspace_id=workspace.id if workspace is not None else None,
        )
        reply = _change_text(change, locale)
    if workspace is None:
        await message.answer(reply)
        return
    await outbox.notice(
        workspace_id=workspace.id,
        text=reply,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
        key=f"cmd:{message.chat.id}:{message.message_id}",
        priority=PRIORITY_NOTICE,
    )


def _change_text(change: Change, locale: str) -> str:
    loc: Locale = "en" if locale == "en" else "ru"
    if change.error is not None:
        return text(change.error, loc, limit=2000)
    return text("ai.saved", loc)


async def ai_button(
    query: CallbackQuery,
    *,
    callback_data: AiCallback,
    ai: AiSettings,
    locale: Locale,
    binding: GroupBinding,
    outbox: Outbox,
) -> None:
    message = query.message
    workspace = None
    if message is not None and message.chat.type != ChatType.PRIVATE:
        workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
        if workspace is None:
            await query.answer(text("refused", locale), show_alert=True)
            return
    scope = workspace.id if workspace is not None else None
    if callback_data.a == AUTO_TOGGLE:
        change = await ai.toggle_auto(
            callback_data.id,
            query.from_user.id,
            workspace_id=scope,
            enable=bool(callback_data.on),
        )
    elif callback_data.a == COUNTS_TOGGLE:
        change = await ai.set_auto_counts(
            callback_data.id,
            query.from_user.id,
            workspace_id=scope,
            enable=bool(callback_data.on),
        )
    else:
        change = await ai.toggle_intent(
            callback_data.id,
            callback_data.v,
            query.from_user.id,
            workspace_id=scope,
            include=bool(callback_data.on),
        )
    locale = workspace.locale if workspace is not None else locale
    await query.answer(_change_text(change, locale), show_alert=change.error is not None)
    if change.seller is None or message is None:
        return
    if workspace is None:
        body, keyboard = panel(change.seller, locale)
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            chat_id=message.chat.id,
            message_id=message.message_id,
            text=body,
            reply_markup=keyboard,
        )
        return
    await ai.queue_panel(
        workspace_id=workspace.id, seller_id=change.seller.id, message_id=message.message_id
    )
    outbox.kick()


def build_router() -> Router:
    router = Router(name=__name__)
    private = F.chat.type == ChatType.PRIVATE
    group = F.chat.type == ChatType.SUPERGROUP
    router.message.register(ai_private, Command("ai"), private)
    router.message.register(ai_group, Command("ai"), group)
    router.message.register(ai_text, Command("ai_tone", "ai_instructions"))
    router.callback_query.register(ai_button, AiCallback.filter())
    return router
