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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.seller_api import SellerApis
from bot.sync.chat_failures import ChatFailures, is_chat_level
from bot.sync.events import read_events
from bot.sync.ingest import ingest_chat, remember_chats
from connectors.errors import ChatNotFound
from connectors.marketplace.messages import ChatInfo, Message, has_news, message_order
from connectors.marketplace.port import EventFeed, ListingFeed, SellerChannel
from storage.database import Database
from storage.records import ChatSyncFailure, Seller, SyncState

logger = logging.getLogger(__name__)

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
    state: SyncState | None = None  # the seller's sync state as this poll left it
    seen: tuple[Seller, SyncState] | None = None  # set by the runner for the hook after it


Progress = Callable[[PollReport], Awaitable[None]]


Change = tuple[ChatInfo, str | None]  # a listed chat and our stored cursor (None: new)


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
        reply_window: timedelta | None = None,
        full_scan_every: timedelta = timedelta(hours=6),
        max_concurrent_polls: int = 16,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._apis = apis
        # None: each marketplace's own window (its rules).
        self._reply_window = reply_window
        self._full_scan_every = full_scan_every
        # Bounds the HTTP and database connections polls hold at once, however many
        # sellers' jobs fire together.
        self._slots = asyncio.Semaphore(max_concurrent_polls)
        self._clock = clock
        self._failures = ChatFailures(db=db, clock=clock)

    async def _read_events(
        self,
        feed: EventFeed,
        seller: Seller,
        *,
        cursor: str | None,
        now: datetime,
        report: PollReport,
        progress: Progress | None,
    ) -> bool:
        """An event-stream seller (see ``bot.sync.events``); True when the stream's end
        was reached."""

        async def step() -> None:
            if progress is not None:
                await progress(report)

        window = self._window(seller)
        return await read_events(
            self._db,
            feed,
            seller,
            cursor=cursor,
            horizon=now - window if report.initial else None,
            reply_window=window,
            report=report,
            progress=step,
        )

    def _window(self, seller: Seller) -> timedelta:
        return self._reply_window or self._apis.rules(seller).reply_window

    async def poll(
        self,
        seller: Seller,
        progress: Progress | None = None,
        *,
        state: SyncState | None = None,
        encrypted_key: bytes | None = None,
    ) -> PollReport:
        """Poll once; raises the connector's errors (the runner decides what they mean).
        ``state``, ``encrypted_key``: what the caller has just read of the seller."""
        async with self._slots:
            return await self._poll(seller, progress, state, encrypted_key)

    async def _poll(
        self,
        seller: Seller,
        progress: Progress | None,
        state: SyncState | None,
        encrypted_key: bytes | None,
    ) -> PollReport:
        channel = await self._apis.for_seller(seller, encrypted_key=encrypted_key)
        if state is None:
            state = await self._db.sync_state.get(seller_id=seller.id)
        now = self._clock()
        report = PollReport(seller_id=seller.id, initial=state.initial_sync_done_at is None)
        report.full_scan = report.initial or (
            state.full_scan_at is None or now - state.full_scan_at >= self._full_scan_every
        )
        calls_before = channel.calls_made()
        feed = channel.feed
        finished = True
        if isinstance(feed, EventFeed):
            report.full_scan = False
            finished = await self._read_events(
                feed, seller, cursor=state.cursor, now=now, report=report, progress=progress
            )
        elif report.initial:
            api = _listing(channel)
            await self._first_sync(api, seller, now=now, report=report, progress=progress)
        else:
            api = _listing(channel)
            changed, failing = await self._find_changed(api, seller, report)
            for change in changed:
                await self._sync_chat(api, seller, change, report, failing)
        report.calls = channel.calls_made() - calls_before
        report.state = await self._db.sync_state.record_success(
            seller_id=seller.id,
            at=now,
            full_scan=report.full_scan,
            # A first sync read over several polls stays "first" (the window applies)
            # until it has reached the end of the stream.
            initial_sync=report.initial and finished,
        )
        logger.info(
            "poll seller=%d listed=%d changed=%d stored=%d calls=%d full=%s",
            seller.id, report.chats_listed, report.chats_changed, report.messages_stored,
            report.calls, report.full_scan,
        )  # fmt: skip
        return report

    async def _changes_on(self, seller: Seller, page: list[ChatInfo]) -> _Changes:
        """The buyer chats of a listed page whose last message differs from our cursor.

        Failures are looked up only for changed chats, so an idle poll costs nothing more.
        """
        buyer_chats = [s for s in page if s.is_buyer_chat and s.latest]
        if not buyer_chats:
            return _Changes([], {}, [])
        known = await self._db.chats.last_message_ids(
            seller_id=seller.id, external_ids=[s.chat_id for s in buyer_chats]
        )
        changed = [
            (s, known.get(s.chat_id))
            for s in buyer_chats
            if s.chat_id not in known or has_news(s, known[s.chat_id])
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
        self, api: ListingFeed, seller: Seller, report: PollReport
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
    async def _pages(api: ListingFeed, *, unread_only: bool) -> AsyncIterator[list[ChatInfo]]:
        cursor: str | None = None
        while True:
            page = await api.list_chats(cursor=cursor, unread_only=unread_only)
            yield page.chats
            if not page.has_next or not page.cursor or page.cursor == cursor:
                return
            cursor = page.cursor

    async def _fetch(
        self, api: ListingFeed, chat_id: str, cursor: str | None
    ) -> list[Message] | None:
        """New messages of a chat (None if it vanished since it was listed)."""
        try:
            if cursor:
                return await api.messages_after(chat_id, cursor)
            return await api.newest_messages(chat_id, limit=NEW_CHAT_HISTORY)
        except ChatNotFound:
            return None

    async def _sync_chat(
        self,
        api: ListingFeed,
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
        api: ListingFeed,
        seller: Seller,
        summary: ChatInfo,
        cursor: str | None,
        report: PollReport,
    ) -> list[Message] | None:
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
        summary: ChatInfo,
        messages: list[Message],
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
        summary: ChatInfo,
        messages: list[Message],
        report: PollReport,
    ) -> None:
        result = await ingest_chat(
            self._db,
            seller=seller,
            summary=summary,
            messages=messages,
            reply_window=self._window(seller),
        )
        report.messages_stored += result.stored
        report.chats_imported += int(result.created)

    async def _first_sync(
        self,
        api: ListingFeed,
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
        horizon = now - self._window(seller)
        old_run = 0
        async for page in self._pages(api, unread_only=False):
            report.chats_listed += len(page)
            changes = await self._changes_on(seller, page)
            report.chats_changed += len(changes.due)
            to_remember: list[ChatInfo] = []
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
                    to_remember.append(_read_up_to(summary, messages))
                    continue
                old_run = 0
                await self._sync_fetched(seller, summary, recent, report, changes.failing)
            await remember_chats(self._db, seller=seller, summaries=to_remember)
            report.chats_remembered += len(to_remember)
            if progress:
                await progress(report)


def _read_up_to(summary: ChatInfo, messages: list[Message]) -> ChatInfo:
    """A chat remembered after its history was read: its cursor is the newest message read
    when ``latest`` is only a bound from a time (it may sort below that message)."""
    placed = [m.message_id for m in messages if m.placeable]
    if not summary.latest_is_bound or not placed:
        return summary
    newest = max(placed, key=message_order)
    return replace(summary, latest=max(newest, summary.latest or newest, key=message_order))


def _listing(channel: SellerChannel) -> ListingFeed:
    feed = channel.feed
    if not isinstance(feed, ListingFeed):
        raise TypeError(f"{channel.rules.code} has no listing feed")
    return feed
