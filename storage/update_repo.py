"""Telegram updates, stored before their offset is confirmed and processed from here.

A batch is stored in one transaction and idempotently (a redelivered update is ignored),
so the offset can move only after the commit. Claiming hands out, per ``chat_key``, only
the lowest pending update, and only while no other update of that key is leased: one
chat's updates run one at a time in Telegram order, different chats in parallel.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from storage.sql import Executor, Repository, columns, to_records

MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class IncomingUpdate:
    """One update as fetched: its id, the key it is serialised by, the raw JSON."""

    update_id: int
    chat_key: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredUpdate:
    update_id: int
    chat_key: str
    payload: dict[str, Any]
    status: Literal["pending", "done", "failed"]
    attempts: int
    not_before: datetime
    claimed_by: str | None
    lease_until: datetime | None
    received_at: datetime
    processed_at: datetime | None
    last_error: str | None


_UPDATE = columns(StoredUpdate)

# What is left of a finished update's payload: the clear metadata (id, type, message id)
# without the sealed update itself (see bot/updates/seal.py): what people wrote must not
# outlive its processing, even encrypted.
_SPENT = "payload - 'sealed'"


class UpdateRepo(Repository):
    async def store(self, updates: Sequence[IncomingUpdate]) -> int:
        """Store a fetched batch (one statement, so all or nothing); returns how many were
        new."""
        if not updates:
            return 0
        inserted = await self._pool.fetchval(
            """
            WITH new AS (
                INSERT INTO tg_updates (update_id, chat_key, payload)
                SELECT u.update_id, u.chat_key, u.payload::jsonb
                  FROM unnest($1::bigint[], $2::text[], $3::text[])
                       AS u (update_id, chat_key, payload)
                ON CONFLICT (update_id) DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM new
            """,
            [u.update_id for u in updates],
            [u.chat_key for u in updates],
            [json.dumps(u.payload) for u in updates],
        )
        return int(inserted)

    async def claim(
        self,
        *,
        instance_id: str,
        now: datetime,
        limit: int,
        lease: timedelta = timedelta(seconds=60),
        exclude_keys: Sequence[str] = (),
        conn: Executor | None = None,
    ) -> list[StoredUpdate]:
        """Lease the next update of up to ``limit`` keys that have nothing in flight.

        Only the head (lowest pending ``update_id``) of a key is ever a candidate, so a
        later update never overtakes an earlier one that is leased or backing off.
        ``exclude_keys`` are the caller's own keys in flight (belt and braces should a
        lease ever run out under a slow handler)."""
        if limit < 1:
            return []
        rows = await self._db(conn).fetch(
            f"""
            UPDATE tg_updates SET claimed_by = $1, lease_until = $3, attempts = attempts + 1
             WHERE update_id IN (
                SELECT update_id FROM tg_updates
                 WHERE update_id IN (
                        SELECT DISTINCT ON (chat_key) update_id FROM tg_updates
                         WHERE status = 'pending'
                         ORDER BY chat_key, update_id)
                   AND status = 'pending' AND not_before <= $2
                   AND (lease_until IS NULL OR lease_until <= $2)
                   AND NOT (chat_key = ANY ($5::text[]))
                 ORDER BY update_id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED)
            RETURNING {_UPDATE}
            """,
            instance_id,
            now,
            now + lease,
            limit,
            list(exclude_keys),
        )
        return sorted(to_records(StoredUpdate, rows), key=lambda u: u.update_id)

    async def extend_leases(
        self, *, instance_id: str, update_ids: Sequence[int], until: datetime
    ) -> None:
        """Keep the caller's in-flight updates leased while their handlers still run."""
        if update_ids:
            await self._pool.execute(
                """
                UPDATE tg_updates SET lease_until = $3
                 WHERE update_id = ANY ($2::bigint[]) AND claimed_by = $1
                   AND status = 'pending'
                """,
                instance_id,
                list(update_ids),
                until,
            )

    async def mark_done(self, *, update_id: int, conn: Executor | None = None) -> None:
        await self._db(conn).execute(
            f"""
            UPDATE tg_updates SET status = 'done', processed_at = now(), claimed_by = NULL,
                                  lease_until = NULL, last_error = NULL, payload = {_SPENT}
             WHERE update_id = $1
            """,
            update_id,
        )

    async def retry_later(self, *, update_id: int, not_before: datetime, error: str) -> None:
        """Give the claim back; the key waits (nothing overtakes) until ``not_before``."""
        await self._pool.execute(
            """
            UPDATE tg_updates SET not_before = $2, last_error = $3, claimed_by = NULL,
                                  lease_until = NULL
             WHERE update_id = $1 AND status = 'pending'
            """,
            update_id,
            not_before,
            error[:MAX_ERROR_LENGTH],
        )

    async def mark_failed(self, *, update_id: int, error: str) -> None:
        """Give up on an update (its row kept for inspection) so its key is not blocked."""
        await self._pool.execute(
            f"""
            UPDATE tg_updates SET status = 'failed', processed_at = now(), claimed_by = NULL,
                                  lease_until = NULL, last_error = $2, payload = {_SPENT}
             WHERE update_id = $1
            """,
            update_id,
            error[:MAX_ERROR_LENGTH],
        )

    async def release(self, *, instance_id: str, update_ids: Sequence[int]) -> None:
        """Hand back claims whose handlers this process stopped before they finished (a
        graceful stop is not the update's fault, so that run does not count)."""
        if update_ids:
            await self._pool.execute(
                """
                UPDATE tg_updates SET claimed_by = NULL, lease_until = NULL,
                                      attempts = greatest(attempts - 1, 0)
                 WHERE update_id = ANY ($2::bigint[]) AND claimed_by = $1
                """,
                instance_id,
                list(update_ids),
            )

    async def count_pending(self) -> int:
        return int(
            await self._pool.fetchval("SELECT count(*) FROM tg_updates WHERE status = 'pending'")
        )

    async def get(self, update_id: int) -> StoredUpdate | None:
        rows = await self._pool.fetch(
            f"SELECT {_UPDATE} FROM tg_updates WHERE update_id = $1", update_id
        )
        found = to_records(StoredUpdate, rows)
        return found[0] if found else None

    async def prune(self, *, older_than: datetime) -> int:
        """Forget finished updates. Telegram restarts update ids at random after a quiet
        week, so an old finished row must not outlive that and swallow a new update."""
        result = await self._pool.execute(
            "DELETE FROM tg_updates WHERE status <> 'pending' AND processed_at < $1",
            older_than,
        )
        return int(result.split()[-1])
