"""/add_seller: the private wizard (with cancel at every step) and the one-line form.

A one-line command sent in a group carries a key for everyone to see: it is deleted at
once, the group is told why, and the rest happens in private. Messages with a key are
deleted in private too, so the key does not linger in the chat history.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot, Dispatcher, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from pydantic import SecretStr

from bot.access import AccessControl, Role
from bot.admin.cabinets import Cabinet
from bot.admin.callbacks import CancelWizard, KeepName, PickCabinet, PickMarketplace, PickWorkspace
from bot.admin.notify import post_in_group
from bot.admin.onboarding import (
    MARKETPLACES,
    TOKEN_ONLY,
    AddOutcome,
    KeyCheck,
    Onboarding,
    ProgressEditor,
    SellerDraft,
    Usage,
    check_key,
    clean_name,
    default_name,
    key_check_text,
    looks_like_key,
    parse_one_line,
    summary_text,
    valid_client_id,
    with_cabinet,
)
from bot.admin.wizard_secret import SEALED_FIELD, open_key, seal_key
from bot.handlers.seller_forms import (
    cabinet_keyboard,
    cancel_keyboard,
    forget_message,
    marketplace_keyboard,
    name_keyboard,
    refuse_or_explain,
    tell_push_registration,
    workspace_keyboard,
)
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import Locale, for_marketplace, text
from bot.texts.locale import speaking_locale
from connectors.marketplace.registry import MarketplaceRegistry
from storage.database import Database
from storage.errors import NotFound
from storage.records import Workspace
from storage.vault import Vault

logger = logging.getLogger(__name__)

PRIVATE = F.chat.type == ChatType.PRIVATE
GROUPS = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})
NOT_A_COMMAND = F.text & ~F.text.startswith("/")


class AddSeller(StatesGroup):
    marketplace = State()
    client_id = State()
    api_key = State()
    name = State()
    workspace = State()
    cabinet = State()


def draft_from(data: dict[str, str], vault: Vault) -> SellerDraft | None:
    """The wizard's draft, its key opened just now; None when the sealed key expired."""
    api_key = open_key(vault, data[SEALED_FIELD])
    if api_key is None:
        return None
    return SellerDraft(
        marketplace=data["marketplace"],
        client_id=data["client_id"],
        api_key=api_key,
        name=data["name"],
    )


def draft_data(draft: SellerDraft, vault: Vault) -> dict[str, str]:
    """FSM data never holds the raw key (see ``bot.admin.wizard_secret``)."""
    return {
        "marketplace": draft.marketplace,
        "client_id": draft.client_id,
        SEALED_FIELD: seal_key(vault, draft.api_key),
        "name": draft.name,
    }


def carries_key(command_text: str) -> bool:
    """Whether a /add_seller line may hold a key (anything past the marketplace word),
    well-formed or not: such a message must not stay in any chat."""
    return len(command_text.split()) >= 3


async def start_wizard(bot: Bot, chat_id: int, state: FSMContext, locale: Locale) -> None:
    await state.clear()
    await state.set_state(AddSeller.marketplace)
    await bot.send_message(
        chat_id=chat_id,
        text=text("add.ask_marketplace", locale),
        reply_markup=marketplace_keyboard(locale),
    )


async def complete(
    bot: Bot,
    *,
    chat_id: int,
    locale: Locale,
    onboarding: Onboarding,
    actor: int,
    workspace: Workspace,
    draft: SellerDraft,
    state: FSMContext | None = None,
    vault: Vault | None = None,
) -> None:
    """Check, save, first sync: one private message edited from start to summary."""
    sent = await bot.send_message(
        chat_id=chat_id,
        text=text(
            for_marketplace("add.checking", draft.marketplace),
            locale,
            shop=draft.name,
        ),
    )

    async def edit(value: str) -> None:
        try:
            await bot.edit_message_text(text=value, chat_id=chat_id, message_id=sent.message_id)
        except TelegramBadRequest as exc:  # e.g. deleted by the person meanwhile
            logger.info("progress edit failed (%s)", exc.message)

    result = await onboarding.add(actor_tg_user_id=actor, workspace=workspace, draft=draft)
    if result.outcome is AddOutcome.CHOOSE_CABINET and state is not None and vault is not None:
        await ask_cabinet(bot, chat_id=chat_id, message_id=sent.message_id, state=state,
                          vault=vault, draft=draft, workspace=workspace,
                          cabinets=result.cabinets, locale=locale)  # fmt: skip
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
    await editor.show(text("add.saved", locale, shop=seller.name,
                           group=workspace.title))  # fmt: skip
    first = await onboarding.first_sync(seller, progress=editor)
    shop, market = seller.name, seller.marketplace
    summary = summary_text(first, locale, shop=shop, group=workspace.title, marketplace=market)
    await editor.show(summary)
    await tell_push_registration(
        bot, chat_id, locale, seller, await onboarding.register_push(seller)
    )


async def ask_cabinet(
    bot: Bot,
    *,
    chat_id: int,
    message_id: int,
    state: FSMContext,
    vault: Vault,
    draft: SellerDraft,
    workspace: Workspace,
    cabinets: tuple[Cabinet, ...],
    locale: Locale,
) -> None:
    """The key reaches several cabinets: the admin confirms one (the draft waits sealed)."""
    await state.set_state(AddSeller.cabinet)
    await state.set_data({
        **draft_data(draft, vault), "workspace_id": str(workspace.id),
        "cabinets": json.dumps([[c.account_id, c.name] for c in cabinets]),
    })  # fmt: skip
    await bot.edit_message_text(
        text=text("add.ask_cabinet", locale),
        chat_id=chat_id,
        message_id=message_id,
        reply_markup=cabinet_keyboard(cabinets, locale),
    )


async def on_cabinet(
    query: CallbackQuery,
    *,
    callback_data: PickCabinet,
    bot: Bot,
    db: Database,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    user = query.from_user
    data = await state.get_data()
    offered = {a: n for a, n in json.loads(data.get("cabinets", "[]"))}
    if callback_data.account_id not in offered:
        await query.answer(text("add.cabinet_gone", locale), show_alert=True)
        return
    try:
        workspace = await db.workspaces.get(workspace_id=int(data["workspace_id"]))
    except NotFound:
        await query.answer(text("refused", locale), show_alert=True)
        return
    if await access.role(tg_user_id=user.id, workspace=workspace) < Role.ADMIN:
        await query.answer(text("refused", locale), show_alert=True)
        return
    await query.answer()
    draft = draft_from(data, vault)
    if draft is None:
        await _key_expired(bot, user.id, state, locale)
        return
    await state.clear()
    cabinet = Cabinet(callback_data.account_id, offered[callback_data.account_id])
    await complete(bot, chat_id=user.id, locale=locale, onboarding=onboarding, actor=user.id,
                   workspace=workspace, draft=with_cabinet(draft, cabinet),
                   state=state, vault=vault)  # fmt: skip


async def continue_with_draft(
    bot: Bot,
    *,
    chat_id: int,
    actor: int,
    state: FSMContext,
    draft: SellerDraft,
    workspaces: list[Workspace],
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    """Attach to the only workspace, or ask which (buttons) keeping the draft in FSM."""
    if len(workspaces) == 1:
        await state.clear()
        await complete(bot, chat_id=chat_id, locale=locale, onboarding=onboarding, actor=actor,
                       workspace=workspaces[0], draft=draft, state=state,
                       vault=vault)  # fmt: skip
        return
    await state.set_state(AddSeller.workspace)
    await state.set_data(draft_data(draft, vault))
    await bot.send_message(
        chat_id=chat_id,
        text=text("add.ask_workspace", locale, shop=draft.name),
        reply_markup=workspace_keyboard(workspaces, locale),
    )


# ------------------------------------------------------------------ commands


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
    parsed = parse_one_line(message.text or "")
    if isinstance(parsed, SellerDraft) or carries_key(message.text or ""):
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
        await continue_with_draft(bot, chat_id=message.chat.id, actor=user.id, state=state,
                                  draft=parsed, workspaces=workspaces, locale=locale,
                                  onboarding=onboarding, vault=vault)  # fmt: skip


async def on_add_seller_group(
    message: Message,
    *,
    bot: Bot,
    db: Database,
    access: AccessControl,
    settings: Settings,
    locale: Locale,
    onboarding: Onboarding,
    outbox: Outbox,
    dispatcher: Dispatcher,
    vault: Vault,
) -> None:
    """In a group: delete a key at once, say so, and carry on in private (in the
    person's language there; the group is answered in the group's)."""
    user, chat = message.from_user, message.chat
    with_key = carries_key(message.text or "")
    deleted = await forget_message(bot, message) if with_key else False
    workspace = await db.workspaces.find_by_chat(tg_chat_id=chat.id)
    manageable = await access.administered_workspaces(user.id) if user else []
    reached_private: bool | None = None
    proceed: Continuation | None = None
    if user is not None and manageable:
        # The person's private chat with the bot, through the dispatcher's own FSM.
        private = dispatcher.fsm.get_context(bot=bot, chat_id=user.id, user_id=user.id)
        reached_private, proceed = await _open_private(
            bot, user_id=user.id, state=private, command_text=message.text or "",
            manageable=manageable, group_workspace=workspace, onboarding=onboarding,
            vault=vault, locale=speaking_locale(chat_type=ChatType.PRIVATE,
                                                language_code=user.language_code,
                                                default=settings.locale),
        )  # fmt: skip
    if with_key or reached_private is not None:
        await _warn_group(db, outbox, message, workspace, locale, carries_key=with_key,
                          deleted=deleted, reached_private=reached_private)  # fmt: skip
    if proceed is not None:
        await proceed()  # the slow part (Ozon check, first sync) after the group is told


async def on_add_seller_edited(
    message: Message, *, bot: Bot, db: Database, locale: Locale, outbox: Outbox
) -> None:
    """A message edited to carry a key is deleted like a new one (the wizard is not run
    again: an edit is not a new command); a group is told why, as for a new message."""
    if not carries_key(message.text or ""):
        return
    deleted = await forget_message(bot, message)
    if message.chat.type == ChatType.PRIVATE:
        return
    workspace = await db.workspaces.find_by_chat(tg_chat_id=message.chat.id)
    await _warn_group(db, outbox, message, workspace, locale, carries_key=True,
                      deleted=deleted, reached_private=None)  # fmt: skip


Continuation = Callable[[], Awaitable[None]]


async def _warn_group(
    db: Database,
    outbox: Outbox,
    message: Message,
    workspace: Workspace | None,
    locale: Locale,
    *,
    carries_key: bool,
    deleted: bool,
    reached_private: bool | None,
) -> None:
    chat = message.chat
    edited = f":edit:{message.edit_date}" if message.edit_date else ""
    if workspace is None:
        workspace = await db.workspaces.register_pending(
            tg_chat_id=chat.id, title=chat.title or "", locale=locale
        )
    parts = []
    if carries_key:
        parts.append(text("add.group.deleted" if deleted else "add.group.not_deleted",
                          workspace.locale))  # fmt: skip
    if reached_private is True:
        parts.append(text("add.group.continue_private", workspace.locale))
    elif reached_private is False:
        parts.append(text("add.group.open_private", workspace.locale))
    await post_in_group(
        db,
        workspace=workspace,
        html_text="\n".join(parts),
        key=f"add_seller:{chat.id}:{message.message_id}{edited}",
        kick=outbox.kick,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


async def _open_private(
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
    been warned."""
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
    preferred = [w for w in manageable if group_workspace and w.id == group_workspace.id]

    async def proceed() -> None:
        await continue_with_draft(bot, chat_id=user_id, actor=user_id, state=state, draft=draft,
                                  workspaces=preferred or manageable, locale=locale,
                                  onboarding=onboarding, vault=vault)  # fmt: skip

    return True, proceed


async def on_cancel(message: Message, state: FSMContext, locale: Locale) -> None:
    had = await state.get_state()
    await state.clear()
    await message.answer(text("wizard.cancelled" if had else "wizard.nothing", locale))


async def on_cancel_button(query: CallbackQuery, state: FSMContext, locale: Locale) -> None:
    await state.clear()
    await query.answer(text("wizard.cancelled", locale))
    if isinstance(query.message, Message):
        await query.message.edit_text(text("wizard.cancelled", locale))


# ------------------------------------------------------------------ wizard steps


async def on_marketplace(
    query: CallbackQuery, callback_data: PickMarketplace, state: FSMContext, locale: Locale
) -> None:
    if callback_data.marketplace not in MARKETPLACES:
        await query.answer(text("refused", locale), show_alert=True)
        return
    await query.answer()
    await state.update_data(marketplace=callback_data.marketplace)
    token_only = callback_data.marketplace in TOKEN_ONLY  # the token names the seller
    if token_only:
        await state.update_data(client_id="")
    await state.set_state(AddSeller.api_key if token_only else AddSeller.client_id)
    if isinstance(query.message, Message):
        await query.message.edit_text(
            text(
                for_marketplace("add.ask_token", callback_data.marketplace)
                if token_only
                else "add.ask_client_id",
                locale,
            ),
            reply_markup=cancel_keyboard(locale),
        )


async def on_client_id(message: Message, state: FSMContext, locale: Locale) -> None:
    value = (message.text or "").strip()
    if not valid_client_id(value):
        await message.answer(
            text("add.bad_client_id", locale), reply_markup=cancel_keyboard(locale)
        )
        return
    await state.update_data(client_id=value)
    await state.set_state(AddSeller.api_key)
    await message.answer(text("add.ask_key", locale), reply_markup=cancel_keyboard(locale))


async def on_api_key(
    message: Message,
    *,
    bot: Bot,
    state: FSMContext,
    locale: Locale,
    marketplaces: MarketplaceRegistry,
    vault: Vault,
) -> None:
    value = (message.text or "").strip()
    await forget_message(bot, message)
    if not looks_like_key(value):
        await message.answer(
            text("add.bad_key_shape", locale), reply_markup=cancel_keyboard(locale)
        )
        return
    data = await state.get_data()
    worded = data["marketplace"]
    checking = await message.answer(text(for_marketplace("add.checking_key", worded), locale))
    marketplace = marketplaces.get(data["marketplace"])
    client_id = marketplace.account_id_of(SecretStr(value)) or data["client_id"]
    outcome = await check_key(marketplace, client_id=client_id, api_key=SecretStr(value))
    if outcome is KeyCheck.OK:
        await state.update_data(
            {SEALED_FIELD: seal_key(vault, SecretStr(value)), "client_id": client_id}
        )
        await state.set_state(AddSeller.name)
        name = default_name(data["marketplace"], client_id)
        await checking.edit_text(
            text(for_marketplace("add.key_ok", worded), locale)
            + "\n\n"
            + text("add.ask_name", locale),
            reply_markup=name_keyboard(name, locale),
        )
        return
    shown = key_check_text(outcome, locale, data["marketplace"])
    explanation = shown + "\n" + text("add.nothing_saved", locale)
    if outcome is KeyCheck.BAD_CLIENT_ID:
        await state.set_state(AddSeller.client_id)
        explanation += "\n\n" + text("add.ask_client_id", locale)
    elif outcome is KeyCheck.NO_PREMIUM:
        await state.clear()
        await checking.edit_text(explanation)
        return
    else:
        explanation += "\n\n" + text("add.ask_key_again", locale)
    await checking.edit_text(explanation, reply_markup=cancel_keyboard(locale))


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
    data = await state.get_data()
    name = default_name(data["marketplace"], data["client_id"])
    await _named(query.from_user.id, name=name, bot=bot, state=state, access=access,
                 locale=locale, onboarding=onboarding, vault=vault)  # fmt: skip


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
    await state.update_data(name=name)
    workspaces = await access.administered_workspaces(chat_id)
    if not workspaces:
        await state.clear()
        await refuse_or_explain(bot, chat_id, access, chat_id, locale)
        return
    draft = draft_from(await state.get_data(), vault)
    if draft is None:
        await _key_expired(bot, chat_id, state, locale)
        return
    await continue_with_draft(bot, chat_id=chat_id, actor=chat_id, state=state,
                              draft=draft, workspaces=workspaces,
                              locale=locale, onboarding=onboarding,
                              vault=vault)  # fmt: skip


async def _key_expired(bot: Bot, chat_id: int, state: FSMContext, locale: Locale) -> None:
    """The wizard waited too long: its sealed key cannot be opened any more."""
    await state.clear()
    await bot.send_message(chat_id=chat_id, text=text("security.wizard_key_expired", locale))


async def on_workspace(
    query: CallbackQuery,
    *,
    callback_data: PickWorkspace,
    bot: Bot,
    db: Database,
    state: FSMContext,
    access: AccessControl,
    locale: Locale,
    onboarding: Onboarding,
    vault: Vault,
) -> None:
    user = query.from_user
    try:
        workspace: Workspace | None = await db.workspaces.get(
            workspace_id=callback_data.workspace_id
        )
    except NotFound:
        workspace = None
    if (
        workspace is None
        or workspace.state != "active"
        or await access.role(tg_user_id=user.id, workspace=workspace) < Role.ADMIN
    ):
        await query.answer(text("refused", locale), show_alert=True)
        return
    await query.answer()
    draft = draft_from(await state.get_data(), vault)
    if draft is None:
        await _key_expired(bot, user.id, state, locale)
        return
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_text(text("add.chosen_workspace", locale, group=workspace.title))
    await complete(bot, chat_id=user.id, locale=locale, onboarding=onboarding, actor=user.id,
                   workspace=workspace, draft=draft, state=state, vault=vault)  # fmt: skip


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_cancel, Command("cancel"), PRIVATE)
    router.callback_query.register(on_cancel_button, CancelWizard.filter())
    router.message.register(on_add_seller_private, Command("add_seller"), PRIVATE)
    router.message.register(on_add_seller_group, Command("add_seller"), GROUPS)
    router.edited_message.register(on_add_seller_edited, Command("add_seller"))
    # A button of a step already passed (or of a wizard cancelled) matches no state here
    # and is answered "out of date" by the stale-buttons router.
    router.callback_query.register(
        on_marketplace, PickMarketplace.filter(), StateFilter(AddSeller.marketplace)
    )
    router.callback_query.register(on_keep_name, KeepName.filter(), StateFilter(AddSeller.name))
    router.callback_query.register(
        on_workspace, PickWorkspace.filter(), StateFilter(AddSeller.workspace)
    )
    router.callback_query.register(
        on_cabinet, PickCabinet.filter(), StateFilter(AddSeller.cabinet)
    )
    router.message.register(on_client_id, StateFilter(AddSeller.client_id), PRIVATE, NOT_A_COMMAND)
    router.message.register(on_api_key, StateFilter(AddSeller.api_key), PRIVATE, NOT_A_COMMAND)
    router.message.register(on_name, StateFilter(AddSeller.name), PRIVATE, NOT_A_COMMAND)
    return router
