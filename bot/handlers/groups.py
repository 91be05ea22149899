"""Owners decide which groups the bot serves: approve or reject a group admin's /setup,
list the bound groups (/groups, in private) and unbind one.

Button data carries ids only; every press is checked here against ``ADMIN_IDS`` and the
request's current state, so a forged, replayed or foreign press changes nothing.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.access import AccessControl
from bot.admin.binding import GroupBinding
from bot.admin.callbacks import GroupAccess, UnbindGroup
from bot.admin.owner_requests import request_keyboard
from bot.admin.setup_replies import connected_reply
from bot.outbox.queue import Outbox
from bot.texts import Locale, plain_text, text

logger = logging.getLogger(__name__)


async def groups_view(
    binding: GroupBinding, locale: Locale
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The owner's list: bound groups (each with Unbind) and requests waiting."""
    bound = await binding.bound()
    lines = [text("security.groups.title", locale)]
    rows: list[list[InlineKeyboardButton]] = []
    if not bound:
        lines.append(text("security.groups.none", locale))
    for group in bound:
        title = group.workspace.title or str(group.workspace.tg_chat_id)
        lines.append(text("security.groups.line", locale, group=title,
                          chat_id=group.workspace.tg_chat_id, shops=group.shops))  # fmt: skip
        rows.append([InlineKeyboardButton(
            text=plain_text("security.button.unbind", locale, group=title[:40]),
            callback_data=UnbindGroup(workspace_id=group.workspace.id).pack(),
        )])  # fmt: skip
    pending = await binding.pending()
    if pending:
        lines += ["", text("security.groups.pending_title", locale)]
    for request in pending:
        lines.append(text("security.groups.pending_line", locale,
                          group=request.title, chat_id=request.tg_chat_id,
                          person=request.requested_by_tg_user_id))  # fmt: skip
        rows.extend(request_keyboard(request.id, locale).inline_keyboard)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def on_groups(
    message: Message, access: AccessControl, binding: GroupBinding, locale: Locale
) -> None:
    user = message.from_user
    if user is None or not access.is_owner(user.id):
        await message.answer(text("security.owners_only", locale))
        return
    body, keyboard = await groups_view(binding, locale)
    await message.answer(body, reply_markup=keyboard)


async def on_group_access(
    query: CallbackQuery,
    callback_data: GroupAccess,
    *,
    bot: Bot,
    access: AccessControl,
    binding: GroupBinding,
    locale: Locale,
    outbox: Outbox,
) -> None:
    if not access.is_owner(query.from_user.id) or query.message is None:
        await query.answer(text("security.owners_only", locale), show_alert=True)
        return
    if query.message.chat.type != ChatType.PRIVATE:
        await query.answer(text("security.owners_only", locale), show_alert=True)
        return
    decided = await binding.decide(
        request_id=callback_data.request_id,
        owner=query.from_user.id,
        approve=bool(callback_data.approve),
    )
    if decided is None:
        await query.answer(text("security.request.already_decided", locale), show_alert=True)
        return
    group = decided.request.title
    approved = decided.request.state == "approved"
    await query.answer()
    await _edit(query, text("security.request.approved" if approved else
                            "security.request.rejected", locale, group=group))  # fmt: skip
    wl = decided.workspace.locale
    body, keyboard = text("security.request.group_rejected", wl), None
    if approved:  # the group's next step: a shop, through the deep link to the wizard
        body, keyboard = connected_reply(group, wl, (await bot.me()).username or "")
    await outbox.notice(
        workspace_id=decided.workspace.id,
        text=body,
        key=f"group_request:{decided.request.id}:{decided.request.state}",
        keyboard=keyboard,
    )


async def on_unbind(
    query: CallbackQuery,
    callback_data: UnbindGroup,
    *,
    access: AccessControl,
    binding: GroupBinding,
    locale: Locale,
    outbox: Outbox,
) -> None:
    if not access.is_owner(query.from_user.id):
        await query.answer(text("security.owners_only", locale), show_alert=True)
        return
    unbound = await binding.unbind(workspace_id=callback_data.workspace_id,
                                   owner=query.from_user.id)  # fmt: skip
    if unbound is None:
        await query.answer(text("security.groups.already_unbound", locale), show_alert=True)
        return
    await query.answer()
    await outbox.notice(
        workspace_id=unbound.id,
        text=text("security.group.unbound_notice", unbound.locale),
        key=f"unbind:{unbound.id}:{query.id}",
    )
    body, keyboard = await groups_view(binding, locale)
    body = text("security.groups.unbound", locale, group=unbound.title) + ("\n\n" + body)
    await _edit(query, body, keyboard)


async def _edit(
    query: CallbackQuery, body: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(body, reply_markup=keyboard)
    except TelegramBadRequest as exc:  # unchanged, or deleted meanwhile
        logger.info("groups message edit failed (%s)", exc.message)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_groups, Command("groups"), F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(on_group_access, GroupAccess.filter())
    router.callback_query.register(on_unbind, UnbindGroup.filter())
    return router
