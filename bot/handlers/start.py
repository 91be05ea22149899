"""/start and /help: what the bot does and how to begin, with buttons for each first step
(add the bot to a group with the rights it needs, connect a shop, help), in every scope.

``/start add_seller`` (the deep link a group gets once connected) and «🏪 Подключить
магазин» open the add-seller wizard in private; /help lists only what the person may use.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.access import AccessControl, Role
from bot.admin.binding import GroupBinding
from bot.admin.deep_links import ADD_SELLER, add_to_group_link
from bot.admin.help_catalog import Where, render_help
from bot.admin.setup_callbacks import OpenAddSeller, ShowHelp
from bot.handlers.add_seller.flow import start_wizard
from bot.handlers.seller_forms import refuse_or_explain
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import Locale, plain_text, text

PRIVATE = F.chat.type == ChatType.PRIVATE
GROUPS = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})


def with_hint(body: str, locale: Locale) -> str:
    """The answer plus the one line saying where a topic's messages go."""
    return body + "\n\n" + text("security.hint.to_buyer", locale)


async def start_keyboard(bot: Bot, locale: Locale) -> InlineKeyboardMarkup:
    username = (await bot.me()).username or ""
    rows = [
        [InlineKeyboardButton(text=plain_text("onboarding.button.add_to_group", locale),
                              url=add_to_group_link(username))],
        [InlineKeyboardButton(text=plain_text("onboarding.button.add_seller", locale),
                              callback_data=OpenAddSeller().pack())],
        [InlineKeyboardButton(text=plain_text("onboarding.button.help", locale),
                              callback_data=ShowHelp().pack())],
    ]  # fmt: skip
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def start(message: Message, bot: Bot, locale: Locale) -> None:
    await message.answer(
        with_hint(text("start", locale), locale), reply_markup=await start_keyboard(bot, locale)
    )


async def open_wizard(
    bot: Bot, *, chat_id: int, user_id: int, state: FSMContext, access: AccessControl,
    locale: Locale,
) -> None:  # fmt: skip
    """The add-seller wizard for an admin of some active group; anyone else hears why not."""
    if not await access.administered_workspaces(user_id):
        await state.clear()
        await refuse_or_explain(bot, chat_id, access, user_id, locale)
        return
    await start_wizard(bot, chat_id, state, locale)


async def start_add_seller(
    message: Message, bot: Bot, state: FSMContext, access: AccessControl, locale: Locale
) -> None:
    """``/start add_seller``: the group's «🏪 Подключить магазин» link."""
    if message.from_user is None:
        return
    await open_wizard(bot, chat_id=message.chat.id, user_id=message.from_user.id, state=state,
                      access=access, locale=locale)  # fmt: skip


async def on_open_add_seller(
    query: CallbackQuery, bot: Bot, state: FSMContext, access: AccessControl, locale: Locale
) -> None:
    await query.answer()
    await open_wizard(bot, chat_id=query.from_user.id, user_id=query.from_user.id, state=state,
                      access=access, locale=locale)  # fmt: skip


async def private_role(access: AccessControl, tg_user_id: int) -> Role:
    """In private no group is in view: an owner, an admin of some active group, or else
    (at most) an agent, who uses the agents' commands in the group."""
    if access.is_owner(tg_user_id):
        return Role.OWNER
    if await access.administered_workspaces(tg_user_id):
        return Role.ADMIN
    return Role.AGENT


async def help_(message: Message, access: AccessControl, locale: Locale) -> None:
    role = await private_role(access, message.from_user.id) if message.from_user else Role.NONE
    await message.answer(with_hint(render_help(role, Where.ANYWHERE, locale), locale))


async def on_show_help(
    query: CallbackQuery, bot: Bot, access: AccessControl, locale: Locale
) -> None:
    await query.answer()
    role = await private_role(access, query.from_user.id)
    await bot.send_message(
        chat_id=query.from_user.id,
        text=with_hint(render_help(role, Where.ANYWHERE, locale), locale),
    )


async def help_in_group(
    message: Message,
    command: CommandObject,
    *,
    access: AccessControl,
    binding: GroupBinding,
    outbox: Outbox,
    settings: Settings,
) -> None:
    """In a group the answer goes through the queue (the group's budget is shared)."""
    chat, user = message.chat, message.from_user
    if command.command == "start" and command.args:
        return  # the bot added from /start's button: joining answered already
    workspace = await binding.workspace_of(tg_chat_id=chat.id)
    if workspace is None:
        workspace = await binding.remember(tg_chat_id=chat.id, title=chat.title or "",
                                           locale=settings.locale)  # fmt: skip
    locale = workspace.locale
    if workspace.state == "active":
        role = Role.NONE
        if user is not None and message.sender_chat is None:
            role = await access.role(
                tg_user_id=user.id, workspace=workspace, display_name=user.full_name,
                username=user.username,
            )  # fmt: skip
        body = with_hint(render_help(max(role, Role.AGENT), Where.GROUP, locale), locale)
    else:
        body = text("help.not_connected", locale)
    await outbox.notice(
        workspace_id=workspace.id,
        text=body,
        key=f"help:{chat.id}:{message.message_id}",
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
    )


def build_router() -> Router:
    """A fresh router per dispatcher: a router can be attached to one parent only."""
    router = Router(name=__name__)
    router.message.register(
        start_add_seller, CommandStart(deep_link=True, magic=F.args == ADD_SELLER), PRIVATE
    )
    router.message.register(start, CommandStart(), PRIVATE)
    router.message.register(help_, Command("help"), PRIVATE)
    router.message.register(help_in_group, Command("help", "start"), GROUPS)
    router.callback_query.register(on_open_add_seller, OpenAddSeller.filter())
    router.callback_query.register(on_show_help, ShowHelp.filter())
    return router
