"""From a group into the person's private chat: /add_seller sent in a group goes on in
private, where a key can be typed without the group seeing it.

The private chat's FSM context is built the way aiogram documents for another chat: the
dispatcher's own storage and a :class:`StorageKey` of that chat, which is the key the FSM
middleware resolves for the person's next private message (chat id = user id, no thread).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message

from bot.admin.onboarding import Onboarding, SellerDraft, Usage, parse_one_line
from bot.handlers.add_seller.flow import continue_with_draft, start_wizard
from bot.outbox.queue import Outbox
from bot.texts import Locale, text
from storage.records import Workspace
from storage.vault import Vault

Continuation = Callable[[], Awaitable[None]]


def private_chat_state(dispatcher: Dispatcher, bot: Bot, user_id: int) -> FSMContext:
    """The FSM context of ``user_id``'s private chat with the bot."""
    key = StorageKey(bot_id=bot.id, chat_id=user_id, user_id=user_id)
    return FSMContext(storage=dispatcher.storage, key=key)


async def open_private(
    bot: Bot,
    *,
    user_id: int,
    state: FSMContext,
    command_text: str,
    manageable: list[Workspace],
    group_workspace: Workspace | None,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> tuple[bool, Continuation | None]:
    """Say the first word in private; False when the person never opened a private chat
    with the bot. A key to check comes back as a continuation, to run after the group has
    been warned (the check and the first sync are slow)."""
    parsed = parse_one_line(command_text)
    try:
        if parsed is None:
            await start_wizard(bot, user_id, state, locale)
            return True, None
        if isinstance(parsed, Usage):
            await bot.send_message(chat_id=user_id, text=text(parsed.reason, locale))
            return True, None
        await bot.send_message(chat_id=user_id, text=text("add.moved_private", locale))
    except TelegramForbiddenError:
        return False, None
    draft: SellerDraft = parsed
    # Sent in a group the person administers: the shop goes there without asking.
    preferred = [w for w in manageable if group_workspace and w.id == group_workspace.id]

    async def proceed() -> None:
        await continue_with_draft(bot, chat_id=user_id, state=state, draft=draft,
                                  workspaces=preferred or manageable, locale=locale,
                                  onboarding=onboarding, vault=vault)  # fmt: skip

    return True, proceed


async def warn_group(
    message: Message,
    workspace: Workspace | None,
    *,
    locale: Locale,
    onboarding: Onboarding,
    outbox: Outbox,
    carries_key: bool,
    deleted: bool,
    reached_private: bool | None,
) -> None:
    """Tell the group the key was deleted (or could not be) and where the rest happens;
    once per message (and per edit of it)."""
    keys: list[str] = []
    if carries_key:
        keys.append("add.group.deleted" if deleted else "add.group.not_deleted")
    if reached_private is True:
        keys.append("add.group.continue_private")
    elif reached_private is False:
        keys.append("add.group.open_private")
    chat = message.chat
    edited = f":edit:{message.edit_date}" if message.edit_date else ""
    await onboarding.tell_group(
        workspace=workspace,
        tg_chat_id=chat.id,
        title=chat.title or "",
        locale=locale,
        keys=keys,
        dedup_key=f"add_seller:{chat.id}:{message.message_id}{edited}",
        thread_id=message.message_thread_id if message.is_topic_message else None,
        kick=outbox.kick,
    )
