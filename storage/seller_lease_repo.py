"""Seller poll leases: each seller's poll runs on one instance at a time.

A lease is taken with one statement that succeeds only when the row is free, its lease has
run out, it is the taker's own (a release that failed; the caller's in-process lock keeps
it from polling twice), or its holder is dead (no live advisory lock, see
``instance_repo``): a killed instance's sellers are polled again by the others at once, not
after its lease. Times are the database's, so the instances' clocks never disagree.
"""

from __future__ import annotations

from datetime import timedelta

from storage.instance_repo import held_by_live
from storage.records import PollContext
from storage.sql import Executor, Repository
from storage.sync_state_repo import POLL_CONTEXT_COLUMNS, to_poll_context

_TAKE_ROW = f"""
    INSERT INTO seller_leases AS l (seller_id, held_by, lease_until, rerun)
    VALUES ($1, $2, clock_timestamp() + $3::interval, false)
    ON CONFLICT (seller_id) DO UPDATE
       SET held_by = EXCLUDED.held_by, lease_until = EXCLUDED.lease_until, rerun = false
     WHERE (l.held_by IS NULL OR l.held_by = EXCLUDED.held_by
            OR l.lease_until IS NULL OR l.lease_until <= clock_timestamp()
            OR NOT {held_by_live("l.held_by")})
       AND ($4::interval IS NULL OR l.polled_at IS NULL
            OR l.polled_at <= clock_timestamp() - $4::interval)
    RETURNING l.seller_id
"""
# The lease and what the poll starts from, in one round trip (once a minute per seller).
# FOR SHARE makes the read see the last poll's writes: the statement's snapshot may predate
# a release that commits while the take waits for it, and a locking read returns the
# newest committed row, not the snapshot's. (A seller and its sync state are made in one
# transaction and a lease row goes with its seller, so the inner joins drop no lease.)
_TAKE = f"""
    WITH taken AS ({_TAKE_ROW})
    SELECT {POLL_CONTEXT_COLUMNS}
      FROM taken JOIN sellers s ON s.id = taken.seller_id
                 JOIN sync_state st ON st.seller_id = taken.seller_id
       FOR SHARE OF s, st
"""


class SellerLeaseRepo(Repository):
    async def take(
        self,
        *,
        seller_id: int,
        holder: str,
        lease: timedelta,
        min_gap: timedelta | None = None,
        conn: Executor | None = None,
    ) -> PollContext | None:
        """Take the seller's lease for ``lease``; with ``min_gap``, only if no poll of it
        ended within that time (a scheduled poll right after another one's is redundant).
        Returns what the poll starts from, read with the lease; None when not taken."""
        row = await self._db(conn).fetchrow(_TAKE, seller_id, holder, lease, min_gap)
        return None if row is None else to_poll_context(row)

    async def renew(self, *, seller_id: int, holder: str, lease: timedelta) -> bool:
        """Extend a lease still ours; False when it is not (it ran out and was taken)."""
        row = await self._pool.fetchval(
            """
            UPDATE seller_leases SET lease_until = clock_timestamp() + $3::interval
             WHERE seller_id = $1 AND held_by = $2
            RETURNING 1
            """,
            seller_id,
            holder,
            lease,
        )
        return row is not None

    async def release(self, *, seller_id: int, holder: str) -> bool:
        """Give the lease up after a poll; True when someone asked for one more poll."""
        rerun = await self._pool.fetchval(
            """
            UPDATE seller_leases SET held_by = NULL, lease_until = NULL,
                                     polled_at = clock_timestamp()
             WHERE seller_id = $1 AND held_by = $2
            RETURNING rerun
            """,
            seller_id,
            holder,
        )
        return bool(rerun)

    async def request_rerun(self, *, seller_id: int) -> bool:
        """Ask the live holder to poll again when done; False when nobody holds the lease
        (then the caller should poll itself)."""
        row = await self._pool.fetchval(
            f"""
            UPDATE seller_leases l SET rerun = true
             WHERE seller_id = $1 AND held_by IS NOT NULL
               AND lease_until > clock_timestamp() AND {held_by_live("l.held_by")}
            RETURNING 1
            """,
            seller_id,
        )
        return row is not None

    async def holder(self, *, seller_id: int) -> str | None:
        """Who holds a running lease on the seller (tests, diagnostics)."""
        value = await self._pool.fetchval(
            """
            SELECT held_by FROM seller_leases
             WHERE seller_id = $1 AND lease_until > clock_timestamp()
            """,
            seller_id,
        )
        return None if value is None else str(value)

    async def held(self, *, holder: str) -> int:
        """How many sellers' polls ``holder`` runs under a live lease now (metrics)."""
        count = await self._pool.fetchval(
            """
            SELECT count(*) FROM seller_leases
             WHERE held_by = $1 AND lease_until > clock_timestamp()
            """,
            holder,
        )
        return int(count or 0)
