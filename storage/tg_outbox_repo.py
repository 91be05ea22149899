"""The durable queue toward Telegram.

Rows are claimed with a lease (``FOR UPDATE SKIP LOCKED``), so two workers never take
the same row and a crashed worker's rows come back when the lease expires. Enqueueing
with a ``dedup_key`` is idempotent: the same buyer message is queued once, however often
ingestion runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from storage.errors import NotFound
from storage.records import TgOutboxItem, Workspace
from storage.sql import Executor, Repository, columns, to_record, to_records

_ITEM = columns(TgOutboxItem)

# Priorities (lower goes first). Buyer content is what agents wait for; cosmetics can wait.
PRIORITY_BUYER_CONTENT = 10
PRIORITY_AGENT_FEEDBACK = 20
PRIORITY_DRAFT = 30
PRIORITY_NOTICE = 40
PRIORITY_COSMETIC = 90

MAX_ERROR_LENGTH = 500


class TgOutboxRepo(Repository):
    async def enqueue(
        self,
        *,
        workspace_id: int,
        kind: str,
        payload: dict[str, Any] | None = None,
        priority: int = PRIORITY_NOTICE,
        chat_id: int | None = None,
        message_id: int | None = None,
        dedup_key: str | None = None,
        not_before: datetime | None = None,
        conn: Executor | None = None,
    ) -> int | None:
        """Queue one unit of work; returns its id, or ``None`` if ``dedup_key`` was queued."""
        return await self._db(conn).fetchval(
            """
            INSERT INTO tg_outbox (workspace_id, chat_id, message_id, kind, priority, payload,
                                   dedup_key, not_before)
            VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()))
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING id
            """,
            workspace_id,
            chat_id,
            message_id,
            kind,
            priority,
            payload or {},
            dedup_key,
            not_before,
        )

    async def get(self, *, item_id: int, conn: Executor | None = None) -> TgOutboxItem:
        row = await self._db(conn).fetchrow(
            f"SELECT {_ITEM} FROM tg_outbox WHERE id = $1", item_id
        )
        if row is None:
            raise NotFound(f"telegram outbox item {item_id}")
        return to_record(TgOutboxItem, row)

    async def claim(
        self,
        *,
        workspace_id: int,
        now: datetime,
        limit: int = 1,
        lease: timedelta = timedelta(seconds=60),
        in_chat_order: Sequence[str] = (),
        claimed_by: str | None = None,
        conn: Executor | None = None,
    ) -> list[TgOutboxItem]:
        """Take the most important ready rows of one workspace (its budget is per group).

        Rows of a kind in ``in_chat_order`` are claimable only as the oldest pending row of
        those kinds in their chat: a message waiting (attachment backoff, 429, budget)
        keeps the next message of its chat behind it, so posts keep the buyer's order.
        """
        rows = await self._db(conn).fetch(
            f"""
            UPDATE tg_outbox SET lease_until = $3, attempts = attempts + 1, claimed_by = $6
             WHERE id IN (
                SELECT id FROM tg_outbox AS t
                 WHERE workspace_id = $1 AND status = 'pending' AND not_before <= $2
                   AND (lease_until IS NULL OR lease_until <= $2)
                   AND (t.chat_id IS NULL OR NOT (t.kind = ANY($5::text[])) OR NOT EXISTS (
                        SELECT 1 FROM tg_outbox AS earlier
                         WHERE earlier.chat_id = t.chat_id AND earlier.status = 'pending'
                           AND earlier.kind = ANY($5::text[]) AND earlier.id < t.id))
                 ORDER BY priority, id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED)
            RETURNING {_ITEM}
            """,
            workspace_id,
            now,
            now + lease,
            limit,
            list(in_chat_order),
            claimed_by,
        )
        return sorted(to_records(TgOutboxItem, rows), key=lambda item: (item.priority, item.id))

    async def complete(
        self,
        *,
        item_id: int,
        result: dict[str, Any] | None = None,
        conn: Executor | None = None,
    ) -> None:
        await self._db(conn).execute(
            """
            UPDATE tg_outbox SET status = 'done', result = $2, done_at = now(),
                                 lease_until = NULL, last_error = NULL
             WHERE id = $1
            """,
            item_id,
            result,
        )

    async def save_progress(
        self, *, item_id: int, result: dict[str, Any], conn: Executor | None = None
    ) -> None:
        """Record what part of a multi-post item is already in Telegram, so a retry after a
        429 or a crash continues where it stopped instead of posting a part twice."""
        await self._db(conn).execute(
            "UPDATE tg_outbox SET result = $2 WHERE id = $1", item_id, result
        )

    async def retry_later(
        self, *, item_id: int, not_before: datetime, error: str, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            """
            UPDATE tg_outbox SET not_before = $2, last_error = $3, lease_until = NULL
             WHERE id = $1 AND status = 'pending'
            """,
            item_id,
            not_before,
            error[:MAX_ERROR_LENGTH],
        )

    async def fail(self, *, item_id: int, error: str, conn: Executor | None = None) -> None:
        """Give up on a row that can never succeed (kept for inspection, never deleted)."""
        await self._db(conn).execute(
            """
            UPDATE tg_outbox SET status = 'failed', last_error = $2, lease_until = NULL,
                                 done_at = now()
             WHERE id = $1
            """,
            item_id,
            error[:MAX_ERROR_LENGTH],
        )

    async def superseded(self, *, item: TgOutboxItem, conn: Executor | None = None) -> bool:
        """A newer pending row of the same kind for the same chat exists: this cosmetic
        edit is made pointless by it (the newer one renders the state at its own time)."""
        found = await self._db(conn).fetchval(
            """
            SELECT 1 FROM tg_outbox
             WHERE kind = $1 AND chat_id = $2 AND status = 'pending' AND id > $3
             LIMIT 1
            """,
            item.kind,
            item.chat_id,
            item.id,
        )
        return found is not None

    async def ready_workspaces(
        self, *, now: datetime, conn: Executor | None = None
    ) -> list[Workspace]:
        """Workspaces that have something to deliver now (the dispatcher's round-robin),
        read with the workspace rows: a round then costs no read per group."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {columns(Workspace, "w.")} FROM workspaces w
             WHERE w.id IN (SELECT workspace_id FROM tg_outbox
                             WHERE status = 'pending' AND not_before <= $1
                               AND (lease_until IS NULL OR lease_until <= $1))
             ORDER BY w.id
            """,
            now,
        )
        return to_records(Workspace, rows)

    async def count_pending(self, *, workspace_id: int, conn: Executor | None = None) -> int:
        value = await self._db(conn).fetchval(
            "SELECT count(*) FROM tg_outbox WHERE workspace_id = $1 AND status = 'pending'",
            workspace_id,
        )
        return int(value)
