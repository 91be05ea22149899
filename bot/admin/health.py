"""Health notices: one message in the workspace's General topic when a seller starts
failing, and one when it recovers, never one per poll.

``sync_state.health_notice`` remembers what was last announced; the flip and the queued
notice are written in one transaction, so a crash cannot lose the notice or send it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.outbox.queue import enqueue_notice
from bot.texts import TEXTS, Locale, for_marketplace, text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller, SyncState
from storage.tg_outbox_repo import PRIORITY_NOTICE

logger = logging.getLogger(__name__)

Health = Literal["ok", "failing"]


def assess_health(
    seller: Seller, sync: SyncState, *, now: datetime, threshold: timedelta
) -> Health | None:
    """What should be announced now; None means "no opinion, keep what was said".

    A key or subscription problem is failing at once (it will not fix itself); transient
    errors only after they have lasted ``threshold`` since the last success.
    """
    if seller.state == "paused":
        return None  # paused on purpose: nothing to alarm anyone about
    if seller.state == "failing":
        return "failing"
    if sync.consecutive_failures == 0:
        return "ok" if sync.last_success_at is not None else None
    since = sync.last_success_at or seller.created_at
    return "failing" if now - since >= threshold else None


def notice_text(seller: Seller, sync: SyncState, health: Health, locale: Locale) -> str:
    shop = seller.name
    if health == "ok":
        return text("health.recovered", locale, shop=shop)
    reason_key = for_marketplace(f"seller_reason.{seller.state_reason}", seller.marketplace)
    if seller.state == "failing" and reason_key in TEXTS:
        why = text(reason_key, locale)
    else:
        why = text("health.unreachable", locale, attempts=sync.consecutive_failures)
    return text("health.failing", locale, shop=shop, why=why)


class HealthMonitor:
    def __init__(
        self,
        *,
        db: Database,
        threshold: timedelta,
        kick: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._threshold = threshold
        self._kick = kick
        self._clock = clock

    async def check(
        self, seller_id: int, seen: tuple[Seller, SyncState] | None = None
    ) -> Health | None:
        """Announce a change of health if there is one; returns what was announced.

        ``seen``: the seller and its sync state as a poll just left them; then an unchanged
        health (the usual case, once a minute per seller) costs no database read."""
        try:
            seller, sync = seen if seen is not None else await self._read(seller_id)
            health = assess_health(seller, sync, now=self._clock(), threshold=self._threshold)
            if health is None or health == sync.health_notice:
                return None
            workspace = await self._db.workspaces.get(workspace_id=seller.workspace_id)
        except NotFound:
            return None  # removed meanwhile
        async with self._db.transaction() as conn:
            if not await self._db.sync_state.set_health_notice(
                seller_id=seller_id, notice=health, conn=conn
            ):
                return None  # another run announced it first
            await enqueue_notice(
                self._db,
                workspace_id=workspace.id,
                text=notice_text(seller, sync, health, workspace.locale),
                key=f"health:{seller_id}:{health}:{self._clock().isoformat()}",
                priority=PRIORITY_NOTICE,
                conn=conn,
            )
        logger.info("seller=%d health notice: %s", seller_id, health)
        if self._kick is not None:
            self._kick()
        return health

    async def _read(self, seller_id: int) -> tuple[Seller, SyncState]:
        seller = await self._db.sellers.get(seller_id=seller_id)
        return seller, await self._db.sync_state.get(seller_id=seller_id)
