"""Delivering /queue answers in a group: the list with its filter buttons, and the edit a
pressed filter makes of it. Both are agent feedback under the group's budget (the person
is looking at the list), posted by the Telegram queue like every group message."""

from __future__ import annotations

from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import LinkPreviewOptions

from bot.outbox.kinds import SlaQueue, decode
from bot.outbox.worker import OutboxWorker
from bot.sla.reply import markup
from storage.records import TgOutboxItem, Workspace

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class QueuePosts:
    def __init__(self, delivery: OutboxWorker) -> None:
        self._delivery = delivery

    async def deliver(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        post = decode(item, SlaQueue)
        bot = self._delivery.bot
        await self._delivery.spend(workspace)
        if post.edit_message_id is not None:
            # "message is not modified" (the same filter pressed twice) is recorded as
            # unchanged by the worker.
            try:
                await bot.edit_message_text(
                    chat_id=workspace.tg_chat_id,
                    message_id=post.edit_message_id,
                    text=post.text,
                    reply_markup=markup(post.buttons),
                    link_preview_options=_NO_PREVIEW,
                )
            except TelegramBadRequest as exc:
                if "not found" not in exc.message.lower():
                    raise
                return {"skipped": "list deleted"}  # someone deleted it meanwhile
            return {"edited": post.edit_message_id}
        kwargs: dict[str, Any] = {}
        if post.reply_to:
            kwargs["reply_parameters"] = {
                "message_id": post.reply_to,
                "allow_sending_without_reply": True,
            }
        sent = await bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=post.thread_id,
            text=post.text,
            reply_markup=markup(post.buttons),
            link_preview_options=_NO_PREVIEW,
            **kwargs,
        )
        return {"parts": [sent.message_id]}
