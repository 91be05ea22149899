"""A seller's secret push URL in /sellers: shown to the shop's admins, rotatable, with the
subscription's health where the marketplace reports it (Ozon).

The token is a credential (see ``bot.sync.push_tokens``), so it is shown only in the admin's
private chat, after the same role check as every other /sellers button.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.access import AccessControl, Role
from bot.admin.callbacks import PushUrl, PushUrlOp, SellerAction, SellerOp
from bot.admin.push_registration import PushRegistration, Registration, health_text
from bot.admin.sellers import SellerAdmin
from bot.handlers.seller_forms import PUSHING
from bot.settings import Settings
from bot.sync.push import push_path
from bot.sync.push_tokens import PushTokens
from bot.texts import Locale, text
from storage.errors import NotFound


def _keyboard(seller_id: int, locale: Locale) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(
                text=text("security.button.rotate_push_url", locale),
                callback_data=PushUrl(action=PushUrlOp.ROTATE, seller_id=seller_id).pack())],
            [InlineKeyboardButton(
                text=text("button.back", locale),
                callback_data=SellerAction(action=SellerOp.OPEN, seller_id=seller_id).pack())],
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
    push_registration: PushRegistration | None = None,
) -> None:
    if not isinstance(query.message, Message) or query.message.chat.type != ChatType.PRIVATE:
        await query.answer(text("refused", locale), show_alert=True)
        return
    try:
        card = await seller_admin.card(callback_data.seller_id)
    except NotFound:
        await query.answer(text("sellers.gone", locale), show_alert=True)
        return
    seller = card.seller
    role = await access.role(tg_user_id=query.from_user.id, workspace=card.workspace)
    if role < Role.ADMIN or seller.marketplace not in PUSHING:
        await query.answer(text("refused", locale), show_alert=True)
        return
    ym = seller.marketplace == "ym"
    if callback_data.action is PushUrlOp.ROTATE:
        token = await push_tokens.rotate(seller.id, actor_tg_user_id=query.from_user.id)
        registered = push_registration is not None and not ym
        if registered and push_registration is not None:
            registered = await push_registration.register(seller) is Registration.REGISTERED
        rotated = "push.reregistered" if registered else (
            "push.ym_url.rotated" if ym else "security.push_url.rotated"
        )  # fmt: skip
        await query.answer(text(rotated, locale), show_alert=True)
    else:
        token = await push_tokens.current(seller.id)
        await query.answer()
    path = push_path(seller.marketplace, token.get_secret_value())
    if ym:
        body = text("push.ym_url.text", locale, shop=seller.name, path=path)
    else:
        body = text("security.push_url.text", locale, shop=seller.name, path=path)
    if settings.ozon_push_port is None:
        body += "\n\n" + text("security.push_url.disabled", locale)
    elif push_registration is not None and not ym:
        report = await push_registration.health(seller)
        if report is not None:
            body += "\n\n" + health_text(report, locale)
    await query.message.edit_text(body, reply_markup=_keyboard(seller.id, locale))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_push_url, PushUrl.filter())
    return router
