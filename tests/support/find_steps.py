"""Scenes for /find and the weekly digest: buyer chats with their order context, messages
and internal notes written straight into the test's database (the search reads only what
is stored, however it got there), and a clock the test sets."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.records import Chat

_ids = itertools.count(1)


@dataclass
class FixedClock:
    """A clock that says ``now`` until the test moves it."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 6, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def buyer_chat(
    db: Database,
    *,
    seller_id: int,
    workspace_id: int,
    thread_id: int,
    buyer: str = "",
    order: str | None = None,
    posting: str | None = None,
    sku: str | None = None,
    at: datetime | None = None,
) -> Chat:
    """A chat mirrored into topic ``thread_id``, last active ``at``."""
    chat, _ = await db.chats.upsert(
        seller_id=seller_id,
        external_id=f"find-chat-{next(_ids)}",
        order_number=order,
        posting_number=posting,
        sku=sku,
    )
    await db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace_id, thread_id=thread_id, name=buyer or "chat"
    )
    await db.pool.execute(
        "UPDATE chats SET buyer_name = $2, last_message_at = $3 WHERE id = $1",
        chat.id,
        buyer,
        at or datetime.now(UTC),
    )
    return await db.chats.get(chat_id=chat.id)


async def message(
    db: Database, chat: Chat, text: str, *, at: datetime, direction: str = "in"
) -> None:
    """A stored message of ``chat`` (the buyer's, or with ``direction="out"`` the shop's)."""
    await db.pool.execute(
        """
        INSERT INTO messages (chat_id, external_id, direction, author_type, text, sent_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        chat.id,
        f"find-msg-{next(_ids)}",
        direction,
        "customer" if direction == "in" else "seller",
        text,
        at,
    )


async def note(db: Database, chat: Chat, text: str, *, agent_id: int | None,
               tg_chat_id: int) -> None:  # fmt: skip
    await db.internal_notes.add(
        chat_id=chat.id,
        agent_id=agent_id,
        tg_chat_id=tg_chat_id,
        tg_message_id=next(_ids) + 50_000,
        text=text,
    )


async def turn(
    db: Database,
    chat: Chat,
    *,
    started: datetime,
    priority: str = "normal",
    kind: str = "first",
    target_minutes: int = 60,
    answered_after: int | None = None,
    via: str = "bot",
    agent_id: int | None = None,
) -> None:
    """A stored buyer turn of ``chat``: its deadline ``target_minutes`` after it started,
    answered ``answered_after`` minutes after it started (through ``via``, by ``agent_id``)
    or still open."""
    answered = None if answered_after is None else started + timedelta(minutes=answered_after)
    await db.pool.execute(
        """
        INSERT INTO buyer_turns (chat_id, kind, started_at, priority, deadline, answered_at,
                                 answered_via, answered_by_agent_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """,
        chat.id,
        kind,
        started,
        priority,
        started + timedelta(minutes=target_minutes),
        answered,
        None if answered is None else via,
        agent_id,
    )


async def suggestion(db: Database, chat: Chat, *, outcome: str, at: datetime) -> None:
    """An AI draft of ``chat`` made at ``at`` whose fate was ``outcome``."""
    await db.pool.execute(
        """
        INSERT INTO ai_suggestions (chat_id, text, source, outcome, created_at)
        VALUES ($1, 'Здравствуйте!', 'llm', $2, $3)
        """,
        chat.id,
        outcome,
        at,
    )
