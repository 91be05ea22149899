"""Pieces both seller conversations share (the add-seller wizard and the key
replacement on a seller's card): keyboards, deleting a message that carries a key, and
the refusal. Not a router: the feature routers import it, never each other."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.access import AccessControl
from bot.admin.cabinets import Cabinet
from bot.admin.callbacks import (
    Cancelled,
    CancelWizard,
    KeepName,
    PickCabinet,
    PickMarketplace,
    PickWorkspace,
    PushUrl,
    PushUrlOp,
)
from bot.admin.onboarding import MARKETPLACES, display_name
from bot.admin.push_registration import Registration
from bot.texts import Locale, plain_text, text
from storage.records import Seller, Workspace

logger = logging.getLogger(__name__)


def cancel_row(what: Cancelled, locale: Locale) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            text=text("button.cancel", locale), callback_data=CancelWizard(what=what).pack()
        )
    ]


def cabinet_keyboard(cabinets: Sequence[Cabinet], locale: Locale) -> InlineKeyboardMarkup:
    """One button per cabinet a Yandex Market key reaches (at most 20), and Cancel."""
    rows = [[InlineKeyboardButton(text=f"{c.name[:50]} ({c.account_id})",
                                  callback_data=PickCabinet(account_id=c.account_id).pack())]
            for c in cabinets[:20]]  # fmt: skip
    return InlineKeyboardMarkup(inline_keyboard=[*rows, cancel_row(Cancelled.ADD, locale)])


def cancel_keyboard(locale: Locale, what: Cancelled = Cancelled.ADD) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[cancel_row(what, locale)])


def marketplace_keyboard(locale: Locale) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=display_name(m, locale),
                              callback_data=PickMarketplace(marketplace=m).pack())]
        for m in MARKETPLACES
    ]  # fmt: skip
    return InlineKeyboardMarkup(inline_keyboard=[*rows, cancel_row(Cancelled.ADD, locale)])


def workspace_keyboard(workspaces: list[Workspace], locale: Locale) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=w.title[:60] or str(w.tg_chat_id),
                              callback_data=PickWorkspace(workspace_id=w.id).pack())]
        for w in workspaces
    ]  # fmt: skip
    return InlineKeyboardMarkup(inline_keyboard=[*rows, cancel_row(Cancelled.ADD, locale)])


def name_keyboard(name: str, locale: Locale) -> InlineKeyboardMarkup:
    keep = InlineKeyboardButton(
        text=plain_text("button.keep_name", locale, name=name), callback_data=KeepName().pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[keep], cancel_row(Cancelled.ADD, locale)])


async def forget_message(bot: Bot, message: Message) -> bool:
    """Delete a message that carries a key; False if Telegram would not."""
    try:
        await bot.delete_message(chat_id=message.chat.id, message_id=message.message_id)
    except TelegramAPIError as exc:
        logger.warning("chat=%d: could not delete a key message (%s)", message.chat.id,
                       type(exc).__name__)  # fmt: skip
        return False
    return True


async def refuse_or_explain(bot: Bot, chat_id: int, access: AccessControl, user_id: int,
                            locale: Locale) -> None:  # fmt: skip
    key = "add.no_groups" if access.is_owner(user_id) else "refused"
    await bot.send_message(chat_id=chat_id, text=text(key, locale))


#: Marketplaces that push to a per-seller secret URL.
PUSHING = frozenset({"ozon", "ym"})


def push_button(seller_id: int, locale: Locale) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text("security.button.push_url", locale),
        callback_data=PushUrl(action=PushUrlOp.SHOW, seller_id=seller_id).pack(),
    )


async def tell_push_registration(
    bot: Bot, chat_id: int, locale: Locale, seller: Seller, outcome: Registration
) -> None:
    """After adding a shop: say push is on, or hand over the URL to paste by hand."""
    if outcome is Registration.REGISTERED:
        await bot.send_message(chat_id, text("push.registered", locale, shop=seller.name))
    elif outcome is Registration.REFUSED:
        await bot.send_message(
            chat_id,
            text("push.refused", locale, shop=seller.name),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[push_button(seller.id, locale)]]),
        )
