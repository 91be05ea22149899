"""Storing what a poll fetched: one transaction per chat, idempotent, nothing lost.

Everything that must follow a new buyer message is written in the same transaction as the
message itself (the delivery row toward Telegram, the buyer turn that runs the SLA clock,
the chat's cursor), so a crash either keeps all of it or none of it, and the next poll
re-fetches from the old cursor and skips what is already stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.outbox.kinds import Kind, MessagePost
from bot.outbox.queue import enqueue
from bot.sla.policy import SlaPolicy, escalates, load_policy
from bot.sla.rules import TurnFacts
from bot.texts import for_marketplace, text
from connectors.marketplace.matching import looks_like_image
from connectors.marketplace.messages import ChatInfo, Message, message_order
from storage.database import Database
from storage.records import BuyerTurn, Chat, ReplyItem, Seller
from storage.records import Message as StoredMessage

# Telegram outbox kinds produced here (the Telegram bridge consumes them).
DELIVER_BUYER_MESSAGE = Kind.BUYER_MESSAGE
DELIVER_CABINET_REPLY = Kind.CABINET_REPLY


@dataclass(frozen=True, slots=True)
class IngestResult:
    chat_id: int
    created: bool
    stored: int
    buyer_messages: int


@dataclass(slots=True)
class _Activity:
    """The chat's conversation state, advanced message by message inside the transaction."""

    last_buyer_at: datetime | None
    last_seller_at: datetime | None
    waiting_since: datetime | None
    unanswered: int

    @classmethod
    def of(cls, chat: Chat) -> _Activity:
        return cls(
            chat.last_buyer_message_at,
            chat.last_seller_message_at,
            chat.waiting_since,
            chat.unanswered_count,
        )

    def buyer_wrote(self, at: datetime) -> None:
        self.last_buyer_at = max(filter(None, (self.last_buyer_at, at)))
        self.waiting_since = self.waiting_since or at
        self.unanswered += 1

    def auto_replied(self, at: datetime) -> None:
        """An automatic reply that does not count as an answer: the buyer still waits."""
        self.last_seller_at = max(filter(None, (self.last_seller_at, at)))

    def settled(self) -> None:
        """The turn left open after an automatic reply is answered by it after all."""
        self.waiting_since = None
        self.unanswered = 0

    def seller_wrote(self, at: datetime) -> None:
        self.last_seller_at = max(filter(None, (self.last_seller_at, at)))
        self.waiting_since = None
        self.unanswered = 0


def _attachments(message: Message) -> list[dict[str, Any]]:
    return [{"kind": "image", "url": url} for url in message.images] + [
        {"kind": "file", "name": f.name, "url": f.url} for f in message.files
    ]


def _after_cursor(ordered: list[Message], cursor: str | None) -> list[Message]:
    """Messages newer than the chat's cursor. The cursor advances in the same transaction
    that stores messages, so everything up to it is stored (or, for a chat remembered at
    first sync, deliberately not mirrored); the unique constraint remains the last guard."""
    if cursor is None:
        return ordered
    floor = message_order(cursor)
    return [m for m in ordered if message_order(m.message_id) > floor]


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _product_url(messages: Sequence[Message]) -> str | None:
    return _first(m.product_url for m in messages)


def _take_matching_reply(unmatched: list[ReplyItem], message: Message) -> ReplyItem | None:
    """A seller message in history that we sent ourselves, oldest reply first.

    A reply the worker already found in history carries the message's id. Otherwise: a text
    by its text; a document by its name; an image, which marketplaces
    show without a name, is the oldest of our image replies not yet matched (one reply
    of a chat is in flight at a time, so they reach the marketplace in queue order).
    """
    for index, item in enumerate(unmatched):
        if item.marketplace_message_id == message.message_id:
            return unmatched.pop(index)
    if message.via_api is False:  # the marketplace says a person wrote it elsewhere
        return None
    if message.files:
        names = {f.name for f in message.files}
        return _pop_first(unmatched, lambda item: _file_name(item) in names)
    if message.shows_image:
        return _pop_first(
            unmatched, lambda item: item.kind == "file" and looks_like_image(_file_name(item))
        )
    wanted = message.text.strip()
    return _pop_first(unmatched, lambda item: item.kind == "text" and item.text.strip() == wanted)


def _file_name(item: ReplyItem) -> str:
    return str((item.file or {}).get("name", "")) if item.kind == "file" else ""


def _pop_first(items: list[ReplyItem], wanted: Callable[[ReplyItem], bool]) -> ReplyItem | None:
    for index, item in enumerate(items):
        if item.marketplace_message_id is None and wanted(item):
            return items.pop(index)
    return None


async def remember_chats(db: Database, *, seller: Seller, summaries: Sequence[ChatInfo]) -> None:
    """Know chats without mirroring them (first sync: activity older than the reply window).

    Their cursor is stored, so an idle poll does not fetch them again; a new buyer message
    changes ``last_message_id`` and brings the chat in normally.
    """
    await db.chats.remember(
        seller_id=seller.id,
        chats=[(s.chat_id, s.chat_type, _status(s), s.latest) for s in summaries if s.latest],
    )


def _status(summary: ChatInfo) -> str:
    return "closed" if summary.closed else "open"


async def ingest_chat(
    db: Database,
    *,
    seller: Seller,
    summary: ChatInfo,
    messages: Sequence[Message],
    reply_window: timedelta,
) -> IngestResult:
    """Store a chat's new messages and everything that follows from them, exactly once."""
    unique = {m.message_id: m for m in messages}.values()
    ordered = sorted((m for m in unique if m.placeable),
                     key=lambda m: message_order(m.message_id))  # fmt: skip
    # Unreadable items without a readable id: stored once (their synthetic id is stable),
    # after the batch, and never used as the cursor.
    unnumbered = [m for m in unique if not m.placeable]
    async with db.transaction() as conn:
        # The upsert locks the chat row until commit: a concurrent ingest of the same chat
        # (a push and a poll at once) waits here instead of interleaving.
        chat, created = await db.chats.upsert(
            seller_id=seller.id,
            external_id=summary.chat_id,
            chat_type=summary.chat_type,
            status=_status(summary),
            buyer_external_id=_first(m.author_id for m in ordered if m.is_from_buyer),
            order_number=_first(m.order_number for m in ordered),
            sku=_first(m.sku for m in ordered),
            product_url=_product_url(ordered),
            conn=conn,
        )
        await db.marketplace_data.merge(
            chat_id=chat.id, data=summary.extra, buyer_name=summary.buyer_name, conn=conn
        )
        fresh = _after_cursor(ordered, chat.last_message_external_id) + unnumbered
        unmatched = (
            await db.replies.list_unmatched_sent(
                chat_id=chat.id,
                message_ids=[m.message_id for m in fresh if m.is_from_seller],
                conn=conn,
            )
            if any(m.is_from_seller for m in fresh)
            else []
        )
        writer = _ChatWriter(
            db, conn, seller=seller, chat=chat, reply_window=reply_window, unmatched=unmatched,
            unreadable_text=(
                await _unreadable_text(db, seller, conn)
                if any(m.unreadable for m in fresh)
                else ""
            ),
        )  # fmt: skip
        for message in fresh:
            await writer.write(message)
        activity = writer.activity
        numbered = [m for m in fresh if m.placeable]
        cursor, cursor_at = (
            (numbered[-1].message_id, numbered[-1].created_at)
            if numbered
            else (chat.last_message_external_id, chat.last_message_at)
        )
        if fresh and cursor is not None and cursor_at is not None:
            await db.chats.record_activity(
                chat_id=chat.id,
                last_message_external_id=cursor,
                last_message_at=cursor_at,
                last_buyer_message_at=activity.last_buyer_at,
                last_seller_message_at=activity.last_seller_at,
                waiting_since=activity.waiting_since,
                unanswered_count=activity.unanswered,
                reply_window_ends_at=(
                    activity.last_buyer_at + reply_window if activity.last_buyer_at else None
                ),
                conn=conn,
            )
    return IngestResult(chat.id, created, len(fresh), writer.buyer_messages)


async def _unreadable_text(db: Database, seller: Seller, conn: Any) -> str:
    """The placeholder line, in the group's language, stored as the message's text."""
    workspace = await db.workspaces.get(workspace_id=seller.workspace_id, conn=conn)
    return text(for_marketplace("sync.unreadable_message", seller.marketplace), workspace.locale)


class _ChatWriter:
    """Writes one chat's fresh messages inside the caller's transaction."""

    def __init__(
        self,
        db: Database,
        conn: Any,
        *,
        seller: Seller,
        chat: Chat,
        reply_window: timedelta,
        unmatched: list[ReplyItem],
        unreadable_text: str = "",
    ) -> None:
        self._db = db
        self._unreadable_text = unreadable_text
        self._conn = conn
        self._seller = seller
        self._chat = chat
        self._reply_window = reply_window
        self._unmatched = unmatched
        self.activity = _Activity.of(chat)
        self.buyer_messages = 0
        self._policy: SlaPolicy | None = None

    async def write(self, message: Message) -> None:
        if message.is_from_buyer:
            await self._buyer(message)
        elif message.is_from_seller:
            await self._seller_reply(message)
        else:
            await self._other(message)

    async def _buyer(self, message: Message) -> None:
        self.buyer_messages += 1
        turn = await self._open_turn(message)
        stored = await self._insert(message, "in", "customer", turn_id=turn.id)
        self.activity.buyer_wrote(message.created_at)
        if stored is not None:
            await self._enqueue(stored, DELIVER_BUYER_MESSAGE)

    async def _open_turn(self, message: Message) -> BuyerTurn:
        """Open or extend the buyer turn with its priority and deadlines (SLA rules).

        A later message of the same turn may raise the priority (never lower it); every
        message moves the marketplace's reply window, which caps the hard deadline.
        """
        if self._policy is None:
            self._policy = await load_policy(self._db, self._seller, conn=self._conn)
        policy = self._policy
        # A turn left open after an automatic reply (the shop's /ai setting) was answered by
        # it once the buyer writes again: this message starts a turn of its own.
        if await self._db.turns.settle_auto_answered(
            chat_id=self._chat.id, before=message.created_at, conn=self._conn
        ):
            self.activity.settled()  # the buyer waits from this message on
        kind = "next" if self.activity.last_seller_at else "first"
        facts = TurnFacts(
            text=message.text,
            first_turn=kind == "first",
            has_order=bool(self._chat.order_number),
            unanswered=self.activity.unanswered + 1,
            outside_hours=not policy.hours.is_working(message.created_at),
        )
        decision = policy.decide(facts)
        window = message.created_at + self._reply_window
        deadline, hard = policy.deadlines(
            priority=decision.priority, started_at=message.created_at, window_ends_at=window
        )
        turn, opened = await self._db.turns.open_or_extend(
            chat_id=self._chat.id,
            at=message.created_at,
            kind=kind,
            priority=decision.priority,
            deadline=deadline,
            hard_deadline=hard,
            matched_rule_id=decision.rule_id,
            conn=self._conn,
        )
        if not opened:  # a later message of the open turn
            priority, rule_id = turn.priority, turn.matched_rule_id
            if escalates(priority, decision.priority):
                priority, rule_id = decision.priority, decision.rule_id
            deadline, hard = policy.deadlines(
                priority=priority, started_at=turn.started_at, window_ends_at=window
            )
            if (priority, deadline, hard) != (turn.priority, turn.deadline, turn.hard_deadline):
                turn = await self._db.turns.update_sla(
                    turn_id=turn.id,
                    priority=priority,
                    matched_rule_id=rule_id,
                    deadline=deadline,
                    hard_deadline=hard,
                    conn=self._conn,
                )
        await self._db.chats.set_priority(
            chat_id=self._chat.id,
            priority=turn.priority,
            sla_deadline=turn.deadline,
            live_again=opened,  # a new turn after /done or an idle close
            conn=self._conn,
        )
        return turn

    async def _seller_reply(self, message: Message) -> None:
        """Ours (sent through the bot) or typed in the marketplace cabinet: either way the SLA
        clock stops; only a cabinet reply is shown in the topic (ours is already there)."""
        ours = _take_matching_reply(self._unmatched, message)
        if ours is not None:
            await self._db.replies.set_marketplace_id(
                item_id=ours.id, marketplace_message_id=message.message_id, conn=self._conn
            )
        source = "bot" if ours is not None else "cabinet"
        agent_id = ours.agent_id if ours is not None else None
        if ours is not None and ours.origin == "auto" and not self._seller.auto_reply_counts:
            # Not a person's answer (the shop's /ai setting): the turn stays open, low.
            await self._db.turns.mark_auto_answered(
                chat_id=self._chat.id, at=message.created_at, conn=self._conn
            )
            await self._db.chats.set_priority(
                chat_id=self._chat.id, priority="low", sla_deadline=None, conn=self._conn
            )
            await self._insert(message, "out", "seller", source=source, agent_id=agent_id)
            self.activity.auto_replied(message.created_at)
            return
        await self._db.turns.close(
            chat_id=self._chat.id,
            answered_at=message.created_at,
            via="auto" if ours is not None and ours.origin == "auto" else source,
            agent_id=agent_id,
            conn=self._conn,
        )
        stored = await self._insert(message, "out", "seller", source=source, agent_id=agent_id)
        self.activity.seller_wrote(message.created_at)
        if stored is not None and ours is None:
            await self._enqueue(stored, DELIVER_CABINET_REPLY)

    async def _other(self, message: Message) -> None:
        """Marketplace support or a courier writing in a buyer chat: shown, but no SLA turn."""
        stored = await self._insert(message, "in", message.author.value)
        if stored is not None:
            await self._enqueue(stored, DELIVER_BUYER_MESSAGE)

    async def _insert(
        self,
        message: Message,
        direction: str,
        author_type: str,
        *,
        source: str = "marketplace",
        agent_id: int | None = None,
        turn_id: int | None = None,
    ) -> StoredMessage | None:
        return await self._db.messages.insert(
            chat_id=self._chat.id,
            external_id=message.message_id,
            direction=direction,
            author_type=author_type,
            author_external_id=message.author_id,
            source=source,
            agent_id=agent_id,
            turn_id=turn_id,
            text=self._unreadable_text if message.unreadable else message.text,
            attachments=_attachments(message),
            sent_at=message.created_at,
            unreadable=message.unreadable,
            conn=self._conn,
        )

    async def _enqueue(self, stored: StoredMessage, kind: Kind) -> None:
        """Queue the message for its topic; the key makes a repeated ingest queue nothing."""
        await enqueue(
            self._db,
            MessagePost(cabinet=kind is Kind.CABINET_REPLY),
            workspace_id=self._seller.workspace_id,
            chat_id=self._chat.id,
            message_id=stored.id,
            dedup_key=f"deliver:{stored.id}",
            conn=self._conn,
        )
