"""A seller's secret push URL in /sellers: shown to the shop's admins, rotatable.

The token is a credential (see ``bot.sync.push_tokens``), so it is shown only in the admin's
private chat, after the same role check as every other /sellers button.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.access import AccessControl, Role
from bot.admin.sellers import SellerAdmin
from bot.handlers.admin_callbacks import SellerAction
from bot.settings import Settings
from bot.sync.push import PUSH_PATH
from bot.sync.push_tokens import PushTokens
from bot.texts import Locale, text
from storage.errors import NotFound


class PushUrl(CallbackData, prefix="pu1"):
    action: str  # show, rotate
    seller_id: int


def push_button(seller_id: int, locale: Locale) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text("security.button.push_url", locale),
        callback_data=PushUrl(action="show", seller_id=seller_id).pack(),
    )


def _keyboard(seller_id: int, locale: Locale) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(
                text=text("security.button.rotate_push_url", locale),
                callback_data=PushUrl(action="rotate", seller_id=seller_id).pack())],
            [InlineKeyboardButton(
                text=text("button.back", locale),
                callback_data=SellerAction(action="open", seller_id=seller_id).pack())],
        ]
    )  # fmt: skip


async def on_push_url(
    query: CallbackQuery,
    callback_data: PushUrl,
    *,
    access: AccessControl,
    settings: Settings,
    locale: Locale,
    seller_admin: SellerAdmin,
    push_tokens: PushTokens,
) -> None:
    if not isinstance(query.message, Message) or query.message.chat.type != ChatType.PRIVATE:
        await query.answer(text("refused", locale), show_alert=True)
        return
    try:
        card = await seller_admin.card(callback_data.seller_id)
    except NotFound:
        await query.answer(text("sellers.gone", locale), show_alert=True)
        return
    role = await access.role(tg_user_id=query.from_user.id, workspace=card.workspace)
    if role < Role.ADMIN or card.seller.marketplace != "ozon":
        await query.answer(text("refused", locale), show_alert=True)
        return
    if callback_data.action == "rotate":
        token = await push_tokens.rotate(card.seller.id, actor_tg_user_id=query.from_user.id)
        await query.answer(text("security.push_url.rotated", locale), show_alert=True)
    elif callback_data.action == "show":
        token = await push_tokens.current(card.seller.id)
        await query.answer()
    else:
        await query.answer(text("wizard.outdated", locale), show_alert=True)
        return
    body = text(
        "security.push_url.text",
        locale,
        shop=card.seller.name,
        path=f"{PUSH_PATH}/{token.get_secret_value()}",
    )
    if settings.ozon_push_port is None:
        body += "\n\n" + text("security.push_url.disabled", locale)
    await query.message.edit_text(body, reply_markup=_keyboard(card.seller.id, locale))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_push_url, PushUrl.filter())
    return router
