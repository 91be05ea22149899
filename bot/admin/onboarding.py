"""Connecting a seller: parse the command, check the key with its marketplace, save it,
first sync.

Nothing is stored until the marketplace has accepted the key. The key travels as a
``SecretStr`` and is written only encrypted; the audit entry names the seller, never the key.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr

from bot.admin.cabinets import Cabinet, ListsCabinets, find_cabinets, is_read_only
from bot.admin.notify import post_in_group
from bot.admin.push_registration import PushRegistration, Registration
from bot.outbox.queue import enqueue_notice
from bot.sync.poller import PollReport
from bot.sync.scheduler import SyncScheduler
from bot.texts import TEXTS, Locale, for_marketplace, plain_text, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted
from connectors.errors import AuthFailed, MarketplaceError, PremiumRequired
from connectors.marketplace.port import Credentials, Marketplace
from connectors.marketplace.registry import MarketplaceRegistry
from storage.database import Database
from storage.errors import Conflict, NotFound
from storage.records import Seller, Workspace
from storage.tg_outbox_repo import PRIORITY_NOTICE
from storage.vault import Vault

logger = logging.getLogger(__name__)

MARKETPLACES: tuple[str, ...] = ("ozon", "wildberries", "ym")
#: How people may type a marketplace in ``/add_seller`` (bot.texts.input_words).
MARKETPLACE_WORDS: dict[str, str] = accepted(vocab.MARKETPLACES)
#: Marketplaces whose key alone is typed: ``/add_seller wb <token> [name]`` (WB's token
#: names the seller; a YM key's cabinet is found from its campaigns).
TOKEN_ONLY: frozenset[str] = frozenset({"wildberries", "ym"})
#: A default shop name is stored once and shown to everyone, so it is not in the admin's
#: language but in this one (the names shops already have).
NAME_LOCALE: Locale = "ru"


def display_name(marketplace: str, locale: Locale) -> str:
    """The marketplace as people read it ("Яндекс Маркет" / "Yandex Market"), plain text."""
    key = f"marketplace.name.{marketplace}"
    return plain_text(key, locale) if key in TEXTS else marketplace.capitalize()


MAX_NAME = 64
MAX_TOKEN = 4096


class KeyCheck(StrEnum):
    """What Ozon said about a Client-Id and Api-Key pair."""

    OK = "ok"
    BAD_CLIENT_ID = "bad_client_id"
    INVALID_KEY = "invalid_key"
    NO_PREMIUM = "no_premium"
    UNREACHABLE = "unreachable"
    EXPIRED_TOKEN = "expired_token"
    MISSING_SCOPE = "missing_scope"
    BASE_TOKEN = "base_token"
    READ_ONLY = "read_only"
    NO_CABINET = "no_cabinet"


class AddOutcome(StrEnum):
    ADDED = "added"
    DUPLICATE = "duplicate"
    CHOOSE_CABINET = "choose_cabinet"  # the key reaches several: the admin picks one


@dataclass(frozen=True, slots=True)
class SellerDraft:
    """Everything needed to connect a seller (the key stays secret in reprs)."""

    marketplace: str
    client_id: str
    api_key: SecretStr
    name: str


@dataclass(frozen=True, slots=True)
class Usage:
    """The one-line command was malformed; ``reason`` names the text key to show."""

    reason: str


def valid_client_id(value: str) -> bool:
    """Ozon's Client-Id is a positive integer (Ozon refuses anything else with 400)."""
    value = value.strip()
    return value.isascii() and value.isdigit() and int(value) > 0 and len(value) <= 20


def clean_name(value: str) -> str | None:
    """A display name of 1..64 characters on one line, or None."""
    name = " ".join(value.split())
    return name if 1 <= len(name) <= MAX_NAME else None


def default_name(marketplace: str, client_id: str) -> str:
    return f"{display_name(marketplace, NAME_LOCALE)} {client_id}".strip()


def looks_like_key(value: str) -> bool:
    """An Api-Key is one token of printable characters (a UUID on Ozon, a JWT on WB)."""
    value = value.strip()
    return (
        8 <= len(value) <= MAX_TOKEN
        and value.isprintable()
        and not any(c.isspace() for c in value)
    )


def parse_one_line(command_text: str) -> SellerDraft | Usage | None:
    """``/add_seller ozon <Client-Id> <Api-Key> [name]`` or ``/add_seller wb <token>
    [name]``; None when there are no arguments (the wizard starts then)."""
    parts = command_text.strip().split(maxsplit=4)
    if len(parts) == 1:
        return None
    marketplace = MARKETPLACE_WORDS.get(parts[1].lower())
    if marketplace is None:
        return Usage("add.usage.marketplaces")
    if marketplace in TOKEN_ONLY:
        return _token_only(marketplace, command_text)
    return _with_client_id(marketplace, parts)


def carries_key(command_text: str) -> bool:
    """Whether a /add_seller line may hold a key (anything past the marketplace word),
    well-formed or not: such a message must not stay in any chat."""
    return len(command_text.split()) >= 3


def _with_client_id(marketplace: str, parts: list[str]) -> SellerDraft | Usage:
    """``/add_seller ozon <Client-Id> <Api-Key> [name]``."""
    if len(parts) < 4 or not looks_like_key(parts[3]):
        return Usage("add.usage")
    client_id, api_key = parts[2], parts[3]
    if not valid_client_id(client_id):
        return Usage("key.bad_client_id")
    name = clean_name(parts[4]) if len(parts) == 5 else default_name(marketplace, client_id)
    if name is None:
        return Usage("add.bad_name")
    return SellerDraft(marketplace, client_id, SecretStr(api_key), name)


def _token_only(marketplace: str, command_text: str) -> SellerDraft | Usage:
    """``/add_seller wb <token> [name]``: the account id comes from the token later."""
    parts = command_text.strip().split(maxsplit=3)
    if len(parts) < 3 or not looks_like_key(parts[2]):
        return Usage(for_marketplace("add.usage.token", marketplace))
    name = clean_name(parts[3]) if len(parts) == 4 else default_name(marketplace, "")
    if name is None:
        return Usage("add.bad_name")
    return SellerDraft(marketplace, "", SecretStr(parts[2]), name)


async def check_key(marketplace: Marketplace, *, client_id: str, api_key: SecretStr) -> KeyCheck:
    """Ask the marketplace with its cheapest call whether this key works and allows chats."""
    if marketplace.rules.numeric_account_id and not valid_client_id(client_id):
        return KeyCheck.BAD_CLIENT_ID
    api = marketplace.channel(Credentials(account_id=client_id, secret=api_key))
    try:
        await api.check_access()
    except AuthFailed as exc:
        if is_read_only(exc):
            return KeyCheck.READ_ONLY
        return _AUTH_OUTCOMES.get(exc.kind, KeyCheck.INVALID_KEY)
    except PremiumRequired:
        return KeyCheck.NO_PREMIUM
    except MarketplaceError as exc:
        logger.info("key check client_id=%s failed: %s", client_id, type(exc).__name__)
        return KeyCheck.UNREACHABLE
    return KeyCheck.OK


async def _with_account(marketplace: Marketplace, draft: SellerDraft) -> SellerDraft | AddResult:
    """The draft with its account id when the key names it (WB) or reaches one cabinet
    (YM); a refusal, or the cabinets to choose from, as a result."""
    account = marketplace.account_id_of(draft.api_key)
    if account is None and not draft.client_id and isinstance(marketplace, ListsCabinets):
        lookup = await find_cabinets(marketplace, draft.api_key)  # YM: from campaigns
        if lookup.refusal is not None:
            return AddResult(KeyCheck(lookup.refusal))
        if len(lookup.cabinets) > 1:
            return AddResult(AddOutcome.CHOOSE_CABINET, cabinets=lookup.cabinets)
        return with_cabinet(draft, lookup.cabinets[0])
    if account is None:
        return draft
    draft = dataclasses.replace(draft, client_id=account)
    if draft.name == default_name(draft.marketplace, ""):
        draft = dataclasses.replace(draft, name=default_name(draft.marketplace, account))
    return draft


def with_cabinet(draft: SellerDraft, cabinet: Cabinet) -> SellerDraft:
    """The draft for the cabinet the admin picked (named after it unless named already)."""
    name = draft.name
    if name == default_name(draft.marketplace, ""):
        shown = display_name(draft.marketplace, NAME_LOCALE)
        name = clean_name(f"{shown} {cabinet.name}") or name
    return dataclasses.replace(draft, client_id=cabinet.account_id, name=name)


_AUTH_OUTCOMES: dict[str, KeyCheck] = {
    "bad_client_id": KeyCheck.BAD_CLIENT_ID,
    "expired_token": KeyCheck.EXPIRED_TOKEN,
    "missing_scope": KeyCheck.MISSING_SCOPE,
    "token_rate_too_low": KeyCheck.BASE_TOKEN,
}


def key_check_text(outcome: KeyCheck, locale: Locale, marketplace: str = "") -> str:
    """What the check said, in the words of the seller's marketplace when they differ."""
    return text(for_marketplace(f"key.{outcome.value}", marketplace), locale)


@dataclass(frozen=True, slots=True)
class AddResult:
    outcome: KeyCheck | AddOutcome
    seller: Seller | None = None
    cabinets: tuple[Cabinet, ...] = ()

    @property
    def added(self) -> bool:
        return self.outcome is AddOutcome.ADDED


@dataclass(frozen=True, slots=True)
class FirstSync:
    report: PollReport | None  # None: the poll failed (the scheduler retries on its own)
    error: str | None


ProgressSink = Callable[[PollReport], Awaitable[None]]


class Onboarding:
    def __init__(
        self,
        *,
        db: Database,
        vault: Vault,
        marketplaces: MarketplaceRegistry,
        sync: SyncScheduler,
        push: PushRegistration | None = None,
    ) -> None:
        self._db = db
        self._vault = vault
        self._marketplaces = marketplaces
        self._sync = sync
        self._push = push

    async def register_push(self, seller: Seller) -> Registration:
        """After a shop is added: its push URL registered with the marketplace when it
        allows that (Ozon), else left for the admin to paste."""
        if self._push is None:
            return Registration.NO_PUBLIC_URL
        return await self._push.register(seller)

    async def check_typed_key(
        self, marketplace: str, *, client_id: str, api_key: SecretStr
    ) -> tuple[KeyCheck, str]:
        """A key typed into the wizard, checked: the outcome and the account id to keep
        (the one the key names, as WB's token does, else the Client-Id typed before)."""
        api = self._marketplaces.get(marketplace)
        account = api.account_id_of(api_key) or client_id
        return await check_key(api, client_id=account, api_key=api_key), account

    async def workspace(self, workspace_id: int) -> Workspace | None:
        """A workspace picked by a button (ids come from the client: it may be gone)."""
        try:
            return await self._db.workspaces.get(workspace_id=workspace_id)
        except NotFound:
            return None

    async def group_workspace(self, tg_chat_id: int) -> Workspace | None:
        """The group an /add_seller was sent in, bound or pending (None: never seen)."""
        return await self._db.workspaces.find_by_chat(tg_chat_id=tg_chat_id)

    async def tell_group(
        self,
        *,
        workspace: Workspace | None,
        tg_chat_id: int,
        title: str,
        locale: Locale,
        keys: Sequence[str],
        dedup_key: str,
        thread_id: int | None,
        kick: Callable[[], None],
    ) -> None:
        """Say in a group what became of an /add_seller sent there (the key deleted, the
        rest in private), in the group's language. A group not bound yet is registered
        pending, so the notice goes through its outbox like any other."""
        if workspace is None:
            workspace = await self._db.workspaces.register_pending(
                tg_chat_id=tg_chat_id, title=title, locale=locale
            )
        body = "\n".join(text(key, workspace.locale) for key in keys)
        await post_in_group(self._db, workspace=workspace, html_text=body, key=dedup_key,
                            kick=kick, thread_id=thread_id)  # fmt: skip

    async def add(
        self, *, actor_tg_user_id: int, workspace: Workspace, draft: SellerDraft
    ) -> AddResult:
        """Check with the marketplace, then save encrypted and audit; nothing is saved on
        failure."""
        marketplace = self._marketplaces.get(draft.marketplace)
        resolved = await _with_account(marketplace, draft)
        if isinstance(resolved, AddResult):
            return resolved
        draft = resolved
        existing = await self._db.sellers.find(
            marketplace=draft.marketplace, client_id=draft.client_id
        )
        archived_here = (
            existing is not None
            and existing.state == "removed"
            and existing.workspace_id == workspace.id
        )
        if existing is not None and not archived_here:
            # Live, or archived in another group (its chats and topics live there).
            return AddResult(AddOutcome.DUPLICATE, existing)
        checked = await check_key(marketplace, client_id=draft.client_id, api_key=draft.api_key)
        if checked is not KeyCheck.OK:
            logger.info("seller client_id=%s not added: %s", draft.client_id, checked.value)
            return AddResult(checked)
        if existing is not None:
            return await self._restore(actor_tg_user_id, workspace, existing, draft)
        try:
            seller = await self._db.sellers.create(
                workspace_id=workspace.id,
                marketplace=draft.marketplace,
                name=draft.name,
                client_id=draft.client_id,
                api_key_encrypted=self._vault.encrypt(draft.api_key),
                created_by_tg_user_id=actor_tg_user_id,
            )
        except Conflict:  # added by someone else a moment ago
            existing = await self._db.sellers.find(
                marketplace=draft.marketplace, client_id=draft.client_id
            )
            return AddResult(AddOutcome.DUPLICATE, existing)
        await self._db.audit.record(
            actor_tg_user_id=actor_tg_user_id,
            action="seller.add",
            workspace_id=workspace.id,
            seller_id=seller.id,
            details={"name": seller.name, "client_id": seller.client_id,
                     "marketplace": seller.marketplace},
        )  # fmt: skip
        logger.info("seller=%d added to workspace=%d", seller.id, workspace.id)
        return AddResult(AddOutcome.ADDED, seller)

    async def _restore(
        self, actor_tg_user_id: int, workspace: Workspace, archived: Seller, draft: SellerDraft
    ) -> AddResult:
        """The same row again, with the new key: its chats and topics are reused."""
        try:
            async with self._db.transaction() as conn:
                seller = await self._db.sellers.reactivate(
                    seller_id=archived.id,
                    name=draft.name,
                    api_key_encrypted=self._vault.encrypt(draft.api_key),
                    conn=conn,
                )
                await self._db.audit.record(
                    actor_tg_user_id=actor_tg_user_id,
                    action="seller.restore",
                    workspace_id=workspace.id,
                    seller_id=seller.id,
                    details={"name": seller.name, "client_id": seller.client_id,
                             "marketplace": seller.marketplace},
                    conn=conn,
                )  # fmt: skip
                await enqueue_notice(
                    self._db,
                    workspace_id=workspace.id,
                    text=text("seller.restored", workspace.locale, shop=seller.name),
                    key=f"seller-restored:{seller.id}:{seller.updated_at.isoformat()}",
                    priority=PRIORITY_NOTICE,
                    conn=conn,
                )
        except NotFound:  # restored by someone else a moment ago
            return AddResult(AddOutcome.DUPLICATE, archived)
        logger.info("seller=%d restored from its archive in workspace=%d", seller.id, workspace.id)
        return AddResult(AddOutcome.ADDED, seller)

    async def first_sync(self, seller: Seller, progress: ProgressSink | None = None) -> FirstSync:
        """Mirror the recent chats now, reporting as pages go by; then schedule polling."""
        report = await self._sync.run_now(seller.id, progress=progress)
        await self._sync.reconcile()
        if report is not None:
            return FirstSync(report, None)
        state = await self._db.sync_state.get(seller_id=seller.id)
        current = await self._db.sellers.get(seller_id=seller.id)
        return FirstSync(None, current.state_reason or state.last_error)


class ProgressEditor:
    """Turns poll progress into edits of one message: the first progress at once, then at
    most one edit per ``interval`` seconds, never the same text twice (Telegram refuses
    an unchanged edit)."""

    def __init__(
        self,
        edit: Callable[[str], Awaitable[None]],
        *,
        locale: Locale,
        shop: str,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._edit = edit
        self._locale = locale
        self._shop = shop
        self._interval = interval
        self._clock = clock
        self._last_text: str | None = None
        self._last_progress_at: float | None = None

    async def __call__(self, report: PollReport) -> None:
        now = self._clock()
        if self._last_progress_at is not None and now - self._last_progress_at < self._interval:
            return
        self._last_progress_at = now
        await self.show(progress_text(report, self._locale, self._shop))

    async def show(self, value: str) -> None:
        """Show a status line now (start, summary), whatever the pacing."""
        if value == self._last_text:
            return
        self._last_text = value
        await self._edit(value)


def progress_text(report: PollReport, locale: Locale, shop: str) -> str:
    return text(
        "add.progress",
        locale,
        shop=shop,
        found=report.chats_listed,
        imported=report.chats_imported,
    )


def summary_text(
    result: FirstSync, locale: Locale, *, shop: str, group: str, marketplace: str
) -> str:
    if result.report is None:
        reason_key = for_marketplace(f"seller_reason.{result.error}", marketplace)
        if reason_key not in TEXTS:
            reason_key = for_marketplace("add.sync_failed.network", marketplace)
        why = text(reason_key, locale)
        return text("add.sync_failed", locale, shop=shop, group=group, why=why)
    report = result.report
    return text(
        for_marketplace("add.summary", marketplace),
        locale,
        shop=shop,
        group=group,
        found=report.chats_listed,
        imported=report.chats_imported,
        remembered=report.chats_remembered,
    )
