"""One poll of one seller: find chats with new activity, fetch only their new messages.

Ozon has no "updates" endpoint, so activity is found from ``/v3/chat/list``:

1. the unread-only list (new buyer messages; usually one page);
2. the full list, which Ozon (and our emulator) orders by last activity, newest first:
   pages are read until one page holds no change, because older pages cannot have
   changed if the order holds (the unread walk stops the same way). That order is
   undocumented, so every ``full_scan_every`` the whole list is walked to catch anything
   the guess missed (cabinet replies to old chats, for instance).

A chat "changed" when its ``last_message_id`` differs from the cursor stored for it. An
idle seller therefore costs two list calls per poll whatever its number of chats, and a
changed chat costs one ``/v3/chat/history`` call from its cursor.

The first poll of a new seller mirrors only chats with activity inside the reply window
(older ones are remembered by cursor, not mirrored), walking history newest first and
stopping history reads after a run of chats older than the window.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.seller_api import SellerApis
from bot.sync.chat_failures import ChatFailures, is_chat_level
from bot.sync.ingest import ingest_chat, message_order, remember_chats
from connectors.errors import ChatNotFound
from connectors.ozon.client import OzonSellerApi
from connectors.ozon.models import ChatMessage, ChatSummary
from storage.database import Database
from storage.records import ChatSyncFailure, Seller

logger = logging.getLogger(__name__)

LIST_PAGE = 100  # Ozon's documented maximum for /v3/chat/list
HISTORY_PAGE = 100
NEW_CHAT_HISTORY = 50  # newest messages read for a chat we have never seen
OLD_RUN_TO_STOP = 20  # first sync: consecutive chats older than the window before we trust order


@dataclass(slots=True)
class PollReport:
    """What a poll saw and did; shown to admins (first sync progress) and used by tests."""

    seller_id: int
    chats_listed: int = 0
    chats_changed: int = 0
    chats_imported: int = 0
    chats_remembered: int = 0
    messages_stored: int = 0
    calls: int = 0
    full_scan: bool = False
    initial: bool = False
    skipped_chats: list[str] = field(default_factory=list)
    failed_chats: list[str] = field(default_factory=list)  # skipped with their own backoff
    backed_off_chats: list[str] = field(default_factory=list)  # not due for a retry yet


Progress = Callable[[PollReport], Awaitable[None]]


Change = tuple[ChatSummary, str | None]  # a listed chat and our stored cursor (None: new)


@dataclass(frozen=True, slots=True)
class _Changes:
    """The changed chats of a listed page, minus those backing off; ``failing`` are the
    chats among them with past failures (cleared once read successfully)."""

    due: list[Change]
    failing: dict[str, ChatSyncFailure]
    backed_off: list[str]


class SellerPoller:
    """Polls sellers; holds no per-seller state (that lives in the database)."""

    def __init__(
        self,
        *,
        db: Database,
        apis: SellerApis,
        reply_window: timedelta = timedelta(hours=48),
        full_scan_every: timedelta = timedelta(hours=6),
        max_concurrent_polls: int = 16,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._apis = apis
        self._ozon = apis.client
        self._reply_window = reply_window
        self._full_scan_every = full_scan_every
        # Bounds the HTTP and database connections polls hold at once, however many
        # sellers' jobs fire together.
        self._slots = asyncio.Semaphore(max_concurrent_polls)
        self._clock = clock
        self._failures = ChatFailures(db=db, clock=clock)

    async def poll(self, seller: Seller, progress: Progress | None = None) -> PollReport:
        """Poll once; raises the connector's errors (the runner decides what they mean)."""
        async with self._slots:
            return await self._poll(seller, progress)

    async def _poll(self, seller: Seller, progress: Progress | None) -> PollReport:
        api = await self._apis.for_seller(seller)
        state = await self._db.sync_state.get(seller_id=seller.id)
        now = self._clock()
        report = PollReport(seller_id=seller.id, initial=state.initial_sync_done_at is None)
        report.full_scan = report.initial or (
            state.full_scan_at is None or now - state.full_scan_at >= self._full_scan_every
        )
        calls_before = self._ozon.calls.for_account(seller.client_id).total()
        if report.initial:
            await self._first_sync(api, seller, now=now, report=report, progress=progress)
        else:
            changed, failing = await self._find_changed(api, seller, report)
            for change in changed:
                await self._sync_chat(api, seller, change, report, failing)
        report.calls = self._ozon.calls.for_account(seller.client_id).total() - calls_before
        await self._db.sync_state.record_success(
            seller_id=seller.id, at=now, full_scan=report.full_scan, initial_sync=report.initial
        )
        logger.info(
            "poll seller=%d listed=%d changed=%d stored=%d calls=%d full=%s",
            seller.id, report.chats_listed, report.chats_changed, report.messages_stored,
            report.calls, report.full_scan,
        )  # fmt: skip
        return report

    async def _changes_on(self, seller: Seller, page: list[ChatSummary]) -> _Changes:
        """The buyer chats of a listed page whose last message differs from our cursor.

        Failures are looked up only for changed chats, so an idle poll costs nothing more.
        """
        buyer_chats = [s for s in page if s.is_buyer_chat and s.last_message_id]
        if not buyer_chats:
            return _Changes([], {}, [])
        known = await self._db.chats.last_message_ids(
            seller_id=seller.id, external_ids=[s.chat_id for s in buyer_chats]
        )
        changed = [
            (s, known.get(s.chat_id))
            for s in buyer_chats
            if s.chat_id not in known or known[s.chat_id] != s.last_message_id
        ]
        if not changed:
            return _Changes([], {}, [])
        failing = await self._db.chats.sync_failures(
            seller_id=seller.id, external_ids=[s.chat_id for s, _ in changed]
        )
        now = self._clock()

        def waiting(chat_id: str) -> bool:
            retry_at = failing[chat_id].sync_retry_at if chat_id in failing else None
            return retry_at is not None and retry_at > now

        return _Changes(
            due=[change for change in changed if not waiting(change[0].chat_id)],
            failing=failing,
            backed_off=[s.chat_id for s, _ in changed if waiting(s.chat_id)],
        )

    async def _find_changed(
        self, api: OzonSellerApi, seller: Seller, report: PollReport
    ) -> tuple[list[Change], dict[str, ChatSyncFailure]]:
        changed: dict[str, Change] = {}
        failing: dict[str, ChatSyncFailure] = {}
        backed_off: set[str] = set()
        for unread_only in (True, False):
            async for page in self._pages(api, unread_only=unread_only):
                if not unread_only:
                    report.chats_listed += len(page)
                page_changes = await self._changes_on(seller, page)
                changed.update((change[0].chat_id, change) for change in page_changes.due)
                failing.update(page_changes.failing)
                backed_off.update(page_changes.backed_off)
                # Chats left unread (marking read is optional) must not make every poll walk
                # them all: both lists are by activity, so an unchanged page ends the walk.
                # A chat backing off is no change either, or it would lengthen every walk.
                if not page_changes.due and not report.full_scan:
                    break
        report.chats_changed = len(changed)
        report.backed_off_chats = sorted(backed_off)
        return list(changed.values()), failing

    @staticmethod
    async def _pages(api: OzonSellerApi, *, unread_only: bool) -> AsyncIterator[list[ChatSummary]]:
        cursor: str | None = None
        while True:
            page = await api.list_chats(cursor=cursor, limit=LIST_PAGE, unread_only=unread_only)
            yield page.chats
            if not page.has_next or not page.cursor or page.cursor == cursor:
                return
            cursor = page.cursor

    async def _fetch(
        self, api: OzonSellerApi, chat_id: str, cursor: str | None
    ) -> list[ChatMessage] | None:
        """New messages of a chat (None if it vanished since it was listed)."""
        try:
            if cursor:
                return await self._messages_after(api, chat_id, cursor)
            page = await api.history(chat_id, direction="Backward", limit=NEW_CHAT_HISTORY)
        except ChatNotFound:
            return None
        return page.messages

    async def _sync_chat(
        self,
        api: OzonSellerApi,
        seller: Seller,
        change: Change,
        report: PollReport,
        failing: dict[str, ChatSyncFailure],
    ) -> None:
        """Read and store one chat; an error about this chat only skips it (own backoff)."""
        summary, cursor = change
        messages = await self._fetch_or_skip(api, seller, summary, cursor, report)
        if messages is not None:
            await self._sync_fetched(seller, summary, messages, report, failing)

    async def _fetch_or_skip(
        self,
        api: OzonSellerApi,
        seller: Seller,
        summary: ChatSummary,
        cursor: str | None,
        report: PollReport,
    ) -> list[ChatMessage] | None:
        """The chat's new messages, or None when it is skipped this poll (gone, or failing
        on its own: then its failure is recorded with its own backoff)."""
        try:
            messages = await self._fetch(api, summary.chat_id, cursor)
        except Exception as exc:
            if not is_chat_level(exc):
                raise
            report.failed_chats.append(summary.chat_id)
            await self._failures.record(seller, summary, exc)
            return None
        if messages is None:
            # Listed a moment ago, gone now: nothing to store; the next poll will tell.
            report.skipped_chats.append(summary.chat_id)
        return messages

    async def _sync_fetched(
        self,
        seller: Seller,
        summary: ChatSummary,
        messages: list[ChatMessage],
        report: PollReport,
        failing: dict[str, ChatSyncFailure],
    ) -> None:
        try:
            await self._ingest(seller, summary, messages, report)
        except Exception as exc:
            if not is_chat_level(exc):
                raise
            report.failed_chats.append(summary.chat_id)
            await self._failures.record(seller, summary, exc)
            return
        if summary.chat_id in failing:
            await self._failures.recovered(seller, failing[summary.chat_id])

    async def _ingest(
        self,
        seller: Seller,
        summary: ChatSummary,
        messages: list[ChatMessage],
        report: PollReport,
    ) -> None:
        result = await ingest_chat(
            self._db,
            seller=seller,
            summary=summary,
            messages=messages,
            reply_window=self._reply_window,
        )
        report.messages_stored += result.stored
        report.chats_imported += int(result.created)

    async def _messages_after(
        self, api: OzonSellerApi, chat_id: str, cursor: str
    ) -> list[ChatMessage]:
        """Everything after ``cursor``, oldest first; works whether Ozon's
        ``from_message_id`` is inclusive or exclusive (the reference cannot tell)."""
        collected: list[ChatMessage] = []
        position = cursor
        while True:
            page = await api.history(
                chat_id, direction="Forward", from_message_id=position, limit=HISTORY_PAGE
            )
            newer = [
                m
                for m in page.messages
                if m.has_marketplace_id and message_order(m.message_id) > message_order(position)
            ]
            # Unreadable items without an id cannot be placed; ingest stores each once.
            collected.extend(m for m in page.messages if not m.has_marketplace_id)
            collected.extend(newer)
            if not page.has_next or not newer:
                return collected
            position = max((m.message_id for m in newer), key=message_order)

    async def _first_sync(
        self,
        api: OzonSellerApi,
        seller: Seller,
        *,
        now: datetime,
        report: PollReport,
        progress: Progress | None,
    ) -> None:
        """Mirror chats active inside the reply window; remember the rest by cursor.

        Page by page, so memory stays flat for any number of chats, and resumable: chats
        handled before a crash are known and skipped when the first sync runs again.
        """
        horizon = now - self._reply_window
        old_run = 0
        async for page in self._pages(api, unread_only=False):
            report.chats_listed += len(page)
            changes = await self._changes_on(seller, page)
            report.chats_changed += len(changes.due)
            to_remember: list[ChatSummary] = []
            for summary, cursor in changes.due:
                if old_run >= OLD_RUN_TO_STOP:
                    to_remember.append(summary)
                    continue
                messages = await self._fetch_or_skip(api, seller, summary, cursor, report)
                if messages is None:
                    continue
                recent = [m for m in messages if m.created_at >= horizon]
                if not recent:
                    old_run += 1
                    to_remember.append(summary)
                    continue
                old_run = 0
                await self._sync_fetched(seller, summary, recent, report, changes.failing)
            await remember_chats(self._db, seller=seller, summaries=to_remember)
            report.chats_remembered += len(to_remember)
            if progress:
                await progress(report)
