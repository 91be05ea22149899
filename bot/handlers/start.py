"""/start and /help: what the bot does and how to begin, in every scope."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.admin.binding import GroupBinding
from bot.outbox.queue import Outbox
from bot.texts import Locale, text

PRIVATE = F.chat.type == ChatType.PRIVATE
GROUPS = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})


def with_hint(key: str, locale: Locale) -> str:
    """The answer plus the one line saying where a topic's messages go."""
    return text(key, locale) + "\n\n" + text("security.hint.to_buyer", locale)


async def start(message: Message, locale: Locale) -> None:
    await message.answer(with_hint("start", locale))


async def help_(message: Message, locale: Locale) -> None:
    await message.answer(with_hint("help", locale))


async def help_in_group(message: Message, binding: GroupBinding, outbox: Outbox) -> None:
    """In a group the answer goes through the queue (the group's budget is shared)."""
    workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
    if workspace is None or workspace.state == "detached":
        return  # a group we are not set up in: the greeting on joining said what to do
    await outbox.notice(
        workspace_id=workspace.id,
        text=with_hint("help.group", workspace.locale),
        key=f"help:{message.chat.id}:{message.message_id}",
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
    )


def build_router() -> Router:
    """A fresh router per dispatcher: a router can be attached to one parent only."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart(), PRIVATE)
    router.message.register(help_, Command("help"), PRIVATE)
    router.message.register(help_in_group, Command("help", "start"), GROUPS)
    return router
