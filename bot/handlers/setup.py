"""/setup in a group: check it can be a workspace, bind it, and say what is missing."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import Chat, Message, User

from bot.access import AccessControl, Role
from bot.admin.binding import GroupBinding
from bot.admin.setup import SetupReport, assess, facts_for, report_text
from bot.handlers.group_requests import request_keyboard, request_text
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import Locale, text
from storage.records import Workspace

logger = logging.getLogger(__name__)

GROUP_TYPES = {ChatType.GROUP, ChatType.SUPERGROUP}


async def check_group(bot: Bot, chat: Chat) -> SetupReport | None:
    """Ask Telegram for the bot's own membership; None if Telegram cannot tell now."""
    try:
        member = await bot.get_chat_member(chat_id=chat.id, user_id=bot.id)
    except TelegramAPIError as exc:
        logger.info("chat=%d: bot membership lookup failed (%s)", chat.id, type(exc).__name__)
        return None
    return assess(facts_for(chat, member))


async def on_setup_private(message: Message, locale: Locale) -> None:
    await message.answer(text("setup.in_private", locale))


async def on_setup(
    message: Message,
    *,
    bot: Bot,
    access: AccessControl,
    settings: Settings,
    outbox: Outbox,
    binding: GroupBinding,
) -> None:
    """Owners bind at once; a group admin's /setup asks the owners (see bot.admin.binding)."""
    chat, user = message.chat, message.from_user
    if user is None or message.sender_chat is not None:
        return  # an anonymous admin cannot be checked: ignored like any stranger
    role = await access.chat_role(tg_user_id=user.id, tg_chat_id=chat.id)
    if role < Role.ADMIN:
        logger.info("chat=%d: /setup by a non-admin ignored", chat.id)
        return
    if not settings.admin_ids:
        pending = await binding.remember(
            tg_chat_id=chat.id, title=chat.title or "", locale=settings.locale
        )
        await outbox.notice(
            workspace_id=pending.id,
            text=text("security.setup.no_owners", pending.locale),
            key=f"setup:{chat.id}:{message.message_id}",
            thread_id=message.message_thread_id if message.is_topic_message else None,
            reply_to=message.message_id,
        )
        return
    report = await check_group(bot, chat)
    if report is None:
        return
    existing = await binding.workspace_of(tg_chat_id=chat.id)
    title = chat.title or ""
    if (
        report.ready
        and role is not Role.OWNER
        and (existing is None or existing.state != "active")
    ):
        workspace, body = await ask_owners(
            bot, binding, settings, chat_id=chat.id, title=title, requester=user
        )
    elif report.ready:
        workspace = await binding.bind(
            tg_chat_id=chat.id, title=title, bound_by=user.id, locale=settings.locale
        )
        body = report_text(report, workspace.locale, bound=True)
        body = text("setup.bound", workspace.locale, group=title) + "\n" + body
    else:
        if existing is not None and existing.state == "active":
            workspace = existing  # keeps working where it can; the report says what to fix
        else:
            workspace = await binding.remember(
                tg_chat_id=chat.id, title=title, locale=settings.locale
            )
        body = report_text(report, workspace.locale, bound=workspace.state == "active")
    await outbox.notice(
        workspace_id=workspace.id,
        text=body,
        key=f"setup:{chat.id}:{message.message_id}",
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
    )


async def ask_owners(
    bot: Bot, binding: GroupBinding, settings: Settings, *, chat_id: int, title: str,
    requester: User,
) -> tuple[Workspace, str]:  # fmt: skip
    """Open the group's one request and, if it is new, send it to every owner in private."""
    asked = await binding.ask(
        tg_chat_id=chat_id, title=title, requester=requester.id, locale=settings.locale
    )
    locale = asked.workspace.locale
    if not asked.created:
        return asked.workspace, text("security.setup.already_asked", locale)
    reached = 0
    for owner in sorted(settings.admin_ids):
        try:
            await bot.send_message(
                chat_id=owner,
                text=request_text(asked.request, requester.full_name, settings.locale),
                reply_markup=request_keyboard(asked.request.id, settings.locale),
            )
        except TelegramAPIError as exc:  # e.g. the owner never opened a chat with the bot
            logger.info("group request=%d: owner not reachable (%s)", asked.request.id,
                        type(exc).__name__)  # fmt: skip
            continue
        reached += 1
    key = "security.setup.asked" if reached else "security.setup.owners_unreachable"
    return asked.workspace, text(key, locale)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_setup_private, Command("setup"), F.chat.type == ChatType.PRIVATE)
    router.message.register(on_setup, Command("setup"), F.chat.type.in_(GROUP_TYPES))
    return router
