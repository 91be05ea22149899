"""Reads and writes of the SLA clock: waiting chats for the board and /queue, turns due
for a notice, and the priority bump near the marketplace's reply window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.records import Agent, Priority
from storage.sql import Executor, Repository, columns, to_record, to_records

_WAITING = """
    c.seller_id = ANY($1::bigint[]) AND c.waiting_since IS NOT NULL AND c.status = 'open'
    AND ($2::text IS NULL OR c.priority = $2)
    AND ($3::timestamptz IS NULL OR c.sla_deadline < $3)
    AND (NOT $4::bool OR c.owner_agent_id IS NULL)
    AND ($5::bigint IS NULL OR c.owner_agent_id = $5)
"""


@dataclass(frozen=True, slots=True)
class WaitingChat:
    chat_id: int
    seller_id: int
    seller_name: str
    workspace_id: int
    priority: Priority
    sla_deadline: datetime | None
    waiting_since: datetime
    topic_thread_id: int | None
    topic_name: str | None
    owner_agent_id: int | None
    owner_name: str | None
    order_number: str | None
    buyer_external_id: str | None
    unanswered_count: int
    total: int


@dataclass(frozen=True, slots=True)
class DueTurn:
    turn_id: int
    chat_id: int
    seller_id: int
    workspace_id: int
    priority: Priority
    started_at: datetime
    deadline: datetime | None
    hard_deadline: datetime | None
    warned_at: datetime | None
    escalated_at: datetime | None
    hard_breached_at: datetime | None
    topic_thread_id: int | None
    topic_name: str | None
    order_number: str | None
    buyer_external_id: str | None
    owner_agent_id: int | None
    owner_tg_user_id: int | None
    owner_name: str | None
    business_hours: bool


@dataclass(frozen=True, slots=True)
class QueueFilter:
    priority: str | None = None
    overdue_at: datetime | None = None  # deadline before this instant
    unclaimed: bool = False
    owner_agent_id: int | None = None
    seller_ids: Sequence[int] | None = None


class SlaQueueRepo(Repository):
    async def waiting(
        self,
        *,
        workspace_id: int,
        where: QueueFilter | None = None,
        limit: int = 25,
        conn: Executor | None = None,
    ) -> list[WaitingChat]:
        """Waiting chats of a workspace, nearest deadline first; ``total`` counts them all."""
        where = where or QueueFilter()
        db = self._db(conn)
        seller_ids = await db.fetch(
            "SELECT id FROM sellers WHERE workspace_id = $1 AND state <> 'removed'", workspace_id
        )
        ids = [row["id"] for row in seller_ids]
        if where.seller_ids is not None:
            ids = [i for i in ids if i in set(where.seller_ids)]
        # Two statements: the top rows walk the deadline index (chats_waiting_idx) and stop
        # after ``limit``; the count does not sort. One windowed query would sort them all.
        args = (ids, where.priority, where.overdue_at, where.unclaimed, where.owner_agent_id)
        total = await db.fetchval(f"SELECT count(*) FROM chats c WHERE {_WAITING}", *args)
        rows = await db.fetch(
            f"""
            SELECT c.id AS chat_id, c.seller_id, s.name AS seller_name, s.workspace_id,
                   c.priority, c.sla_deadline, c.waiting_since, c.topic_thread_id,
                   c.topic_name, c.owner_agent_id, a.display_name AS owner_name,
                   c.order_number, c.buyer_external_id, c.unanswered_count,
                   $6::bigint AS total
              FROM chats c
              JOIN sellers s ON s.id = c.seller_id AND s.state <> 'removed'
              LEFT JOIN agents a ON a.id = c.owner_agent_id
             WHERE {_WAITING}
             ORDER BY c.sla_deadline, c.id
             LIMIT $7
            """,
            *args,
            total,
            limit,
        )
        return to_records(WaitingChat, rows)

    async def waiting_count(self, *, workspace_id: int, conn: Executor | None = None) -> int:
        """How many chats of a workspace wait for an answer, whatever a filter shows."""
        value = await self._db(conn).fetchval(
            """
            SELECT count(*) FROM chats c
              JOIN sellers s ON s.id = c.seller_id AND s.state <> 'removed'
             WHERE s.workspace_id = $1 AND c.waiting_since IS NOT NULL AND c.status = 'open'
            """,
            workspace_id,
        )
        return int(value)

    async def bump_near_window(
        self, *, now: datetime, margin: timedelta, conn: Executor | None = None
    ) -> list[int]:
        """Open turns whose chat is within ``margin`` of Ozon's reply window become urgent;
        the deadline moves to half the margin before the window closes (if earlier)."""
        rows = await self._db(conn).fetch(
            """
            WITH bumped AS (
                UPDATE buyer_turns t
                   SET priority = 'urgent',
                       deadline = least(t.deadline, c.reply_window_ends_at - $2::interval / 2),
                       hard_deadline = least(t.hard_deadline, c.reply_window_ends_at)
                  FROM chats c
                 WHERE c.id = t.chat_id AND t.answered_at IS NULL
                   AND t.auto_answered_at IS NULL
                   AND t.priority <> 'urgent' AND c.waiting_since IS NOT NULL
                   AND c.reply_window_ends_at IS NOT NULL
                   AND c.reply_window_ends_at - $2::interval <= $1
                RETURNING t.chat_id, t.deadline
            )
            UPDATE chats c SET priority = 'urgent', sla_deadline = b.deadline, updated_at = now()
              FROM bumped b WHERE c.id = b.chat_id
            RETURNING c.id
            """,
            now,
            margin,
        )
        return [row["id"] for row in rows]

    async def warn_candidates(
        self, *, now: datetime, conn: Executor | None = None
    ) -> list[tuple[int, int, datetime, datetime]]:
        """(turn, seller, started, deadline) of unwarned open turns of sellers with business
        hours whose deadline is still ahead: their warning time needs working-time maths."""
        rows = await self._db(conn).fetch(
            """
            SELECT t.id, c.seller_id, t.started_at, t.deadline
              FROM buyer_turns t
              JOIN chats c ON c.id = t.chat_id
              JOIN sellers s ON s.id = c.seller_id AND s.state <> 'removed'
              JOIN workspaces w ON w.id = s.workspace_id AND w.state = 'active'
             WHERE t.answered_at IS NULL AND t.warned_at IS NULL AND t.deadline > $1
               AND t.auto_answered_at IS NULL
               AND s.business_hours_enabled AND c.waiting_since IS NOT NULL
            """,
            now,
        )
        return [(r["id"], r["seller_id"], r["started_at"], r["deadline"]) for r in rows]

    async def due_turns(
        self,
        *,
        now: datetime,
        warn_ids: Sequence[int] = (),
        conn: Executor | None = None,
    ) -> list[DueTurn]:
        """Open turns that owe a notice now, locked for the caller's transaction.

        Warnings of 24/7 sellers are due at the wall-clock midpoint; for sellers with
        business hours the caller passes the turns whose working-time midpoint passed.
        Only active groups: a group the bot left would get the notices stale when it comes
        back; unstamped, its turns owe one current notice each on return instead.
        """
        rows = await self._db(conn).fetch(
            """
            SELECT t.id AS turn_id, t.chat_id, c.seller_id, s.workspace_id, t.priority,
                   t.started_at, t.deadline, t.hard_deadline, t.warned_at, t.escalated_at,
                   t.hard_breached_at, c.topic_thread_id, c.topic_name, c.order_number,
                   c.buyer_external_id, c.owner_agent_id, a.tg_user_id AS owner_tg_user_id,
                   a.display_name AS owner_name, s.business_hours_enabled AS business_hours
              FROM buyer_turns t
              JOIN chats c ON c.id = t.chat_id
              JOIN sellers s ON s.id = c.seller_id AND s.state <> 'removed'
              JOIN workspaces w ON w.id = s.workspace_id AND w.state = 'active'
              LEFT JOIN agents a ON a.id = c.owner_agent_id
             WHERE t.answered_at IS NULL AND c.status = 'open' AND t.auto_answered_at IS NULL
               AND c.waiting_since IS NOT NULL AND s.state <> 'paused'
               AND ((t.hard_breached_at IS NULL AND t.hard_deadline <= $1)
                 OR (t.escalated_at IS NULL AND t.deadline <= $1)
                 OR (t.warned_at IS NULL AND t.deadline IS NOT NULL
                     AND NOT s.business_hours_enabled
                     AND t.started_at + (t.deadline - t.started_at) / 2 <= $1)
                 OR t.id = ANY($2::bigint[]))
             ORDER BY t.id
               FOR UPDATE OF t SKIP LOCKED
            """,
            now,
            list(warn_ids),
        )
        return to_records(DueTurn, rows)

    async def stamp(
        self,
        *,
        now: datetime,
        stamps: Sequence[tuple[int, bool, bool, bool]],
        conn: Executor | None = None,
    ) -> None:
        """Record notices as sent: (turn id, warned, escalated, hard breached)."""
        if not stamps:
            return
        ids, warned, escalated, breached = (list(c) for c in zip(*stamps, strict=True))
        await self._db(conn).execute(
            """
            UPDATE buyer_turns t
               SET warned_at = CASE WHEN x.w THEN coalesce(t.warned_at, $1) ELSE t.warned_at END,
                   escalated_at = CASE WHEN x.e THEN coalesce(t.escalated_at, $1)
                                       ELSE t.escalated_at END,
                   hard_breached_at = CASE WHEN x.h THEN coalesce(t.hard_breached_at, $1)
                                           ELSE t.hard_breached_at END
              FROM unnest($2::bigint[], $3::bool[], $4::bool[], $5::bool[]) AS x(id, w, e, h)
             WHERE t.id = x.id
            """,
            now,
            ids,
            warned,
            escalated,
            breached,
        )

    async def admins(
        self, *, workspace_ids: Sequence[int], conn: Executor | None = None
    ) -> dict[int, list[tuple[int, str]]]:
        """workspace → [(Telegram user id, name)] of its admins, for escalation mentions."""
        rows = await self._db(conn).fetch(
            """
            SELECT m.workspace_id, a.tg_user_id, a.display_name
              FROM workspace_members m JOIN agents a ON a.id = m.agent_id
             WHERE m.workspace_id = ANY($1::bigint[]) AND m.role = 'admin'
             ORDER BY m.created_at
            """,
            list(workspace_ids),
        )
        found: dict[int, list[tuple[int, str]]] = {}
        for row in rows:
            found.setdefault(row["workspace_id"], []).append(
                (row["tg_user_id"], row["display_name"])
            )
        return found

    async def board_pending(
        self, *, workspace_id: int, kind: str, conn: Executor | None = None
    ) -> bool:
        """Is a board edit for this workspace already queued (one at a time is enough)?"""
        value = await self._db(conn).fetchval(
            """
            SELECT EXISTS (SELECT 1 FROM tg_outbox
                            WHERE workspace_id = $1 AND kind = $2 AND status = 'pending')
            """,
            workspace_id,
            kind,
        )
        return bool(value)

    async def agent_by_username(
        self, *, username: str, conn: Executor | None = None
    ) -> Agent | None:
        """A person the bot has seen, by @username."""
        row = await self._db(conn).fetchrow(
            f"""
            SELECT {columns(Agent)} FROM agents
             WHERE lower(username) = lower($1) ORDER BY last_seen_at DESC NULLS LAST LIMIT 1
            """,
            username.lstrip("@"),
        )
        return None if row is None else to_record(Agent, row)
