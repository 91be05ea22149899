"""How an owner is asked about a group's /setup: the request's text and its
approve/reject buttons (used by /setup and by the owner's /groups list; not a router)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.admin.callbacks import GroupAccess
from bot.texts import Locale, text
from storage.records import GroupRequest


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
