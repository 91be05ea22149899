"""Buyer turns: the unit the SLA clock, its notices and the reports are counted in."""

from __future__ import annotations

from datetime import datetime

from storage.records import BuyerTurn
from storage.sql import Executor, Repository, columns, to_record, to_records

_TURN = columns(BuyerTurn)

# The notice columns a caller may stamp; a whitelist, because the name goes into SQL.
_NOTICE_COLUMNS = {
    "warned": "warned_at",
    "escalated": "escalated_at",
    "hard_breached": "hard_breached_at",
}


class TurnRepo(Repository):
    async def open_or_extend(
        self,
        *,
        chat_id: int,
        at: datetime,
        kind: str,
        priority: str,
        deadline: datetime | None,
        hard_deadline: datetime | None,
        matched_rule_id: int | None = None,
        conn: Executor | None = None,
    ) -> tuple[BuyerTurn, bool]:
        """Open a turn for a buyer message, or count it into the turn already open.

        Returns the turn and whether it was opened now. The partial unique index on open
        turns guarantees one open turn per chat even under concurrent ingestion.
        """
        # One statement, so two concurrent messages of a chat cannot both try to open a
        # turn (an UPDATE-then-INSERT would let the second fail on the unique index).
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO buyer_turns (chat_id, kind, started_at, priority, deadline,
                                     hard_deadline, matched_rule_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (chat_id) WHERE answered_at IS NULL DO UPDATE
               SET buyer_message_count = buyer_turns.buyer_message_count + 1
            RETURNING {_TURN}, (xmax = 0) AS opened
            """,
            chat_id,
            kind,
            at,
            priority,
            deadline,
            hard_deadline,
            matched_rule_id,
        )
        assert row is not None
        values = dict(row)
        opened = values.pop("opened")
        return BuyerTurn(**values), opened

    async def update_sla(
        self,
        *,
        turn_id: int,
        priority: str,
        matched_rule_id: int | None,
        deadline: datetime | None,
        hard_deadline: datetime | None,
        conn: Executor | None = None,
    ) -> BuyerTurn:
        """Re-decide an open turn (a later message matched a higher rule, the window moved)."""
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE buyer_turns
               SET priority = $2, matched_rule_id = $3, deadline = $4, hard_deadline = $5
             WHERE id = $1
            RETURNING {_TURN}
            """,
            turn_id,
            priority,
            matched_rule_id,
            deadline,
            hard_deadline,
        )
        assert row is not None
        return to_record(BuyerTurn, row)

    async def get(self, *, turn_id: int, conn: Executor | None = None) -> BuyerTurn | None:
        row = await self._db(conn).fetchrow(
            f"SELECT {_TURN} FROM buyer_turns WHERE id = $1", turn_id
        )
        return None if row is None else to_record(BuyerTurn, row)

    async def get_open(self, *, chat_id: int, conn: Executor | None = None) -> BuyerTurn | None:
        row = await self._db(conn).fetchrow(
            f"SELECT {_TURN} FROM buyer_turns WHERE chat_id = $1 AND answered_at IS NULL",
            chat_id,
        )
        return None if row is None else to_record(BuyerTurn, row)

    async def set_header(
        self,
        *,
        turn_id: int,
        message_id: int,
        tg_message_id: int,
        conn: Executor | None = None,
    ) -> bool:
        """Record the turn's header post once; False when another message carries it."""
        status = await self._db(conn).execute(
            """
            UPDATE buyer_turns SET header_message_id = $2, header_tg_message_id = $3
             WHERE id = $1 AND (header_message_id IS NULL OR header_message_id = $2)
            """,
            turn_id,
            message_id,
            tg_message_id,
        )
        return not status.endswith(" 0")

    async def close(
        self,
        *,
        chat_id: int,
        answered_at: datetime,
        via: str,
        agent_id: int | None = None,
        conn: Executor | None = None,
    ) -> BuyerTurn | None:
        """Stop the clock: the seller answered. ``None`` when no turn was open."""
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE buyer_turns
               SET answered_at = $2, answered_via = $3, answered_by_agent_id = $4
             WHERE chat_id = $1 AND answered_at IS NULL
            RETURNING {_TURN}
            """,
            chat_id,
            answered_at,
            via,
            agent_id,
        )
        return None if row is None else to_record(BuyerTurn, row)

    async def mark_auto_answered(
        self, *, chat_id: int, at: datetime, conn: Executor | None = None
    ) -> BuyerTurn | None:
        """An automatic reply went out that does not count as a person's answer: the open
        turn stays in the queue at low priority and owes no more SLA notices. ``None`` when
        no turn was open."""
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE buyer_turns
               SET auto_answered_at = coalesce(auto_answered_at, $2), priority = 'low'
             WHERE chat_id = $1 AND answered_at IS NULL
            RETURNING {_TURN}
            """,
            chat_id,
            at,
        )
        return None if row is None else to_record(BuyerTurn, row)

    async def settle_auto_answered(
        self,
        *,
        chat_id: int,
        before: datetime | None = None,
        agent_id: int | None = None,
        conn: Executor | None = None,
    ) -> BuyerTurn | None:
        """Close an open, auto-answered turn as answered by that automatic reply (a person
        took the chat, or the buyer wrote again after it, ``before`` being the message's
        time). ``None`` when there was no such turn."""
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE buyer_turns
               SET answered_at = auto_answered_at, answered_via = 'auto',
                   answered_by_agent_id = coalesce($3, answered_by_agent_id)
             WHERE chat_id = $1 AND answered_at IS NULL AND auto_answered_at IS NOT NULL
               AND ($2::timestamptz IS NULL OR auto_answered_at <= $2)
            RETURNING {_TURN}
            """,
            chat_id,
            before,
            agent_id,
        )
        return None if row is None else to_record(BuyerTurn, row)

    async def mark_notice(
        self, *, turn_id: int, notice: str, at: datetime, conn: Executor | None = None
    ) -> bool:
        """Stamp a notice once; False when it was already sent for this turn."""
        column = _NOTICE_COLUMNS[notice]
        status = await self._db(conn).execute(
            f"UPDATE buyer_turns SET {column} = $2 WHERE id = $1 AND {column} IS NULL",
            turn_id,
            at,
        )
        return not status.endswith(" 0")

    async def list_started_between(
        self,
        *,
        since: datetime,
        until: datetime,
        seller_ids: list[int] | None = None,
        conn: Executor | None = None,
    ) -> list[BuyerTurn]:
        rows = await self._db(conn).fetch(
            f"""
            SELECT {columns(BuyerTurn, "t.")} FROM buyer_turns t JOIN chats c ON c.id = t.chat_id
             WHERE t.started_at >= $1 AND t.started_at < $2
               AND ($3::bigint[] IS NULL OR c.seller_id = ANY($3::bigint[]))
             ORDER BY t.started_at
            """,
            since,
            until,
            seller_ids,
        )
        return to_records(BuyerTurn, rows)
