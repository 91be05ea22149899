"""/setup in a group: check it can be a workspace, bind it, and say what is missing."""

from __future__ import annotations

import html
import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import Chat, ChatMemberAdministrator, ChatMemberUnion, Message

from bot.access import AccessControl, Role
from bot.admin.notify import post_in_group
from bot.admin.setup import GroupFacts, SetupReport, assess, report_text
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import text
from storage.database import Database

logger = logging.getLogger(__name__)

GROUP_TYPES = {ChatType.GROUP, ChatType.SUPERGROUP}


def member_rights(member: ChatMemberUnion) -> dict[str, bool]:
    if isinstance(member, ChatMemberAdministrator):
        return {
            "can_manage_topics": bool(member.can_manage_topics),
            "can_delete_messages": bool(member.can_delete_messages),
            "can_pin_messages": bool(member.can_pin_messages),
        }
    return {}


def facts_for(chat: Chat, member: ChatMemberUnion) -> GroupFacts:
    return GroupFacts(
        chat_type=str(chat.type),
        is_forum=bool(chat.is_forum),
        bot_status=str(member.status),
        bot_rights=member_rights(member),
    )


async def check_group(bot: Bot, chat: Chat) -> SetupReport | None:
    """Ask Telegram for the bot's own membership; None if Telegram cannot tell now."""
    try:
        member = await bot.get_chat_member(chat_id=chat.id, user_id=bot.id)
    except TelegramAPIError as exc:
        logger.info("chat=%d: bot membership lookup failed (%s)", chat.id, type(exc).__name__)
        return None
    return assess(facts_for(chat, member))


async def on_setup_private(message: Message, settings: Settings) -> None:
    await message.answer(text("setup.in_private", settings.locale))


async def on_setup(
    message: Message,
    *,
    bot: Bot,
    db: Database,
    access: AccessControl,
    settings: Settings,
    outbox: Outbox,
) -> None:
    chat, user = message.chat, message.from_user
    if user is None or message.sender_chat is not None:
        return  # an anonymous admin cannot be checked: ignored like any stranger
    role = await access.chat_role(tg_user_id=user.id, tg_chat_id=chat.id)
    if role < Role.ADMIN:
        logger.info("chat=%d: /setup by a non-admin ignored", chat.id)
        return
    report = await check_group(bot, chat)
    if report is None:
        return
    existing = await db.workspaces.find_by_chat(tg_chat_id=chat.id)
    title = chat.title or ""
    if report.ready:
        workspace = await db.workspaces.bind(
            tg_chat_id=chat.id, title=title, bound_by_tg_user_id=user.id, locale=settings.locale
        )
        if existing is None or existing.state != "active":
            await db.audit.record(
                actor_tg_user_id=user.id,
                action="workspace.bind",
                workspace_id=workspace.id,
                details={"title": title, "tg_chat_id": chat.id},
            )
            logger.info("workspace=%d bound to chat=%d", workspace.id, chat.id)
        body = report_text(report, workspace.locale, bound=True)
        body = text("setup.bound", workspace.locale, group=html.escape(title)) + "\n" + body
    else:
        if existing is not None and existing.state == "active":
            workspace = existing  # keeps working where it can; the report says what to fix
        else:
            workspace = await db.workspaces.register_pending(
                tg_chat_id=chat.id, title=title, locale=settings.locale
            )
        body = report_text(report, workspace.locale, bound=workspace.state == "active")
    await post_in_group(
        db,
        workspace=workspace,
        html_text=body,
        key=f"setup:{chat.id}:{message.message_id}",
        kick=outbox.kick,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_setup_private, Command("setup"), F.chat.type == ChatType.PRIVATE)
    router.message.register(on_setup, Command("setup"), F.chat.type.in_(GROUP_TYPES))
    return router
