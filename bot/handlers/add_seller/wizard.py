"""The add-seller wizard's steps in private: marketplace, Client-Id, key, name (then
``pickers`` for the workspace and cabinet; ``cancel`` at every step).

Every step, buttons included, is registered for its own state: a button of a step already
passed, or of a wizard cancelled, matches nothing here and is answered "out of date" by the
stale-buttons router. Messages with a key are deleted after reading, so the key does not
linger in the chat; the key is kept between steps only sealed (``state.WizardData``).
"""

from __future__ import annotations

import dataclasses

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import SecretStr

from bot.access import AccessControl
from bot.admin.callbacks import KeepName, PickMarketplace
from bot.admin.onboarding import (
    MARKETPLACES,
    TOKEN_ONLY,
    KeyCheck,
    Onboarding,
    clean_name,
    default_name,
    key_check_text,
    looks_like_key,
    valid_client_id,
)
from bot.handlers.add_seller.flow import continue_with_draft, key_expired
from bot.handlers.add_seller.state import AddSeller, WizardData, read, write
from bot.handlers.seller_forms import (
    cancel_keyboard,
    forget_message,
    name_keyboard,
    refuse_or_explain,
)
from bot.texts import Locale, for_marketplace, text
from storage.vault import Vault

PRIVATE = F.chat.type == ChatType.PRIVATE
NOT_A_COMMAND = F.text & ~F.text.startswith("/")


async def on_marketplace(
    query: CallbackQuery, callback_data: PickMarketplace, state: FSMContext, locale: Locale
) -> None:
    chosen = callback_data.marketplace
    if chosen not in MARKETPLACES:
        await query.answer(text("refused", locale), show_alert=True)
        return
    await query.answer()
    token_only = chosen in TOKEN_ONLY  # the token names the seller: no Client-Id asked
    await write(state, WizardData(marketplace=chosen))
    await state.set_state(AddSeller.api_key if token_only else AddSeller.client_id)
    ask = for_marketplace("add.ask_token", chosen) if token_only else "add.ask_client_id"
    if isinstance(query.message, Message):
        await query.message.edit_text(text(ask, locale), reply_markup=cancel_keyboard(locale))


async def on_client_id(message: Message, state: FSMContext, locale: Locale) -> None:
    value = (message.text or "").strip()
    if not valid_client_id(value):
        await message.answer(
            text("add.bad_client_id", locale), reply_markup=cancel_keyboard(locale)
        )
        return
    await write(state, dataclasses.replace(await read(state), client_id=value))
    await state.set_state(AddSeller.api_key)
    await message.answer(text("add.ask_key", locale), reply_markup=cancel_keyboard(locale))


async def on_api_key(
    message: Message,
    *,
    bot: Bot,
    state: FSMContext,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    value = (message.text or "").strip()
    await forget_message(bot, message)  # before anything else: the key leaves the chat
    if not looks_like_key(value):
        await message.answer(
            text("add.bad_key_shape", locale), reply_markup=cancel_keyboard(locale)
        )
        return
    data = await read(state)
    market = data.marketplace
    checking = await message.answer(text(for_marketplace("add.checking_key", market), locale))

    async def verdict(value: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await bot.edit_message_text(
            text=value, chat_id=message.chat.id, message_id=checking.message_id,
            reply_markup=markup,
        )  # fmt: skip

    api_key = SecretStr(value)
    outcome, client_id = await onboarding.check_typed_key(
        market, client_id=data.client_id, api_key=api_key
    )
    if outcome is KeyCheck.OK:
        await write(state, data.with_key(api_key, vault, client_id=client_id))
        await state.set_state(AddSeller.name)
        await verdict(
            text(for_marketplace("add.key_ok", market), locale)
            + "\n\n"
            + text("add.ask_name", locale),
            name_keyboard(default_name(market, client_id), locale),
        )
        return
    explanation = (
        key_check_text(outcome, locale, market) + "\n" + text("add.nothing_saved", locale)
    )
    if outcome is KeyCheck.NO_PREMIUM:  # no other key of this seller would do
        await state.clear()
        await verdict(explanation)
        return
    if outcome is KeyCheck.BAD_CLIENT_ID:
        await state.set_state(AddSeller.client_id)
        explanation += "\n\n" + text("add.ask_client_id", locale)
    else:
        explanation += "\n\n" + text("add.ask_key_again", locale)
    await verdict(explanation, cancel_keyboard(locale))


async def on_name(
    message: Message,
    *,
    bot: Bot,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    name = clean_name(message.text or "")
    if name is None:
        await message.answer(text("add.bad_name", locale))
        return
    await _named(message.chat.id, name=name, bot=bot, state=state, access=access,
                 locale=locale, onboarding=onboarding, vault=vault)  # fmt: skip


async def on_keep_name(
    query: CallbackQuery,
    *,
    bot: Bot,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    await query.answer()
    data = await read(state)
    await _named(query.from_user.id, name=default_name(data.marketplace, data.client_id),
                 bot=bot, state=state, access=access, locale=locale, onboarding=onboarding,
                 vault=vault)  # fmt: skip


async def _named(
    chat_id: int,
    *,
    name: str,
    bot: Bot,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    data = dataclasses.replace(await read(state), name=name)
    await write(state, data)
    workspaces = await access.administered_workspaces(chat_id)
    if not workspaces:  # no longer an admin of any group since the wizard started
        await state.clear()
        await refuse_or_explain(bot, chat_id, access, chat_id, locale)
        return
    draft = data.draft(vault)
    if draft is None:
        await key_expired(bot, chat_id, state, locale)
        return
    await continue_with_draft(bot, chat_id=chat_id, state=state, draft=draft,
                              workspaces=workspaces, locale=locale, onboarding=onboarding,
                              vault=vault)  # fmt: skip


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        on_marketplace, PickMarketplace.filter(), StateFilter(AddSeller.marketplace)
    )
    router.callback_query.register(on_keep_name, KeepName.filter(), StateFilter(AddSeller.name))
    router.message.register(on_client_id, StateFilter(AddSeller.client_id), PRIVATE, NOT_A_COMMAND)
    router.message.register(on_api_key, StateFilter(AddSeller.api_key), PRIVATE, NOT_A_COMMAND)
    router.message.register(on_name, StateFilter(AddSeller.name), PRIVATE, NOT_A_COMMAND)
    return router
