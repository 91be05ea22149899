"""What /sellers shows and does: pause, resume, replace the key, remove; each audited.

Callers have already checked the person's role for the seller's workspace; these methods
only act and record who did what (never the key).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr

from bot.admin.onboarding import KeyCheck, check_key
from bot.outbox.queue import enqueue_notice
from bot.sync.poller import PollReport
from bot.sync.scheduler import SyncScheduler
from bot.texts import TEXTS, Locale, for_marketplace, text
from connectors.marketplace.registry import MarketplaceRegistry
from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller, SyncState, Workspace
from storage.sql import Executor
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK, PRIORITY_COSMETIC, PRIORITY_NOTICE
from storage.vault import Vault

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SellerCard:
    seller: Seller
    workspace: Workspace
    sync: SyncState
    waiting: int


class SellerAdmin:
    def __init__(
        self,
        *,
        db: Database,
        vault: Vault,
        marketplaces: MarketplaceRegistry,
        sync: SyncScheduler,
    ) -> None:
        self._db = db
        self._vault = vault
        self._marketplaces = marketplaces
        self._sync = sync

    async def cards(self, workspaces: list[Workspace]) -> list[SellerCard]:
        """Every seller of these workspaces with its sync state and waiting chats."""
        by_id = {w.id: w for w in workspaces}
        sellers = [
            s for w in workspaces for s in await self._db.sellers.list_all(workspace_id=w.id)
        ]
        waiting = await self._db.chats.count_waiting(seller_ids=[s.id for s in sellers])
        return [
            SellerCard(
                seller=s,
                workspace=by_id[s.workspace_id],
                sync=await self._db.sync_state.get(seller_id=s.id),
                waiting=waiting.get(s.id, 0),
            )
            for s in sellers
        ]

    async def card(self, seller_id: int) -> SellerCard:
        """One seller's card, fresh from the database (raises NotFound, also for a removed
        shop: its archive has no card and no buttons)."""
        seller = await self._db.sellers.get(seller_id=seller_id)
        if seller.state == "removed":
            raise NotFound(f"seller {seller_id} was removed")
        workspace = await self._db.workspaces.get(workspace_id=seller.workspace_id)
        waiting = await self._db.chats.count_waiting(seller_ids=[seller.id])
        return SellerCard(
            seller=seller,
            workspace=workspace,
            sync=await self._db.sync_state.get(seller_id=seller.id),
            waiting=waiting.get(seller.id, 0),
        )

    async def pause(self, *, actor_tg_user_id: int, seller: Seller) -> Seller:
        """Stop polling and relaying replies; chats and topics stay as they are."""
        updated = await self._db.sellers.set_state(seller_id=seller.id, state="paused")
        await self._audit(actor_tg_user_id, "seller.pause", seller)
        await self._sync.reconcile()
        return updated

    async def resume(self, *, actor_tg_user_id: int, seller: Seller) -> Seller:
        """Back to polling; a seller that was failing is retried at once by the caller."""
        updated = await self._db.sellers.set_state(seller_id=seller.id, state="active")
        await self._audit(actor_tg_user_id, "seller.resume", seller)
        await self._sync.reconcile()
        return updated

    async def replace_key(
        self, *, actor_tg_user_id: int, seller: Seller, api_key: SecretStr
    ) -> KeyCheck:
        """Check the new key with the marketplace first; store it (encrypted) only if the
        marketplace accepts it."""
        checked = await check_key(
            self._marketplaces.get(seller.marketplace), client_id=seller.client_id, api_key=api_key
        )
        if checked is not KeyCheck.OK:
            logger.info("seller=%d new key refused: %s", seller.id, checked.value)
            return checked
        async with self._db.transaction() as conn:
            await self._db.sellers.replace_key(
                seller_id=seller.id, api_key_encrypted=self._vault.encrypt(api_key), conn=conn
            )
            current = await self._db.sellers.get(seller_id=seller.id, conn=conn)
            if seller.state == "paused" and current.state != "paused":
                # A new key fixes a failing seller, but a pause is a person's decision.
                await self._db.sellers.set_state(seller_id=seller.id, state="paused", conn=conn)
        await self._audit(actor_tg_user_id, "seller.key_replace", seller)
        await self._sync.reconcile()
        return checked

    async def poll_now(self, seller: Seller) -> PollReport | None:
        return await self._sync.run_now(seller.id)

    async def remove(self, *, actor_tg_user_id: int, seller: Seller) -> bool:
        """Archive the shop: polling stops and its key is dropped, but its chats, messages,
        turns, statistics and topics stay; queued replies are refused with the reason in
        their topics; waiting topics and General say the shop is disconnected.

        All in one transaction. False if it was already removed (two confirmations at once:
        the row lock makes the second wait, then find it removed and do nothing)."""
        try:
            async with self._db.transaction() as conn:
                current = await self._db.sellers.get_for_update(seller_id=seller.id, conn=conn)
                if current.state == "removed":
                    return False
                workspace = await self._db.workspaces.get(
                    workspace_id=current.workspace_id, conn=conn
                )
                await self._audit(actor_tg_user_id, "seller.remove", seller, conn=conn)
                await self._db.sellers.archive(seller_id=seller.id, conn=conn)
                await announce_removal(self._db, current, workspace, conn=conn)
        except NotFound:
            return False
        await self._sync.reconcile()
        logger.info("seller=%d removed (archived)", seller.id)
        return True

    async def _audit(
        self, actor: int, action: str, seller: Seller, *, conn: Executor | None = None
    ) -> None:
        await self._db.audit.record(
            actor_tg_user_id=actor,
            action=action,
            workspace_id=seller.workspace_id,
            seller_id=seller.id,
            details={"name": seller.name, "client_id": seller.client_id},
            conn=conn,
        )


SELLER_REMOVED = "seller_removed"  # reply_outbox.error_code of replies refused by removal


async def announce_removal(
    db: Database, seller: Seller, workspace: Workspace, *, conn: Executor
) -> None:
    """Queue what removal tells people, inside the removal's transaction: a refusal for
    every queued reply (in its topic, answering the agent's message), one line in each
    topic whose buyer still waits, one line in General."""
    locale, shop = workspace.locale, seller.name
    refused = await db.sellers.fail_queued_replies(
        seller_id=seller.id, reason=SELLER_REMOVED, conn=conn
    )
    for index, (chat_id, tg_message_id, maybe_arrived) in enumerate(refused):
        key = "seller.removed.reply_unknown" if maybe_arrived else "seller.removed.reply_refused"
        await enqueue_notice(
            db,
            workspace_id=workspace.id,
            text=text(key, locale, shop=shop),
            key=f"seller-removed:{seller.id}:{seller.updated_at.isoformat()}:reply:{index}",
            chat_id=chat_id,
            reply_to=tg_message_id,
            priority=PRIORITY_AGENT_FEEDBACK,
            conn=conn,
        )
    for chat_id in await db.sellers.chats_with_open_turn(seller_id=seller.id, conn=conn):
        await enqueue_notice(
            db,
            workspace_id=workspace.id,
            text=text("seller.removed.topic", locale, shop=shop),
            key=f"seller-removed:{seller.id}:{seller.updated_at.isoformat()}:{chat_id}",
            chat_id=chat_id,
            priority=PRIORITY_COSMETIC,
            conn=conn,
        )
    await enqueue_notice(
        db,
        workspace_id=workspace.id,
        text=text("seller.removed.general", locale, shop=shop),
        key=f"seller-removed:{seller.id}:{seller.updated_at.isoformat()}:general",
        priority=PRIORITY_NOTICE,
        conn=conn,
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Moscow")


def format_moment(moment: datetime | None, timezone: str, locale: Locale) -> str:
    if moment is None:
        return text("sellers.never", locale)
    return moment.astimezone(_zone(timezone)).strftime("%d.%m %H:%M")


def state_line(card: SellerCard, locale: Locale) -> str:
    """Active / paused / failing, and why in words a person can act on."""
    seller, sync = card.seller, card.sync
    if seller.state == "paused":
        return text("sellers.state.paused", locale)
    if seller.state == "failing":
        reason_key = for_marketplace(f"seller_reason.{seller.state_reason}", seller.marketplace)
        why = text(reason_key, locale) if reason_key in TEXTS else (seller.state_reason or "")
        return text("sellers.state.failing", locale, why=why)
    if sync.consecutive_failures:
        since = format_moment(sync.last_success_at, seller.timezone, locale)
        return text(
            "sellers.state.unreachable", locale, attempts=sync.consecutive_failures, since=since
        )
    return text("sellers.state.active", locale)


def card_text(card: SellerCard, locale: Locale) -> str:
    seller = card.seller
    return text(
        "sellers.card",
        locale,
        shop=seller.name,
        marketplace=seller.marketplace.capitalize(),
        client_id=seller.client_id,
        group=card.workspace.title,
        state=state_line(card, locale),
        last_sync=format_moment(card.sync.last_success_at, seller.timezone, locale),
        waiting=card.waiting,
    )


# Telegram's limit is 4096 characters; beyond this the list switches to one line per seller.
FULL_LIST_LIMIT = 3500


def list_text(cards: list[SellerCard], locale: Locale) -> str:
    """Full cards while they fit one message; one line per seller beyond that (the
    buttons open each card)."""
    if not cards:
        return text("sellers.empty", locale)
    title = text("sellers.title", locale)
    full = title + "\n\n" + "\n\n".join(card_text(card, locale) for card in cards)
    if len(full) <= FULL_LIST_LIMIT:
        return full
    lines = [
        text("sellers.line", locale, shop=card.seller.name[:40],
             state=short_state(card, locale), waiting=card.waiting)
        for card in cards
    ]  # fmt: skip
    return title + "\n" + "\n".join(lines)


def short_state(card: SellerCard, locale: Locale) -> str:
    if card.seller.state == "paused":
        return "⏸"
    if card.seller.state == "failing" or card.sync.consecutive_failures:
        return "⚠️"
    return "✅"


def remove_warning(card: SellerCard, locale: Locale) -> str:
    return text(
        "sellers.remove_confirm",
        locale,
        shop=card.seller.name,
        group=card.workspace.title,
    )
