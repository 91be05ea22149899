"""What Yandex Market's pushes ask for, done from the inbox after they were answered.

Per chat of a batch (several pushes for one chat cost one read):
- ``CHAT_MESSAGE_SENT`` for a chat we know: one history read from the stored last message
  (``messages_after``). Not ``GET /chats/message`` for the named message: ingestion moves
  the chat's cursor to the newest stored message, so a message fetched alone while an
  earlier one's push is late, lost or still queued would put the cursor past the earlier
  one and it would never be read. The history read has no such gap, brings every later
  message too, and spends the 10,000/h budget instead of the 1,000/h one.
- ``CHAT_CREATED``: ``GET /chat`` once; the chat and its context (order, return, product,
  buyer's name) are stored before its first message.
- A chat we have never seen (a push for it before its ``CHAT_CREATED``): the seller's poll,
  which reads a new chat the way first contact always does.
- ``CHAT_ARBITRAGE_STARTED`` / ``_FINISHED``: ``GET /chat`` (its new status is stored), then
  the topic is told; a started dispute makes the chat's open turn urgent and mentions the
  group's admins.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from bot.outbox.queue import enqueue_notice
from bot.seller_api import SellerApis
from bot.sync.chat_failures import is_chat_level
from bot.sync.ingest import ingest_chat
from bot.sync.poller import NEW_CHAT_HISTORY
from bot.texts import Html, text
from bot.texts.markup import mention
from connectors.marketplace.messages import ChatInfo, Message
from connectors.marketplace.port import ListingFeed
from storage.database import Database
from storage.errors import NotFound
from storage.push_inbox_repo import InboxRow
from storage.records import Chat, Seller
from storage.sla_queue_repo import SlaQueueRepo
from storage.tg_outbox_repo import PRIORITY_NOTICE

logger = logging.getLogger(__name__)

CREATED = "CHAT_CREATED"
MESSAGE = "CHAT_MESSAGE_SENT"
DISPUTE_STARTED = "CHAT_ARBITRAGE_STARTED"
DISPUTE_FINISHED = "CHAT_ARBITRAGE_FINISHED"
NEEDS_CHAT = frozenset({CREATED, DISPUTE_STARTED, DISPUTE_FINISHED})
MAX_MENTIONS = 5


@runtime_checkable
class FetchesChats(Protocol):
    """The adapter's push entry point (``connectors.yandex_market.adapter``)."""

    async def fetch_chat(self, chat_id: str) -> ChatInfo: ...


class YmPushes:
    def __init__(
        self,
        *,
        db: Database,
        apis: SellerApis,
        poll: Callable[[int], asyncio.Future[None]],
        on_new_messages: Callable[[], None] | None = None,
    ) -> None:
        self._db = db
        self._apis = apis
        self._poll = poll
        self._on_new = on_new_messages
        self._queue = SlaQueueRepo(db.pool)

    async def process(self, seller: Seller, rows: Sequence[InboxRow]) -> None:
        channel = await self._apis.for_seller(seller)
        feed = channel.feed
        if not isinstance(channel, FetchesChats) or not isinstance(feed, ListingFeed):
            await self._poll(seller.id)
            return
        by_chat: dict[str, list[InboxRow]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat_id].append(row)
        unknown = False
        stored = 0
        for chat_id, chat_rows in by_chat.items():
            try:
                outcome = await self._chat(seller, channel, feed, chat_id, chat_rows)
            except Exception as exc:
                if not is_chat_level(exc):
                    raise  # the whole batch is tried again later
                logger.info("push for a chat of seller=%d skipped: %s", seller.id,
                            type(exc).__name__)  # fmt: skip
                continue
            if outcome is None:
                unknown = True
            else:
                stored += outcome
        if stored and self._on_new is not None:
            self._on_new()
        if unknown:
            await self._poll(seller.id)

    async def _chat(
        self,
        seller: Seller,
        channel: FetchesChats,
        feed: ListingFeed,
        chat_id: str,
        rows: list[InboxRow],
    ) -> int | None:
        """Messages stored for the chat; None when it is new to us (the poll reads it)."""
        kinds = {row.kind for row in rows}
        stages = {row.kind: row.event_key for row in rows if row.kind not in (CREATED, MESSAGE)}
        try:
            known: Chat | None = await self._db.chats.get_by_external(
                seller_id=seller.id, external_id=chat_id
            )
        except NotFound:
            known = None
        info = await channel.fetch_chat(chat_id) if kinds & NEEDS_CHAT else None
        messages: list[Message] = []
        if known is None and MESSAGE in kinds:
            return None
        if known is not None and MESSAGE in kinds:
            cursor = known.last_message_external_id
            messages = (
                await feed.messages_after(chat_id, cursor)
                if cursor
                else await feed.newest_messages(chat_id, limit=NEW_CHAT_HISTORY)
            )
        if info is None and known is not None:
            info = ChatInfo(
                chat_id=chat_id,
                chat_type=known.chat_type,
                closed=known.status == "closed",
                latest_is_bound=True,
            )
        if info is None:
            return 0
        result = await ingest_chat(
            self._db,
            seller=seller,
            summary=info,
            messages=messages,
            reply_window=self._apis.rules(seller).reply_window,
        )
        if DISPUTE_STARTED in stages:
            await self._dispute_started(seller, result.chat_id, stages[DISPUTE_STARTED])
        if DISPUTE_FINISHED in stages:
            await self._tell(seller, result.chat_id, "ym.arbitrage.finished",
                             f"finished:{stages[DISPUTE_FINISHED]}")  # fmt: skip
        return result.stored

    async def _dispute_started(self, seller: Seller, chat_id: int, at: str) -> None:
        """Urgent now: the open turn (if the buyer is waiting) and the chat's place on the
        board; the admins are mentioned in the topic."""
        async with self._db.transaction() as conn:
            turn = await self._db.turns.get_open(chat_id=chat_id, conn=conn)
            if turn is not None and turn.priority != "urgent":
                turn = await self._db.turns.update_sla(
                    turn_id=turn.id,
                    priority="urgent",
                    matched_rule_id=turn.matched_rule_id,
                    deadline=turn.deadline,
                    hard_deadline=turn.hard_deadline,
                    conn=conn,
                )
            chat = await self._db.chats.get(chat_id=chat_id, conn=conn)
            await self._db.chats.set_priority(
                chat_id=chat_id,
                priority="urgent",
                sla_deadline=turn.deadline if turn is not None else chat.sla_deadline,
                conn=conn,
            )
        await self._tell(seller, chat_id, "ym.arbitrage.started", f"started:{at}")

    async def _tell(self, seller: Seller, chat_id: int, key: str, stage: str) -> None:
        workspace = await self._db.workspaces.get(workspace_id=seller.workspace_id)
        admins = (await self._queue.admins(workspace_ids=[workspace.id])).get(workspace.id, [])
        who = Html(", ".join(str(mention(uid, name)) for uid, name in admins[:MAX_MENTIONS]))
        await enqueue_notice(
            self._db,
            workspace_id=workspace.id,
            text=text(key, workspace.locale, admins=who),
            # One notice per dispute stage, however many pushes announce it.
            key=f"ym-arbitrage:{chat_id}:{stage}",
            chat_id=chat_id,
            priority=PRIORITY_NOTICE,
        )
