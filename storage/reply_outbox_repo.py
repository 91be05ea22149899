"""The durable queue toward the marketplace (agents' replies, sent drafts, auto-replies).

A reply is sent to a buyer at most once: the ``idempotency_key`` turns a double submit
into one row, and a row is switched to ``sending`` (committed) before the marketplace
call, so after a crash or a timeout the worker knows the outcome is unknown and checks
the chat history before it sends again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from storage.errors import NotFound
from storage.records import ReplyItem
from storage.sql import Executor, Repository, columns, to_record, to_records

_ITEM = columns(ReplyItem)

MAX_ERROR_LENGTH = 500


class ReplyOutboxRepo(Repository):
    async def enqueue(
        self,
        *,
        chat_id: int,
        idempotency_key: str,
        origin: str,
        text: str = "",
        kind: str = "text",
        file: dict[str, Any] | None = None,
        agent_id: int | None = None,
        suggestion_id: int | None = None,
        tg_chat_id: int | None = None,
        tg_message_id: int | None = None,
        conn: Executor | None = None,
    ) -> tuple[ReplyItem, bool]:
        """Queue a reply; on a repeated key return the existing row and ``False``."""
        db = self._db(conn)
        row = await db.fetchrow(
            f"""
            INSERT INTO reply_outbox (chat_id, idempotency_key, origin, text, kind, file,
                                      agent_id, suggestion_id, tg_chat_id, tg_message_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING {_ITEM}
            """,
            chat_id,
            idempotency_key,
            origin,
            text,
            kind,
            file,
            agent_id,
            suggestion_id,
            tg_chat_id,
            tg_message_id,
        )
        if row is not None:
            return to_record(ReplyItem, row), True
        existing = await db.fetchrow(
            f"SELECT {_ITEM} FROM reply_outbox WHERE idempotency_key = $1", idempotency_key
        )
        assert existing is not None
        return to_record(ReplyItem, existing), False

    async def get(self, *, item_id: int, conn: Executor | None = None) -> ReplyItem:
        row = await self._db(conn).fetchrow(
            f"SELECT {_ITEM} FROM reply_outbox WHERE id = $1", item_id
        )
        if row is None:
            raise NotFound(f"reply {item_id}")
        return to_record(ReplyItem, row)

    async def claim(
        self,
        *,
        now: datetime,
        limit: int = 10,
        lease: timedelta = timedelta(seconds=60),
        conn: Executor | None = None,
    ) -> list[ReplyItem]:
        """Take ready rows: pending ones, and ``sending`` ones whose worker vanished."""
        rows = await self._db(conn).fetch(
            f"""
            UPDATE reply_outbox SET lease_until = $2, attempts = attempts + 1
             WHERE id IN (
                SELECT id FROM reply_outbox
                 WHERE status IN ('pending', 'sending') AND not_before <= $1
                   AND (lease_until IS NULL OR lease_until <= $1)
                 ORDER BY id
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED)
            RETURNING {_ITEM}
            """,
            now,
            now + lease,
            limit,
        )
        return sorted(to_records(ReplyItem, rows), key=lambda item: item.id)

    async def mark_sending(self, *, item_id: int, conn: Executor | None = None) -> None:
        """Called (and committed) right before the marketplace call."""
        await self._db(conn).execute(
            "UPDATE reply_outbox SET status = 'sending' WHERE id = $1 AND status = 'pending'",
            item_id,
        )

    async def mark_sent(
        self,
        *,
        item_id: int,
        at: datetime,
        marketplace_message_id: str | None = None,
        conn: Executor | None = None,
    ) -> bool:
        """False when the row was already sent (a second worker must not report twice) or
        had failed for good (a final refusal is not overturned)."""
        status = await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = 'sent', sent_at = $2, lease_until = NULL, error_code = NULL,
                   error_detail = NULL,
                   marketplace_message_id = coalesce($3, marketplace_message_id)
             WHERE id = $1 AND status IN ('pending', 'sending')
            """,
            item_id,
            at,
            marketplace_message_id,
        )
        return not status.endswith(" 0")

    async def retry_later(
        self,
        *,
        item_id: int,
        not_before: datetime,
        error_code: str,
        outcome_unknown: bool,
        conn: Executor | None = None,
    ) -> None:
        """Back off; an unknown outcome stays ``sending`` so the next try checks first."""
        await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = CASE WHEN $4 THEN 'sending' ELSE 'pending' END,
                   not_before = $2, error_code = $3, lease_until = NULL
             WHERE id = $1 AND status IN ('pending', 'sending')
            """,
            item_id,
            not_before,
            error_code,
            outcome_unknown,
        )

    async def mark_failed(
        self,
        *,
        item_id: int,
        error_code: str,
        error_detail: str | None = None,
        conn: Executor | None = None,
    ) -> None:
        """A final refusal by the marketplace (window closed, too long…): tell the agent."""
        await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = 'failed', error_code = $2, error_detail = $3, lease_until = NULL
             WHERE id = $1 AND status IN ('pending', 'sending')
            """,
            item_id,
            error_code,
            None if error_detail is None else error_detail[:MAX_ERROR_LENGTH],
        )

    async def set_marketplace_id(
        self, *, item_id: int, marketplace_message_id: str, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            "UPDATE reply_outbox SET marketplace_message_id = $2 WHERE id = $1",
            item_id,
            marketplace_message_id,
        )

    async def list_unmatched_sent(
        self, *, chat_id: int, conn: Executor | None = None
    ) -> list[ReplyItem]:
        """Replies sent (or being sent) not yet matched to a history message, so sync can
        tell our own replies from ones typed in the marketplace cabinet. ``sending`` counts:
        Ozon may have stored the message before the worker recorded the outcome."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_ITEM} FROM reply_outbox
             WHERE chat_id = $1 AND status IN ('sending', 'sent')
               AND marketplace_message_id IS NULL
             ORDER BY id
            """,
            chat_id,
        )
        return to_records(ReplyItem, rows)
