"""The steps both entries into adding a seller share (the wizard and the one-line form):
start the wizard, pick the workspace, check and save with one private message edited from
start to summary, and ask for the cabinet when a key reaches several. Not a router."""

from __future__ import annotations

import dataclasses
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext

from bot.access import AccessControl, Role
from bot.admin.cabinets import Cabinet
from bot.admin.onboarding import (
    AddOutcome,
    KeyCheck,
    Onboarding,
    ProgressEditor,
    SellerDraft,
    key_check_text,
    summary_text,
)
from bot.handlers.add_seller.state import AddSeller, WizardData, write
from bot.handlers.seller_forms import (
    cabinet_keyboard,
    marketplace_keyboard,
    tell_push_registration,
    workspace_keyboard,
)
from bot.texts import Locale, for_marketplace, text
from storage.records import Workspace
from storage.vault import Vault

logger = logging.getLogger(__name__)


async def start_wizard(bot: Bot, chat_id: int, state: FSMContext, locale: Locale) -> None:
    await state.clear()
    await state.set_state(AddSeller.marketplace)
    await bot.send_message(
        chat_id=chat_id,
        text=text("add.ask_marketplace", locale),
        reply_markup=marketplace_keyboard(locale),
    )


async def key_expired(bot: Bot, chat_id: int, state: FSMContext, locale: Locale) -> None:
    """The wizard waited too long: its sealed key cannot be opened any more."""
    await state.clear()
    await bot.send_message(chat_id=chat_id, text=text("security.wizard_key_expired", locale))


async def chosen_workspace(
    workspace_id: int, *, user_id: int, onboarding: Onboarding, access: AccessControl
) -> Workspace | None:
    """The workspace a button names, if it is active and the presser administers it (a
    forged or stale id is refused like a stranger)."""
    workspace = await onboarding.workspace(workspace_id)
    if workspace is None or workspace.state != "active":
        return None
    if await access.role(tg_user_id=user_id, workspace=workspace) < Role.ADMIN:
        return None
    return workspace


async def continue_with_draft(
    bot: Bot,
    *,
    chat_id: int,
    state: FSMContext,
    draft: SellerDraft,
    workspaces: list[Workspace],
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    """Attach to the only workspace, or ask which (buttons) keeping the draft sealed."""
    if len(workspaces) == 1:
        await state.clear()
        await complete(bot, chat_id=chat_id, locale=locale, onboarding=onboarding,
                       workspace=workspaces[0], draft=draft, state=state,
                       vault=vault)  # fmt: skip
        return
    await state.set_state(AddSeller.workspace)
    await write(state, WizardData.of_draft(draft, vault))
    await bot.send_message(
        chat_id=chat_id,
        text=text("add.ask_workspace", locale, shop=draft.name),
        reply_markup=workspace_keyboard(workspaces, locale),
    )


async def complete(
    bot: Bot,
    *,
    chat_id: int,
    locale: Locale,
    onboarding: Onboarding,
    workspace: Workspace,
    draft: SellerDraft,
    state: FSMContext,
    vault: Vault,
) -> None:
    """Check, save, first sync: one private message edited from start to summary. The
    private chat's owner is the actor (the wizard runs only in private)."""
    sent = await bot.send_message(
        chat_id=chat_id,
        text=text(for_marketplace("add.checking", draft.marketplace), locale, shop=draft.name),
    )

    async def edit(value: str) -> None:
        try:
            await bot.edit_message_text(text=value, chat_id=chat_id, message_id=sent.message_id)
        except TelegramBadRequest as exc:  # e.g. deleted by the person meanwhile
            logger.info("progress edit failed (%s)", exc.message)

    result = await onboarding.add(actor_tg_user_id=chat_id, workspace=workspace, draft=draft)
    if result.outcome is AddOutcome.CHOOSE_CABINET:
        await state.set_state(AddSeller.cabinet)
        await write(state, dataclasses.replace(WizardData.of_draft(draft, vault),
                                               workspace_id=workspace.id,
                                               cabinets=result.cabinets))  # fmt: skip
        await _ask_cabinet(bot, chat_id, sent.message_id, result.cabinets, locale)
        return
    if result.outcome is AddOutcome.DUPLICATE:
        await edit(text("add.duplicate", locale, client_id=draft.client_id))
        return
    if not result.added or result.seller is None:
        assert isinstance(result.outcome, KeyCheck)
        shown = key_check_text(result.outcome, locale, draft.marketplace)
        await edit(shown + "\n" + text("add.nothing_saved", locale))
        return
    seller = result.seller
    editor = ProgressEditor(edit, locale=locale, shop=seller.name)
    await editor.show(text("add.saved", locale, shop=seller.name, group=workspace.title))
    first = await onboarding.first_sync(seller, progress=editor)
    await editor.show(summary_text(first, locale, shop=seller.name, group=workspace.title,
                                   marketplace=seller.marketplace))  # fmt: skip
    registered = await onboarding.register_push(seller)
    await tell_push_registration(bot, chat_id, locale, seller, registered)


async def _ask_cabinet(
    bot: Bot, chat_id: int, message_id: int, cabinets: tuple[Cabinet, ...], locale: Locale
) -> None:
    """The key reaches several cabinets: the admin confirms one (the draft waits sealed)."""
    await bot.edit_message_text(
        text=text("add.ask_cabinet", locale),
        chat_id=chat_id,
        message_id=message_id,
        reply_markup=cabinet_keyboard(cabinets, locale),
    )
