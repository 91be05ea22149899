"""Per-seller poll bookkeeping: last success, failures, backoff and health notices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from storage.errors import NotFound
from storage.records import PollContext, Seller, SyncState
from storage.sql import Executor, Repository, columns, field_names, to_record

_STATE = columns(SyncState)
_STATE_FIELDS = field_names(SyncState)
_SELLER_FIELDS = field_names(Seller)
#: The select list of a :class:`PollContext` over ``sellers s`` and ``sync_state st``.
POLL_CONTEXT_COLUMNS = f"{columns(Seller, 's.')}, s.api_key_encrypted, " + ", ".join(
    f"st.{name} AS st_{name}" for name in _STATE_FIELDS
)


def to_poll_context(row: Mapping[str, Any]) -> PollContext:
    """The context in a row selected with :data:`POLL_CONTEXT_COLUMNS`."""
    key = row["api_key_encrypted"]
    return PollContext(
        seller=Seller(**{name: row[name] for name in _SELLER_FIELDS}),
        state=SyncState(**{name: row[f"st_{name}"] for name in _STATE_FIELDS}),
        api_key_encrypted=None if key is None else bytes(key),
    )


# Errors are stored for people to read; keep them short so a huge body never lands here.
MAX_ERROR_LENGTH = 500


class SyncStateRepo(Repository):
    async def get(self, *, seller_id: int, conn: Executor | None = None) -> SyncState:
        row = await self._db(conn).fetchrow(
            f"SELECT {_STATE} FROM sync_state WHERE seller_id = $1", seller_id
        )
        if row is None:
            raise NotFound(f"sync state of seller {seller_id}")
        return to_record(SyncState, row)

    async def record_success(
        self,
        *,
        seller_id: int,
        at: datetime,
        cursor: str | None = None,
        full_scan: bool = False,
        initial_sync: bool = False,
        conn: Executor | None = None,
    ) -> SyncState:
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE sync_state
               SET last_attempt_at = $2, last_success_at = $2,
                   consecutive_failures = 0, last_error = NULL, next_attempt_at = NULL,
                   cursor = coalesce($3, cursor),
                   full_scan_at = CASE WHEN $4 THEN $2 ELSE full_scan_at END,
                   initial_sync_done_at = CASE WHEN $5 AND initial_sync_done_at IS NULL
                                               THEN $2 ELSE initial_sync_done_at END,
                   updated_at = now()
             WHERE seller_id = $1
            RETURNING {_STATE}
            """,
            seller_id,
            at,
            cursor,
            full_scan,
            initial_sync,
        )
        if row is None:
            raise NotFound(f"sync state of seller {seller_id}")
        return to_record(SyncState, row)

    async def record_failure(
        self,
        *,
        seller_id: int,
        at: datetime,
        error: str,
        next_attempt_at: datetime | None,
        conn: Executor | None = None,
    ) -> SyncState:
        """Count a failed poll; ``error`` must already be sanitised (no keys, no bodies)."""
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE sync_state
               SET last_attempt_at = $2, consecutive_failures = consecutive_failures + 1,
                   last_error = $3, next_attempt_at = $4, updated_at = now()
             WHERE seller_id = $1
            RETURNING {_STATE}
            """,
            seller_id,
            at,
            error[:MAX_ERROR_LENGTH],
            next_attempt_at,
        )
        if row is None:
            raise NotFound(f"sync state of seller {seller_id}")
        return to_record(SyncState, row)

    async def set_health_notice(
        self, *, seller_id: int, notice: str, conn: Executor | None = None
    ) -> bool:
        """Remember the announced health; False when it was already that (nothing to say)."""
        status = await self._db(conn).execute(
            """
            UPDATE sync_state SET health_notice = $2, updated_at = now()
             WHERE seller_id = $1 AND health_notice <> $2
            """,
            seller_id,
            notice,
        )
        return not status.endswith(" 0")

    async def save_cursor(
        self, *, seller_id: int, cursor: str, conn: Executor | None = None
    ) -> None:
        """Where a seller's event stream resumes (committed after what it produced)."""
        await self._db(conn).execute(
            "UPDATE sync_state SET cursor = $2, updated_at = now() WHERE seller_id = $1",
            seller_id,
            cursor,
        )
