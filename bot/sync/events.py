"""One poll of a seller whose marketplace has an event stream (Wildberries).

The stream is read from the cursor stored in ``sync_state.cursor`` until the marketplace says
it has nothing more. Each batch's chats are stored first (one transaction per chat, as for
listing feeds) and the cursor is saved after them, so a crash in between re-reads the batch:
ingestion skips what each chat's own cursor already covers, so nothing reaches Telegram
twice, and nothing is skipped (the stream's cursor never runs ahead of what was stored).

A chat that cannot be stored stops the poll before the cursor moves: the whole seller is
retried with its backoff rather than losing that chat's events.

The first poll of a new seller mirrors only what is inside the reply window; older chats
are remembered by their cursor, not mirrored.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.sync.ingest import ingest_chat, remember_chats
from connectors.marketplace.messages import ChatEvents, message_order
from connectors.marketplace.port import EventFeed
from storage.database import Database
from storage.records import Seller

logger = logging.getLogger(__name__)

MAX_BATCHES = 50  # per poll: a long backlog is read over several polls, cursor saved each time


class Report(Protocol):
    """The part of the poll report the event driver fills in."""

    chats_listed: int
    chats_changed: int
    chats_imported: int
    chats_remembered: int
    messages_stored: int


async def read_events(
    db: Database,
    feed: EventFeed,
    seller: Seller,
    *,
    cursor: str | None,
    horizon: datetime | None,
    reply_window: timedelta,
    report: Report,
    progress: Callable[[], Awaitable[None]] | None = None,
) -> bool:
    """Read the stream to its end (or ``MAX_BATCHES``); True when the end was reached.
    ``horizon`` (first sync only, until the end is reached): older messages are not
    mirrored."""
    for _ in range(MAX_BATCHES):
        batch = await feed.events(cursor=cursor)
        for chat_events in batch.chats:
            await _store(
                db, seller, chat_events, horizon=horizon, reply_window=reply_window, report=report
            )
        moved = batch.next_cursor is not None and batch.next_cursor != cursor
        if batch.next_cursor is not None and moved:
            await db.sync_state.save_cursor(seller_id=seller.id, cursor=batch.next_cursor)
            cursor = batch.next_cursor
        if progress is not None:
            await progress()
        if batch.done or not moved:  # the end, or a stream that does not move on
            return True
    logger.info("seller=%d: event backlog left for the next poll", seller.id)
    return False


async def _store(
    db: Database,
    seller: Seller,
    chat_events: ChatEvents,
    *,
    horizon: datetime | None,
    reply_window: timedelta,
    report: Report,
) -> None:
    report.chats_listed += 1
    messages = chat_events.messages
    if not messages:
        return
    report.chats_changed += 1
    recent = [m for m in messages if horizon is None or m.created_at >= horizon]
    if not recent:
        newest = max((m.message_id for m in messages), key=message_order)
        await remember_chats(
            db, seller=seller, summaries=[dataclasses.replace(chat_events.chat, latest=newest)]
        )
        report.chats_remembered += 1
        return
    result = await ingest_chat(
        db, seller=seller, summary=chat_events.chat, messages=recent, reply_window=reply_window
    )
    report.messages_stored += result.stored
    report.chats_imported += int(result.created)
