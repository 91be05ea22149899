"""The choices left once a seller's draft is complete, reached from the wizard and from
the one-line form alike: which workspace (for an admin of several groups) and which cabinet
(for a key reaching several). Ids come from the button: the workspace is looked up again
and the presser's role checked; a cabinet must be one offered for this key.

Each registered for its state: a choice already made is answered "out of date".
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.access import AccessControl
from bot.admin.callbacks import PickCabinet, PickWorkspace
from bot.admin.onboarding import Onboarding, with_cabinet
from bot.handlers.add_seller.flow import chosen_workspace, complete, key_expired
from bot.handlers.add_seller.state import AddSeller, read
from bot.texts import Locale, text
from storage.vault import Vault


async def on_workspace(
    query: CallbackQuery,
    *,
    callback_data: PickWorkspace,
    bot: Bot,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    user = query.from_user
    workspace = await chosen_workspace(
        callback_data.workspace_id, user_id=user.id, onboarding=onboarding, access=access
    )
    if workspace is None:
        await query.answer(text("refused", locale), show_alert=True)
        return
    await query.answer()
    draft = (await read(state)).draft(vault)
    if draft is None:
        await key_expired(bot, user.id, state, locale)
        return
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_text(text("add.chosen_workspace", locale, group=workspace.title))
    await complete(bot, chat_id=user.id, locale=locale, onboarding=onboarding,
                   workspace=workspace, draft=draft, state=state, vault=vault)  # fmt: skip


async def on_cabinet(
    query: CallbackQuery,
    *,
    callback_data: PickCabinet,
    bot: Bot,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    user = query.from_user
    data = await read(state)
    cabinet = data.offered(callback_data.account_id)
    if cabinet is None:
        await query.answer(text("add.cabinet_gone", locale), show_alert=True)
        return
    workspace = None
    if data.workspace_id is not None:
        workspace = await chosen_workspace(
            data.workspace_id, user_id=user.id, onboarding=onboarding, access=access
        )
    if workspace is None:
        await query.answer(text("refused", locale), show_alert=True)
        return
    await query.answer()
    draft = data.draft(vault)
    if draft is None:
        await key_expired(bot, user.id, state, locale)
        return
    await state.clear()
    await complete(bot, chat_id=user.id, locale=locale, onboarding=onboarding,
                   workspace=workspace, draft=with_cabinet(draft, cabinet), state=state,
                   vault=vault)  # fmt: skip


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        on_workspace, PickWorkspace.filter(), StateFilter(AddSeller.workspace)
    )
    router.callback_query.register(
        on_cabinet, PickCabinet.filter(), StateFilter(AddSeller.cabinet)
    )
    return router
