"""Answering an admin command where it was typed: at once in private, through the durable
outbox in a group (a group's sends share its budget, so they never go direct)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, Message

from bot.outbox.queue import PRIORITY_NOTICE, Outbox
from storage.records import Workspace


async def say_where(
    message: Message,
    body: str,
    *,
    workspace: Workspace | None,
    outbox: Outbox,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Answer where ``message`` is: at once in private, through the outbox in a group
    (as a reply to it, once per message)."""
    if workspace is None:
        await message.answer(body, reply_markup=keyboard)
        return
    await outbox.notice(
        workspace_id=workspace.id,
        text=body,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
        key=f"cmd:{message.chat.id}:{message.message_id}",
        priority=PRIORITY_NOTICE,
        keyboard=keyboard,
    )
