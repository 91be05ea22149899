"""The push inbox (migration 0013): one insert per notification, claims like the outbox.

``store`` is the only thing a push receiver does before answering, so it is a single
``INSERT … ON CONFLICT DO NOTHING``: a duplicate costs one index probe and is reported as
not new. Claims are leased per row and named by instance (``FOR UPDATE SKIP LOCKED``), so
several instances share the work and a killed one's claims are taken back by
``bot.dead_claims``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from storage.sql import Executor, Repository, columns, to_records

MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class PushKey:
    """What identifies a notification; ``event_key`` is the message id, else the event time."""

    marketplace: str
    account: str
    kind: str
    chat_id: str = ""
    event_key: str = ""


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    marketplace: str
    account: str
    kind: str
    chat_id: str
    event_key: str
    seller_id: int
    status: Literal["pending", "done", "failed"]
    attempts: int
    not_before: datetime
    claimed_by: str | None
    lease_until: datetime | None
    received_at: datetime
    processed_at: datetime | None
    last_error: str | None


_ROW = columns(InboxRow)


class PushInboxRepo(Repository):
    async def store(self, key: PushKey, *, seller_id: int, conn: Executor | None = None) -> bool:
        """Durably note a push; False when the same notification was already noted."""
        inserted = await self._db(conn).fetchval(
            """
            INSERT INTO push_inbox (marketplace, account, kind, chat_id, event_key, seller_id)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (marketplace, account, kind, chat_id, event_key) DO NOTHING
            RETURNING true
            """,
            key.marketplace,
            key.account,
            key.kind,
            key.chat_id,
            key.event_key,
            seller_id,
        )
        return bool(inserted)

    async def claim(
        self,
        *,
        instance_id: str,
        now: datetime,
        limit: int,
        lease: timedelta = timedelta(seconds=120),
    ) -> list[InboxRow]:
        """Lease up to ``limit`` due rows, oldest first."""
        rows = await self._pool.fetch(
            f"""
            UPDATE push_inbox SET claimed_by = $1, lease_until = $3, attempts = attempts + 1
             WHERE id IN (
                SELECT id FROM push_inbox
                 WHERE status = 'pending' AND not_before <= $2
                   AND (lease_until IS NULL OR lease_until <= $2)
                 ORDER BY not_before, id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED)
            RETURNING {_ROW}
            """,
            instance_id,
            now,
            now + lease,
            limit,
        )
        return sorted(to_records(InboxRow, rows), key=lambda r: r.id)

    async def mark_done(self, *, ids: Sequence[int], instance_id: str) -> None:
        if ids:
            await self._pool.execute(
                """
                UPDATE push_inbox SET status = 'done', processed_at = now(), claimed_by = NULL,
                                      lease_until = NULL, last_error = NULL
                 WHERE id = ANY ($1::bigint[]) AND claimed_by = $2
                """,
                list(ids),
                instance_id,
            )

    async def retry_later(
        self, *, ids: Sequence[int], instance_id: str, not_before: datetime, error: str
    ) -> None:
        if ids:
            await self._pool.execute(
                """
                UPDATE push_inbox SET not_before = $3, last_error = $4, claimed_by = NULL,
                                      lease_until = NULL
                 WHERE id = ANY ($1::bigint[]) AND claimed_by = $2 AND status = 'pending'
                """,
                list(ids),
                instance_id,
                not_before,
                error[:MAX_ERROR_LENGTH],
            )

    async def mark_failed(self, *, ids: Sequence[int], instance_id: str, error: str) -> None:
        """Give up (the scheduled poll still catches what the push announced)."""
        if ids:
            await self._pool.execute(
                """
                UPDATE push_inbox SET status = 'failed', processed_at = now(), claimed_by = NULL,
                                      lease_until = NULL, last_error = $3
                 WHERE id = ANY ($1::bigint[]) AND claimed_by = $2
                """,
                list(ids),
                instance_id,
                error[:MAX_ERROR_LENGTH],
            )

    async def release(self, *, ids: Sequence[int], instance_id: str) -> None:
        """Hand back claims this process stopped before finishing (not the row's fault)."""
        if ids:
            await self._pool.execute(
                """
                UPDATE push_inbox SET claimed_by = NULL, lease_until = NULL,
                                      attempts = greatest(attempts - 1, 0)
                 WHERE id = ANY ($1::bigint[]) AND claimed_by = $2
                """,
                list(ids),
                instance_id,
            )

    async def next_due(self) -> datetime | None:
        value = await self._pool.fetchval(
            "SELECT min(not_before) FROM push_inbox WHERE status = 'pending'"
        )
        return value if isinstance(value, datetime) else None

    async def last_received(self, *, seller_ids: Sequence[int]) -> dict[int, datetime]:
        """Each seller's newest push (any outcome): is push alive for it?"""
        rows = await self._pool.fetch(
            """
            SELECT seller_id, max(received_at) AS at FROM push_inbox
             WHERE seller_id = ANY ($1::bigint[]) GROUP BY seller_id
            """,
            list(seller_ids),
        )
        return {int(r["seller_id"]): r["at"] for r in rows}

    async def rows(self, *, seller_id: int) -> list[InboxRow]:
        """For tests and inspection."""
        found = await self._pool.fetch(
            f"SELECT {_ROW} FROM push_inbox WHERE seller_id = $1 ORDER BY id", seller_id
        )
        return to_records(InboxRow, found)

    async def prune(self, *, older_than: datetime) -> int:
        """Forget processed rows; a duplicate arriving after that is processed again, which
        is harmless (processing re-reads the marketplace and ingestion is idempotent)."""
        result = await self._pool.execute(
            "DELETE FROM push_inbox WHERE status <> 'pending' AND processed_at < $1",
            older_than,
        )
        return int(result.split()[-1])
