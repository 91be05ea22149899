"""The weekly digest's settings per workspace, the record of the last one sent, and the
one figure /stats does not have (turns resolved without a reply).

A workspace without a row has the defaults (on, Monday 09:00, its first shop's time zone);
the row appears when an admin changes something or the first digest goes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from storage.sql import Executor, Repository

DEFAULT_TIMEZONE = "Europe/Moscow"

# The zone a digest uses: its own, else the workspace's first shop's (its business hours).
_ZONE = f"""coalesce(d.timezone,
             (SELECT s.timezone FROM sellers s
               WHERE s.workspace_id = w.id AND s.state <> 'removed' ORDER BY s.id LIMIT 1),
             '{DEFAULT_TIMEZONE}')"""

_PLAN = f"""
SELECT w.id AS workspace_id, coalesce(d.enabled, true) AS enabled,
       coalesce(d.weekday, 1) AS weekday, coalesce(d.send_at, '09:00'::time) AS send_at,
       {_ZONE} AS timezone, d.timezone IS NOT NULL AS own_timezone, d.last_sent_on
  FROM workspaces w LEFT JOIN workspace_digests d ON d.workspace_id = w.id
"""


@dataclass(frozen=True, slots=True)
class DigestPlan:
    """When a workspace's digest goes out, and the local date of the last one sent."""

    workspace_id: int
    enabled: bool
    weekday: int  # ISO, 1 = Monday
    send_at: time
    timezone: str
    own_timezone: bool  # False: the first shop's zone (or the default) stands in
    last_sent_on: date | None


class DigestRepo(Repository):
    async def plan(self, *, workspace_id: int, conn: Executor | None = None) -> DigestPlan:
        row = await self._db(conn).fetchrow(f"{_PLAN} WHERE w.id = $1", workspace_id)
        if row is None:
            raise LookupError(f"workspace {workspace_id} is gone")
        return DigestPlan(**dict(row))

    async def active_plans(self, *, conn: Executor | None = None) -> list[DigestPlan]:
        """Every active workspace with a shop whose digest is on (the scheduler's list)."""
        rows = await self._db(conn).fetch(
            f"""{_PLAN}
             WHERE w.state = 'active' AND coalesce(d.enabled, true)
               AND EXISTS (SELECT 1 FROM sellers s
                            WHERE s.workspace_id = w.id AND s.state <> 'removed')
             ORDER BY w.id"""
        )
        return [DigestPlan(**dict(row)) for row in rows]

    async def save(
        self,
        *,
        workspace_id: int,
        enabled: bool | None = None,
        weekday: int | None = None,
        send_at: time | None = None,
        timezone: str | None = None,
        conn: Executor | None = None,
    ) -> None:
        """Change what is given, keep the rest (``None`` = unchanged)."""
        await self._db(conn).execute(
            """
            INSERT INTO workspace_digests (workspace_id, enabled, weekday, send_at, timezone)
            VALUES ($1, coalesce($2, true), coalesce($3, 1), coalesce($4, '09:00'::time), $5)
            ON CONFLICT (workspace_id) DO UPDATE SET
                enabled = coalesce($2, workspace_digests.enabled),
                weekday = coalesce($3, workspace_digests.weekday),
                send_at = coalesce($4, workspace_digests.send_at),
                timezone = coalesce($5, workspace_digests.timezone),
                updated_at = now()
            """,
            workspace_id,
            enabled,
            weekday,
            send_at,
            timezone,
        )

    async def claim_week(self, *, workspace_id: int, day: date, conn: Executor) -> bool:
        """Record the digest of ``day`` as sent; ``False`` when one of the same ISO week
        already was (another run, another instance, a restart)."""
        row = await conn.fetchrow(
            """
            INSERT INTO workspace_digests (workspace_id, last_sent_on) VALUES ($1, $2)
            ON CONFLICT (workspace_id) DO UPDATE SET last_sent_on = EXCLUDED.last_sent_on
             WHERE workspace_digests.last_sent_on IS NULL
                OR date_trunc('week', workspace_digests.last_sent_on)
                   < date_trunc('week', EXCLUDED.last_sent_on)
            RETURNING workspace_id
            """,
            workspace_id,
            day,
        )
        return row is not None

    async def resolved_without_reply(
        self,
        *,
        since: datetime,
        until: datetime,
        seller_ids: Sequence[int],
        conn: Executor | None = None,
    ) -> int:
        """Turns started in [since, until) that an agent closed without answering (/done)."""
        value = await self._db(conn).fetchval(
            """
            SELECT count(*) FROM buyer_turns t JOIN chats c ON c.id = t.chat_id
             WHERE t.started_at >= $1 AND t.started_at < $2
               AND c.seller_id = ANY($3::bigint[]) AND t.answered_via = 'resolved'
            """,
            since,
            until,
            list(seller_ids),
        )
        return int(value)
