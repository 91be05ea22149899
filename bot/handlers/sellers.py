"""/sellers: each seller's state with buttons to pause, resume, replace the key, remove.

Everything happens in the admin's private chat. Every button press looks the seller up
and checks the presser's role in the seller's workspace; the button data proves nothing.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from pydantic import SecretStr

from bot.access import AccessControl, Role
from bot.admin.binding import GroupBinding
from bot.admin.callbacks import Cancelled, SellerAction, SellerOp
from bot.admin.onboarding import KeyCheck, key_check_text, looks_like_key
from bot.admin.sellers import SellerAdmin, SellerCard, card_text, list_text, remove_warning
from bot.handlers.seller_forms import (
    PUSHING,
    cancel_keyboard,
    forget_message,
    push_button,
    refuse_or_explain,
)
from bot.outbox.queue import Outbox
from bot.texts import Locale, text
from storage.errors import NotFound

logger = logging.getLogger(__name__)

PRIVATE = F.chat.type == ChatType.PRIVATE


class ReplaceKey(StatesGroup):
    api_key = State()


def _button(label: str, action: SellerOp, seller_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=label, callback_data=SellerAction(action=action, seller_id=seller_id).pack()
    )


def list_keyboard(cards: list[SellerCard], locale: Locale) -> InlineKeyboardMarkup | None:
    if not cards:
        return None
    rows = [[_button(f"⚙️ {c.seller.name[:40]}", SellerOp.OPEN, c.seller.id)] for c in cards]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def card_keyboard(card: SellerCard, locale: Locale) -> InlineKeyboardMarkup:
    seller_id = card.seller.id
    toggle = (
        _button(text("button.resume", locale), SellerOp.RESUME, seller_id)
        if card.seller.state == "paused"
        else _button(text("button.pause", locale), SellerOp.PAUSE, seller_id)
    )
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [toggle, _button(text("button.replace_key", locale), SellerOp.KEY, seller_id)],
            [_button(text("button.remove", locale), SellerOp.REMOVE, seller_id)],
            *([[push_button(seller_id, locale)]] if card.seller.marketplace in PUSHING else []),
            [_button(text("button.all_sellers", locale), SellerOp.LIST, seller_id)],
        ]
    )


def confirm_keyboard(seller_id: int, locale: Locale) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(text("button.remove_confirm", locale), SellerOp.REMOVE_CONFIRMED, seller_id)],
            [_button(text("button.back", locale), SellerOp.OPEN, seller_id)],
        ]
    )


async def send_list(
    bot: Bot,
    *,
    chat_id: int,
    user_id: int,
    access: AccessControl,
    seller_admin: SellerAdmin,
    locale: Locale,
) -> None:
    workspaces = await access.administered_workspaces(user_id)
    if not workspaces:
        await refuse_or_explain(bot, chat_id, access, user_id, locale)
        return
    cards = await seller_admin.cards(workspaces)
    await bot.send_message(
        chat_id=chat_id, text=list_text(cards, locale), reply_markup=list_keyboard(cards, locale)
    )


async def on_sellers_private(
    message: Message,
    *,
    bot: Bot,
    access: AccessControl,
    locale: Locale,
    seller_admin: SellerAdmin,
) -> None:
    if message.from_user is None:
        return
    await send_list(bot, chat_id=message.chat.id, user_id=message.from_user.id, access=access,
                    seller_admin=seller_admin, locale=locale)  # fmt: skip


async def on_sellers_group(
    message: Message,
    *,
    bot: Bot,
    binding: GroupBinding,
    access: AccessControl,
    locale: Locale,
    seller_admin: SellerAdmin,
    outbox: Outbox,
) -> None:
    """The list holds nothing for agents' eyes: it goes to the admin's private chat."""
    user = message.from_user
    workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
    if user is None or workspace is None or workspace.state != "active":
        return
    if await access.role(tg_user_id=user.id, workspace=workspace) < Role.ADMIN:
        return  # agents and strangers: ignored in groups
    try:
        await send_list(bot, chat_id=user.id, user_id=user.id, access=access,
                        seller_admin=seller_admin, locale=locale)  # fmt: skip
        key = "sellers.group.sent_private"
    except TelegramForbiddenError:
        key = "add.group.open_private"
    await outbox.notice(
        workspace_id=workspace.id,
        text=text(key, workspace.locale),
        key=f"sellers:{message.chat.id}:{message.message_id}",
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
    )


async def _show(query: CallbackQuery, body: str, markup: InlineKeyboardMarkup | None) -> None:
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(body, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def on_seller_action(
    query: CallbackQuery,
    *,
    callback_data: SellerAction,
    access: AccessControl,
    locale: Locale,
    seller_admin: SellerAdmin,
    state: FSMContext,
) -> None:
    user = query.from_user
    if not isinstance(query.message, Message) or query.message.chat.type != ChatType.PRIVATE:
        await query.answer(text("refused", locale), show_alert=True)
        return  # seller cards live in private chats only
    try:
        card = await seller_admin.card(callback_data.seller_id)
    except NotFound:
        await query.answer(text("sellers.gone", locale), show_alert=True)
        return
    if await access.role(tg_user_id=user.id, workspace=card.workspace) < Role.ADMIN:
        logger.info("seller=%d: %s refused to a non-admin", card.seller.id, callback_data.action)
        await query.answer(text("refused", locale), show_alert=True)
        return
    seller, action = card.seller, callback_data.action
    if action == SellerOp.OPEN:
        await query.answer()
        await _show(query, card_text(card, locale), card_keyboard(card, locale))
    elif action == SellerOp.LIST:
        await query.answer()
        workspaces = await access.administered_workspaces(user.id)
        cards = await seller_admin.cards(workspaces)
        await _show(query, list_text(cards, locale), list_keyboard(cards, locale))
    elif action == SellerOp.PAUSE:
        await query.answer(text("sellers.paused", locale))
        await seller_admin.pause(actor_tg_user_id=user.id, seller=seller)
        card = await seller_admin.card(seller.id)
        await _show(query, card_text(card, locale), card_keyboard(card, locale))
    elif action == SellerOp.RESUME:
        await query.answer(text("sellers.resumed", locale))
        await seller_admin.resume(actor_tg_user_id=user.id, seller=seller)
        await seller_admin.poll_now(seller)
        card = await seller_admin.card(seller.id)
        await _show(query, card_text(card, locale), card_keyboard(card, locale))
    elif action == SellerOp.KEY:
        await query.answer()
        await state.set_state(ReplaceKey.api_key)
        await state.set_data({"seller_id": seller.id})
        if isinstance(query.message, Message):
            await query.message.answer(
                text("sellers.ask_new_key", locale, shop=seller.name,
                     client_id=seller.client_id),
                reply_markup=cancel_keyboard(locale, Cancelled.KEY),
            )  # fmt: skip
    elif action == SellerOp.REMOVE:
        await query.answer()
        await _show(query, remove_warning(card, locale), confirm_keyboard(seller.id, locale))
    elif action == SellerOp.REMOVE_CONFIRMED:
        await query.answer(text("sellers.removed_short", locale))
        removed = await seller_admin.remove(actor_tg_user_id=user.id, seller=seller)
        done = (
            text("sellers.removed", locale, shop=seller.name)
            if removed
            else text("sellers.gone", locale)  # a second press: the first one removed it
        )
        await _show(query, done, None)
    else:
        await query.answer(text("wizard.outdated", locale), show_alert=True)


async def on_new_key(
    message: Message,
    *,
    bot: Bot,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    seller_admin: SellerAdmin,
) -> None:
    user = message.from_user
    value = (message.text or "").strip()
    await forget_message(bot, message)
    if user is None:
        return
    data = await state.get_data()
    try:
        card = await seller_admin.card(int(data["seller_id"]))
    except (NotFound, KeyError, ValueError):
        await state.clear()
        await message.answer(text("sellers.gone", locale))
        return
    if await access.role(tg_user_id=user.id, workspace=card.workspace) < Role.ADMIN:
        await state.clear()
        await message.answer(text("refused", locale))
        return
    if not looks_like_key(value):
        await message.answer(text("add.bad_key_shape", locale),
                             reply_markup=cancel_keyboard(locale, Cancelled.KEY))  # fmt: skip
        return
    progress = await message.answer(text("add.checking_key", locale))
    outcome = await seller_admin.replace_key(
        actor_tg_user_id=user.id, seller=card.seller, api_key=SecretStr(value)
    )
    if outcome is not KeyCheck.OK:
        body = key_check_text(outcome, locale) + "\n" + text("sellers.key_kept", locale)
        if outcome is KeyCheck.NO_PREMIUM:
            await state.clear()
            await progress.edit_text(body)
        else:
            await progress.edit_text(
                body + "\n\n" + text("add.ask_key_again", locale),
                reply_markup=cancel_keyboard(locale, Cancelled.KEY),
            )
        return
    await state.clear()
    shop = card.seller.name
    if card.seller.state == "paused":
        await progress.edit_text(text("sellers.key_paused", locale, shop=shop))
        return
    await progress.edit_text(text("sellers.key_replaced", locale, shop=shop))
    report = await seller_admin.poll_now(card.seller)
    done = "sellers.key_synced" if report is not None else "sellers.key_sync_failed"
    await progress.edit_text(text(done, locale, shop=shop))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_sellers_private, Command("sellers"), PRIVATE)
    router.message.register(
        on_sellers_group,
        Command("sellers"),
        F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}),
    )
    router.callback_query.register(on_seller_action, SellerAction.filter())
    router.message.register(
        on_new_key, StateFilter(ReplaceKey.api_key), PRIVATE, F.text & ~F.text.startswith("/")
    )
    return router
