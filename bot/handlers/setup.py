"""/setup in a group and «🔄 Проверить снова» under its report: look at the group, connect
it if it can be (bot.admin.connecting), say what is missing otherwise. Every sender gets
an answer: an agent is told only admins connect, an anonymous admin to show themselves."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.access import AccessControl, Role
from bot.admin.binding import GroupBinding
from bot.admin.connecting import Actor, Connection, GroupConnecting, Outcome
from bot.admin.deep_links import add_to_group_link
from bot.admin.setup import NOT_ADMIN, NOT_FORUM, REQUIRED_RIGHTS, SetupReport, assess, facts_for
from bot.admin.setup_callbacks import RecheckGroup
from bot.admin.setup_replies import connection_reply, recheck_keyboard
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import Locale, plain_text, text
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


async def bot_username(bot: Bot) -> str:
    """For deep links (getMe is asked once per Bot and kept by aiogram)."""
    return (await bot.me()).username or ""


async def reply_for(
    bot: Bot, connection: Connection
) -> tuple[str, list[list[dict[str, str]]] | None]:
    connected = connection.outcome in (Outcome.BOUND, Outcome.ACTIVE)
    username = await bot_username(bot) if connected else ""
    return connection_reply(connection, connection.workspace.locale, bot_username=username)


async def on_setup_private(message: Message, bot: Bot, locale: Locale) -> None:
    """Groups are connected from inside: the button opens Telegram's group picker."""
    link = add_to_group_link(await bot_username(bot))
    button = InlineKeyboardButton(text=plain_text("onboarding.button.add_to_group", locale),
                                  url=link)  # fmt: skip
    await message.answer(
        text("setup.in_private", locale),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
    )


async def on_setup(
    message: Message,
    *,
    bot: Bot,
    access: AccessControl,
    settings: Settings,
    outbox: Outbox,
    binding: GroupBinding,
    connecting: GroupConnecting,
) -> None:
    """Owners bind at once; a group admin's /setup asks the owners (see bot.admin.binding)."""
    chat, user = message.chat, message.from_user

    async def tell(workspace: Workspace, body: str,
                   keyboard: list[list[dict[str, str]]] | None = None) -> None:  # fmt: skip
        await outbox.notice(
            workspace_id=workspace.id,
            text=body,
            key=f"setup:{chat.id}:{message.message_id}",
            thread_id=message.message_thread_id if message.is_topic_message else None,
            reply_to=message.message_id,
            keyboard=keyboard,
        )

    async def here() -> Workspace:
        found = await binding.workspace_of(tg_chat_id=chat.id)
        if found is not None:
            return found
        return await binding.remember(tg_chat_id=chat.id, title=chat.title or "",
                                      locale=settings.locale)  # fmt: skip

    if user is None or message.sender_chat is not None:
        # Written as the group itself: Telegram hides who it is, so no role can be checked.
        workspace = await here()
        await tell(workspace, text("onboarding.setup.anonymous", workspace.locale))
        return
    role = await access.chat_role(tg_user_id=user.id, tg_chat_id=chat.id)
    if role < Role.ADMIN:
        logger.info("chat=%d: /setup by a non-admin refused", chat.id)
        workspace = await here()
        await tell(workspace, text("onboarding.setup.admins_only", workspace.locale))
        return
    if not settings.admin_ids:
        workspace = await here()
        await tell(workspace, text("security.setup.no_owners", workspace.locale))
        return
    report = await check_group(bot, chat)
    if report is None:
        workspace = await here()
        await tell(workspace, text("onboarding.setup.check_failed", workspace.locale),
                   recheck_keyboard(workspace.locale))  # fmt: skip
        return
    connection = await connecting.connect(
        tg_chat_id=chat.id, title=chat.title or "", report=report,
        actor=Actor(user.id, user.full_name, role),
    )  # fmt: skip
    body, keyboard = await reply_for(bot, connection)
    await tell(connection.workspace, body, keyboard)


def still_missing(report: SetupReport, locale: Locale) -> str:
    """The short list for a callback's alert (Telegram shows at most 200 characters)."""
    parts = []
    if NOT_FORUM in report.problems:
        parts.append(plain_text("onboarding.recheck.not_forum", locale))
    if NOT_ADMIN in report.problems:
        parts.append(plain_text("onboarding.recheck.not_admin", locale))
    else:
        rights = [plain_text(f"setup.right.{p}", locale) for p in report.problems
                  if p in REQUIRED_RIGHTS]  # fmt: skip
        if rights:
            parts.append(plain_text("onboarding.recheck.rights", locale, rights=", ".join(rights)))
    return plain_text("onboarding.recheck.still_missing", locale, what="; ".join(parts))


async def on_recheck(
    query: CallbackQuery,
    *,
    bot: Bot,
    access: AccessControl,
    outbox: Outbox,
    connecting: GroupConnecting,
    locale: Locale,
) -> None:
    """«🔄 Проверить снова»: the same look as /setup, by whoever pressed; the group hears
    only of a change (bound, asked), the presser gets the rest as the button's answer."""
    message = query.message
    if message is None or message.chat.type not in GROUP_TYPES:
        await query.answer(plain_text("onboarding.recheck.gone", locale), show_alert=True)
        return
    chat, person = message.chat, query.from_user
    role = await access.chat_role(tg_user_id=person.id, tg_chat_id=chat.id)
    if role < Role.ADMIN:
        await query.answer(plain_text("onboarding.recheck.admins_only", locale), show_alert=True)
        return
    report = await check_group(bot, chat)
    if report is None:
        await query.answer(plain_text("onboarding.recheck.check_failed", locale), show_alert=True)
        return
    if not report.ready:
        await query.answer(still_missing(report, locale), show_alert=True)
        return
    connection = await connecting.connect(
        tg_chat_id=chat.id, title=chat.title or "", report=report,
        actor=Actor(person.id, person.full_name, role),
    )  # fmt: skip
    if connection.outcome is Outcome.ACTIVE:
        await query.answer(plain_text("onboarding.recheck.connected", locale), show_alert=True)
        return
    if connection.outcome is Outcome.ALREADY_ASKED:
        await query.answer(plain_text("security.setup.already_asked", locale), show_alert=True)
        return
    await query.answer()
    body, keyboard = await reply_for(bot, connection)
    topic = message if isinstance(message, Message) and message.is_topic_message else None
    await outbox.notice(
        workspace_id=connection.workspace.id,
        text=body,
        key=f"recheck:{chat.id}:{query.id}",
        thread_id=topic.message_thread_id if topic is not None else None,
        keyboard=keyboard,
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_setup_private, Command("setup"), F.chat.type == ChatType.PRIVATE)
    router.message.register(on_setup, Command("setup"), F.chat.type.in_(GROUP_TYPES))
    router.callback_query.register(on_recheck, RecheckGroup.filter())
    return router
