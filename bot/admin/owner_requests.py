"""How the bot's owners are asked about a group: the request's text and its approve/reject
buttons (sent in private by :class:`OwnerRequests`, listed again in an owner's /groups)."""

from __future__ import annotations

import logging
from collections.abc import Collection

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.admin.callbacks import GroupAccess
from bot.texts import Locale, text
from storage.records import GroupRequest

logger = logging.getLogger(__name__)


def request_text(request: GroupRequest, person: str, locale: Locale) -> str:
    return text(
        "security.request.text",
        locale,
        person=person or str(request.requested_by_tg_user_id),
        group=request.title,
        chat_id=request.tg_chat_id,
    )


def request_keyboard(request_id: int, locale: Locale) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[
            InlineKeyboardButton(text=text("security.button.approve", locale),
                                 callback_data=GroupAccess(request_id=request_id,
                                                           approve=1).pack()),
            InlineKeyboardButton(text=text("security.button.reject", locale),
                                 callback_data=GroupAccess(request_id=request_id,
                                                           approve=0).pack()),
        ]]
    )  # fmt: skip


class OwnerRequests:
    """Sends a new group request to every owner in private (direct: a private chat is
    outside any group's budget)."""

    def __init__(self, *, bot: Bot, owner_ids: Collection[int], locale: Locale) -> None:
        self._bot = bot
        self._owners = sorted(owner_ids)
        self._locale = locale

    async def send(self, request: GroupRequest, requester_name: str) -> int:
        """How many owners the request reached (an owner who never opened a chat with the
        bot cannot be written to first)."""
        reached = 0
        for owner in self._owners:
            try:
                await self._bot.send_message(
                    chat_id=owner,
                    text=request_text(request, requester_name, self._locale),
                    reply_markup=request_keyboard(request.id, self._locale),
                )
            except TelegramAPIError as exc:
                logger.info("group request=%d: owner not reachable (%s)", request.id,
                            type(exc).__name__)  # fmt: skip
                continue
            reached += 1
        return reached
