"""/add_seller itself, in private and in groups: without arguments it starts the wizard;
``/add_seller <marketplace> <key…> [name]`` adds the shop in one line.

A line that may carry a key is deleted at once wherever it was sent, well-formed or not.
In a group the group is told why, and the rest happens in the person's private chat (in
the person's language there; the group is answered in the group's).
"""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.access import AccessControl
from bot.admin.onboarding import Onboarding, SellerDraft, Usage, carries_key, parse_one_line
from bot.handlers.add_seller.flow import continue_with_draft, start_wizard
from bot.handlers.add_seller.handoff import (
    Continuation,
    open_private,
    private_chat_state,
    warn_group,
)
from bot.handlers.seller_forms import forget_message, refuse_or_explain
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import Locale, text
from bot.texts.locale import speaking_locale
from storage.vault import Vault

PRIVATE = F.chat.type == ChatType.PRIVATE
GROUPS = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})


async def on_add_seller_private(
    message: Message,
    *,
    bot: Bot,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    user = message.from_user
    if user is None:
        return
    line = message.text or ""
    parsed = parse_one_line(line)
    if isinstance(parsed, SellerDraft) or carries_key(line):
        await forget_message(bot, message)  # a malformed line may still carry a real key
    workspaces = await access.administered_workspaces(user.id)
    if not workspaces:
        await state.clear()
        await refuse_or_explain(bot, message.chat.id, access, user.id, locale)
        return
    if parsed is None:
        await start_wizard(bot, message.chat.id, state, locale)
    elif isinstance(parsed, Usage):
        await message.answer(text(parsed.reason, locale))
    else:
        await message.answer(text("add.key_message_deleted", locale))
        await continue_with_draft(bot, chat_id=message.chat.id, state=state, draft=parsed,
                                  workspaces=workspaces, locale=locale,
                                  onboarding=onboarding, vault=vault)  # fmt: skip


async def on_add_seller_group(
    message: Message,
    *,
    bot: Bot,
    access: AccessControl,
    settings: Settings,
    locale: Locale,
    onboarding: Onboarding,
    outbox: Outbox,
    dispatcher: Dispatcher,
    vault: Vault,
) -> None:
    """Delete a key at once, say so, and carry on in private."""
    user, chat = message.from_user, message.chat
    with_key = carries_key(message.text or "")
    deleted = await forget_message(bot, message) if with_key else False
    workspace = await onboarding.group_workspace(chat.id)
    manageable = await access.administered_workspaces(user.id) if user else []
    reached_private: bool | None = None
    proceed: Continuation | None = None
    if user is not None and manageable:
        private_locale = speaking_locale(chat_type=ChatType.PRIVATE,
                                         language_code=user.language_code,
                                         default=settings.locale)  # fmt: skip
        reached_private, proceed = await open_private(
            bot, user_id=user.id, state=private_chat_state(dispatcher, bot, user.id),
            command_text=message.text or "", manageable=manageable,
            group_workspace=workspace, locale=private_locale, onboarding=onboarding,
            vault=vault,
        )  # fmt: skip
    if with_key or reached_private is not None:
        await warn_group(message, workspace, locale=locale, onboarding=onboarding,
                         outbox=outbox, carries_key=with_key, deleted=deleted,
                         reached_private=reached_private)  # fmt: skip
    if proceed is not None:
        await proceed()  # the slow part (the key check, first sync) after the group is told


async def on_add_seller_edited(
    message: Message, *, bot: Bot, locale: Locale, onboarding: Onboarding, outbox: Outbox
) -> None:
    """A message edited to carry a key is deleted like a new one (the wizard is not run
    again: an edit is not a new command); a group is told why, as for a new message."""
    if not carries_key(message.text or ""):
        return
    deleted = await forget_message(bot, message)
    if message.chat.type == ChatType.PRIVATE:
        return
    workspace = await onboarding.group_workspace(message.chat.id)
    await warn_group(message, workspace, locale=locale, onboarding=onboarding, outbox=outbox,
                     carries_key=True, deleted=deleted, reached_private=None)  # fmt: skip


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_add_seller_private, Command("add_seller"), PRIVATE)
    router.message.register(on_add_seller_group, Command("add_seller"), GROUPS)
    router.edited_message.register(on_add_seller_edited, Command("add_seller"))
    return router
