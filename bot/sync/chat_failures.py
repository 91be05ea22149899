"""One chat that cannot be read must not stop its seller's other chats.

Errors are sorted into two kinds. Seller-wide ones (the key, the subscription, the rate
limit after retries, a network or 5xx outage, the database) fail the whole poll as before:
nothing about one chat would help. Anything else raised while reading or storing one chat
(a 400 for that chat, a page that fails validation, an unexpected bug) is that chat's own:
the chat is backed off on its own schedule and the rest of the poll goes on. After
``REPORT_AFTER`` failures the chat is announced once in General, and once more when it
recovers; the flag and the notice are written in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from bot.outbox.queue import enqueue_notice
from bot.retry import backoff
from bot.sla.format import topic_link
from bot.texts import Locale, for_marketplace, text
from connectors.errors import (
    AuthFailed,
    BadRequest,
    MarketplaceUnavailable,
    PremiumRequired,
    RateLimited,
    ServerError,
)
from connectors.marketplace.messages import ChatInfo
from storage.database import Database
from storage.records import ChatSyncFailure, Seller, Workspace
from storage.tg_outbox_repo import PRIORITY_NOTICE
from storage.vault import VaultError

logger = logging.getLogger(__name__)

REPORT_AFTER = 3
CHAT_BACKOFF_BASE = timedelta(minutes=1)
CHAT_BACKOFF_CAP = timedelta(hours=1)

_SELLER_WIDE: tuple[type[BaseException], ...] = (
    AuthFailed,
    PremiumRequired,
    RateLimited,
    ServerError,
    MarketplaceUnavailable,
    VaultError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    OSError,
)


def is_chat_level(error: BaseException) -> bool:
    """True when the error is about one chat, not about the seller or the infrastructure."""
    return isinstance(error, Exception) and not isinstance(error, _SELLER_WIDE)


def failure_reason(error: BaseException) -> str:
    """A code for people (texts ``sync.why.*``); never carries a body or a secret."""
    if isinstance(error, BadRequest):
        return "bad_request"
    if "malformed response" in str(error):
        return "malformed"
    return "unexpected"


def chat_retry_at(failures: int, now: datetime) -> datetime:
    return now + backoff(failures, base=CHAT_BACKOFF_BASE, cap=CHAT_BACKOFF_CAP)


def chat_name(
    failure: ChatSyncFailure, workspace: Workspace, locale: Locale, marketplace: str
) -> str:
    """How people find the chat: its topic, else its order, else the marketplace's chat id."""
    if failure.topic_thread_id is not None and failure.topic_workspace_id == workspace.id:
        title = failure.topic_name or failure.order_number or failure.external_id
        return text(
            "sync.chat_name.topic",
            locale,
            link=topic_link(workspace.tg_chat_id, failure.topic_thread_id),
            title=title,
        )
    if failure.order_number:
        return text("sync.chat_name.order", locale, order=failure.order_number)
    key = for_marketplace("sync.chat_name.id", marketplace)
    return text(key, locale, chat_id=failure.external_id)


class ChatFailures:
    """Records, backs off, reports and clears one chat's sync failures."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._clock = clock

    async def record(self, seller: Seller, summary: ChatInfo, error: Exception) -> None:
        reason = failure_reason(error)
        now = self._clock()
        async with self._db.transaction() as conn:
            failure = await self._db.chats.record_sync_failure(
                seller_id=seller.id,
                external_id=summary.chat_id,
                chat_type=summary.chat_type,
                status="closed" if summary.closed else "open",
                error=reason,
                conn=conn,
            )
            report = failure.sync_failures >= REPORT_AFTER and not failure.sync_reported
            await self._db.chats.set_sync_retry(
                chat_id=failure.id,
                retry_at=chat_retry_at(failure.sync_failures, now),
                reported=report,
                conn=conn,
            )
            if report:
                await self._notice(seller, failure, "failing", reason, conn=conn)
        logger.warning(
            "seller=%d chat=%s skipped (%s: %s), failure %d",
            seller.id, summary.chat_id, reason, type(error).__name__, failure.sync_failures,
        )  # fmt: skip

    async def recovered(self, seller: Seller, failure: ChatSyncFailure) -> None:
        async with self._db.transaction() as conn:
            was_reported = await self._db.chats.clear_sync_failure(chat_id=failure.id, conn=conn)
            if was_reported:
                await self._notice(seller, failure, "recovered", None, conn=conn)
        if was_reported is not None:
            logger.info("seller=%d chat=%s syncs again", seller.id, failure.external_id)

    async def _notice(
        self,
        seller: Seller,
        failure: ChatSyncFailure,
        event: str,
        reason: str | None,
        *,
        conn: asyncpg.Connection,
    ) -> None:
        workspace = await self._db.workspaces.get(workspace_id=seller.workspace_id, conn=conn)
        locale = workspace.locale
        values: dict[str, str] = {
            "shop": seller.name,
            "chat": chat_name(failure, workspace, locale, seller.marketplace),
        }
        if reason is not None:
            values["why"] = text(for_marketplace(f"sync.why.{reason}", seller.marketplace), locale)
        key = "sync.chat_failing" if event == "failing" else "sync.chat_recovered"
        key = for_marketplace(key, seller.marketplace)
        await enqueue_notice(
            self._db,
            workspace_id=workspace.id,
            text=text(key, locale, **values),
            key=f"chat-sync:{failure.id}:{event}:{self._clock().isoformat()}",
            priority=PRIORITY_NOTICE,
            conn=conn,
        )
