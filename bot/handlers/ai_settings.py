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
from bot.drafts.ai_settings import AiSettings, Change, panel, usage
from bot.drafts.callbacks import AUTO_TOGGLE, COUNTS_TOGGLE, AiCallback
from bot.handlers.command_answers import say_where
from bot.outbox.queue import Outbox
from bot.shop_choice import Question, ShopCallback
from bot.texts import Locale, text

AI_COMMANDS = ("ai", "ai_tone", "ai_instructions")
_FIELD = {"ai_tone": "tone", "ai_instructions": "instructions"}


async def ai_private(
    message: Message, command: CommandObject, ai: AiSettings, locale: Locale, outbox: Outbox
) -> None:
    """The panel of the shop named after /ai (or of the only one); else "which shop?"."""
    assert message.from_user is not None
    picked = await ai.pick(message.from_user.id, "ai", command.args or "", locale)
    if picked is None:
        await message.answer(text("ai.none", locale))
        return
    if isinstance(picked, Question):
        await say_where(
            message, picked.text, workspace=None, outbox=outbox, keyboard=picked.keyboard
        )
        return
    body, keyboard = panel(picked.seller, locale)
    await message.answer(body, reply_markup=keyboard)


async def ai_group(
    message: Message,
    command: CommandObject,
    ai: AiSettings,
    binding: GroupBinding,
    outbox: Outbox,
) -> None:
    workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
    if workspace is None or message.from_user is None:
        return
    picked = await ai.pick(
        message.from_user.id, "ai", command.args or "", workspace.locale, workspace=workspace
    )
    if picked is None:
        return
    if isinstance(picked, Question):
        await say_where(
            message, picked.text, workspace=workspace, outbox=outbox, keyboard=picked.keyboard
        )
        return
    thread = message.message_thread_id if message.is_topic_message else None
    await ai.queue_panel(
        workspace_id=workspace.id,
        seller_id=picked.seller.id,
        thread_id=thread,
        dedup_key=f"cmd:{message.chat.id}:{message.message_id}:{picked.seller.id}",
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
    """/ai_tone [shop] text, /ai_instructions [shop] text."""
    if message.from_user is None:
        return
    workspace = None
    if message.chat.type != ChatType.PRIVATE:
        workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
        if workspace is None:
            return
    locale = workspace.locale if workspace is not None else locale
    args = (command.args or "").strip()
    picked = (
        await ai.pick(message.from_user.id, command.command, args, locale, workspace=workspace)
        if args
        else None
    )
    keyboard = None
    if not args:
        reply = usage(f"/{command.command}", locale)
    elif picked is None:
        reply = text("ai.not_admin", locale)
    elif isinstance(picked, Question):
        reply, keyboard = picked.text, picked.keyboard
    elif not picked.rest:
        reply = usage(f"/{command.command}", locale)
    else:
        change = await ai.set_text(
            picked.seller.id,
            _FIELD[command.command],
            picked.rest,
            message.from_user.id,
            workspace_id=workspace.id if workspace is not None else None,
        )
        reply = _change_text(change, locale)
    await say_where(message, reply, workspace=workspace, outbox=outbox, keyboard=keyboard)


async def ai_shop_picked(
    query: CallbackQuery,
    *,
    callback_data: ShopCallback,
    ai: AiSettings,
    locale: Locale,
    binding: GroupBinding,
    outbox: Outbox,
) -> None:
    """A "which shop?" button under /ai, /ai_tone or /ai_instructions: the command goes
    on for that shop. The question becomes the panel (/ai); a setting is answered under it."""
    message = query.message
    if not isinstance(message, Message):
        await query.answer(text("pick_seller.gone", locale), show_alert=True)
        return
    workspace = None
    if message.chat.type != ChatType.PRIVATE:
        workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
        if workspace is None:
            await query.answer(text("refused", locale), show_alert=True)
            return
        locale = workspace.locale
    found = await ai.resume(
        callback_data.p, callback_data.s, query.from_user.id, workspace=workspace
    )
    if isinstance(found, str):
        await query.answer(text(found, locale), show_alert=True)
        return
    pending, seller = found
    await query.answer()
    if pending.command == "ai":
        if workspace is None:
            body, keyboard = panel(seller, locale)
            await message.edit_text(body, reply_markup=keyboard)
            return
        await ai.queue_panel(
            workspace_id=workspace.id, seller_id=seller.id, message_id=message.message_id
        )
        outbox.kick()
        return
    field = _FIELD.get(pending.command)
    if field is None or not pending.args:
        reply = usage(f"/{pending.command}", locale)
    else:
        change = await ai.set_text(
            seller.id,
            field,
            pending.args,
            query.from_user.id,
            workspace_id=workspace.id if workspace is not None else None,
        )
        reply = _change_text(change, locale)
    if workspace is None:
        await message.edit_text(reply)
        return
    await say_where(message, reply, workspace=workspace, outbox=outbox)


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
    router.callback_query.register(ai_shop_picked, ShopCallback.filter(F.c.in_(AI_COMMANDS)))
    return router
