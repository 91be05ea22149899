"""Cancel and /cancel, in private: they end whatever conversation is under way (the
add-seller wizard, a seller's key replacement) and keep nothing of it.

Registered for a state: a Cancel button pressed once nothing is under way (a wizard
cancelled or finished already) is answered "out of date" by the stale-buttons router, and
/cancel then says there was nothing to cancel.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.admin.callbacks import Cancelled, CancelWizard
from bot.handlers.add_seller.state import AddSeller
from bot.texts import Locale, text

PRIVATE = F.chat.type == ChatType.PRIVATE
UNDER_WAY = ~StateFilter(None)  # some conversation (this wizard, a key replacement…)


async def on_cancel(message: Message, state: FSMContext, locale: Locale) -> None:
    await state.clear()
    await message.answer(text("wizard.cancelled", locale))


async def on_nothing_to_cancel(message: Message, locale: Locale) -> None:
    await message.answer(text("wizard.nothing", locale))


async def on_cancel_button(query: CallbackQuery, state: FSMContext, locale: Locale) -> None:
    await state.clear()
    await query.answer(text("wizard.cancelled", locale))
    if isinstance(query.message, Message):
        await query.message.edit_text(text("wizard.cancelled", locale))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_cancel, Command("cancel"), PRIVATE, UNDER_WAY)
    router.message.register(on_nothing_to_cancel, Command("cancel"), PRIVATE, StateFilter(None))
    router.callback_query.register(
        on_cancel_button, CancelWizard.filter(F.what == Cancelled.ADD), StateFilter(AddSeller)
    )
    # The key replacement's state belongs to the sellers router (not imported here).
    router.callback_query.register(
        on_cancel_button, CancelWizard.filter(F.what == Cancelled.KEY), UNDER_WAY
    )
    return router
