"""AI reply drafts and what became of them (the accept-rate report reads these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.errors import NotFound
from storage.records import BuyerTurn, Suggestion
from storage.sql import Executor, Repository, columns, to_record, to_records

_SUGGESTION = columns(Suggestion)
_SUGGESTION_OF_A = columns(Suggestion, prefix="a.")
_TURN = columns(BuyerTurn, "t.")


class SuggestionRepo(Repository):
    async def create(
        self,
        *,
        chat_id: int,
        text: str,
        source: str,
        model: str = "",
        turn_id: int | None = None,
        intent: str | None = None,
        latency_ms: int | None = None,
        guardrail_findings: list[dict[str, Any]] | None = None,
        conn: Executor | None = None,
    ) -> Suggestion:
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO ai_suggestions (chat_id, turn_id, text, source, model, intent,
                                        latency_ms, guardrail_findings)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING {_SUGGESTION}
            """,
            chat_id,
            turn_id,
            text,
            source,
            model,
            intent,
            latency_ms,
            guardrail_findings or [],
        )
        assert row is not None
        return to_record(Suggestion, row)

    async def get(self, *, suggestion_id: int, conn: Executor | None = None) -> Suggestion:
        row = await self._db(conn).fetchrow(
            f"SELECT {_SUGGESTION} FROM ai_suggestions WHERE id = $1", suggestion_id
        )
        if row is None:
            raise NotFound(f"suggestion {suggestion_id}")
        return to_record(Suggestion, row)

    async def set_tg_message(
        self, *, suggestion_id: int, tg_message_id: int, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            "UPDATE ai_suggestions SET tg_message_id = $2 WHERE id = $1",
            suggestion_id,
            tg_message_id,
        )

    async def decide(
        self,
        *,
        suggestion_id: int,
        outcome: str,
        at: datetime,
        agent_id: int | None = None,
        conn: Executor | None = None,
    ) -> bool:
        """Record the outcome once. False if already decided: a double tap acts once."""
        status = await self._db(conn).execute(
            """
            UPDATE ai_suggestions
               SET outcome = $2, decided_at = $3, decided_by_agent_id = $4
             WHERE id = $1 AND outcome = 'pending'
            """,
            suggestion_id,
            outcome,
            at,
            agent_id,
        )
        return not status.endswith(" 0")

    async def cancel_auto(self, *, suggestion_id: int, conn: Executor | None = None) -> bool:
        """A pending automatic answer becomes an ordinary draft (auto-reply was turned off
        while it waited); False if it was decided or converted meanwhile."""
        status = await self._db(conn).execute(
            """
            UPDATE ai_suggestions SET auto_send_at = NULL
             WHERE id = $1 AND outcome = 'pending' AND auto_send_at IS NOT NULL
            """,
            suggestion_id,
        )
        return not status.endswith(" 0")

    async def ignore_pending(
        self, *, chat_id: int, at: datetime, conn: Executor | None = None
    ) -> int:
        """Drafts nobody acted on before the conversation moved on; returns how many."""
        status = await self._db(conn).execute(
            """
            UPDATE ai_suggestions SET outcome = 'ignored', decided_at = $2
             WHERE chat_id = $1 AND outcome = 'pending'
            """,
            chat_id,
            at,
        )
        return int(status.rsplit(" ", 1)[-1])

    async def outcome_counts(
        self,
        *,
        since: datetime,
        until: datetime,
        seller_ids: list[int] | None = None,
        conn: Executor | None = None,
    ) -> dict[str, int]:
        rows = await self._db(conn).fetch(
            """
            SELECT s.outcome, count(*) AS n
              FROM ai_suggestions s JOIN chats c ON c.id = s.chat_id
             WHERE s.created_at >= $1 AND s.created_at < $2
               AND ($3::bigint[] IS NULL OR c.seller_id = ANY($3::bigint[]))
             GROUP BY s.outcome
            """,
            since,
            until,
            seller_ids,
        )
        return {row["outcome"]: int(row["n"]) for row in rows}

    # ------------------------------------------------------------------ drafts (0003)

    async def create_draft(
        self,
        *,
        chat_id: int,
        turn_id: int,
        buyer_message_count: int,
        text: str,
        source: str,
        model: str = "",
        intent: str | None = None,
        latency_ms: int | None = None,
        guardrail_findings: list[dict[str, Any]] | None = None,
        regenerated_from: int | None = None,
        auto_send_at: datetime | None = None,
        fallback_reason: str | None = None,
        conn: Executor | None = None,
    ) -> Suggestion | None:
        """Store the draft of one burst (or the successor of a regenerated one).

        ``None`` when that burst already has its draft (or that draft its successor): the
        unique indexes make a second worker, or a retry after a crash, create nothing.
        """
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO ai_suggestions (chat_id, turn_id, buyer_message_count, text, source,
                                        model, intent, latency_ms, guardrail_findings,
                                        regenerated_from, auto_send_at, fallback_reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT DO NOTHING
            RETURNING {_SUGGESTION}
            """,
            chat_id,
            turn_id,
            buyer_message_count,
            text,
            source,
            model,
            intent,
            latency_ms,
            guardrail_findings or [],
            regenerated_from,
            auto_send_at,
            fallback_reason,
        )
        return None if row is None else to_record(Suggestion, row)

    async def turns_needing_draft(
        self, *, quiet_before: datetime, limit: int = 20, conn: Executor | None = None
    ) -> list[BuyerTurn]:
        """Open turns whose latest buyer message arrived before ``quiet_before`` (the burst
        has settled) and whose current burst has no draft yet. Only in active groups: one
        the bot left cannot see a draft (nor an automatic answer); it gets the draft of the
        current burst when it is back."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_TURN}
              FROM buyer_turns t
              JOIN chats c ON c.id = t.chat_id
              JOIN sellers s ON s.id = c.seller_id
              JOIN workspaces w ON w.id = s.workspace_id AND w.state = 'active'
             WHERE t.answered_at IS NULL AND c.status = 'open' AND s.state <> 'paused'
               AND NOT EXISTS (SELECT 1 FROM ai_suggestions a
                                WHERE a.turn_id = t.id
                                  AND a.buyer_message_count = t.buyer_message_count)
               AND (SELECT max(m.created_at) FROM messages m
                     WHERE m.chat_id = t.chat_id AND m.turn_id = t.id) <= $1
             ORDER BY t.started_at
             LIMIT $2
            """,
            quiet_before,
            limit,
        )
        return to_records(BuyerTurn, rows)

    async def next_burst_end(self, *, conn: Executor | None = None) -> datetime | None:
        """When the most recent message of the earliest still-undrafted burst arrived (the
        worker sleeps until that plus the debounce instead of polling blindly)."""
        return await self._db(conn).fetchval(
            """
            SELECT min(last_at) FROM (
                SELECT (SELECT max(m.created_at) FROM messages m
                         WHERE m.chat_id = t.chat_id AND m.turn_id = t.id) AS last_at
                  FROM buyer_turns t JOIN chats c ON c.id = t.chat_id
                  JOIN sellers s ON s.id = c.seller_id
                  JOIN workspaces w ON w.id = s.workspace_id AND w.state = 'active'
                 WHERE t.answered_at IS NULL AND c.status = 'open'
                   AND NOT EXISTS (SELECT 1 FROM ai_suggestions a
                                    WHERE a.turn_id = t.id
                                      AND a.buyer_message_count = t.buyer_message_count)
            ) pending
            """
        )

    async def regenerations_needed(
        self, *, limit: int = 10, conn: Executor | None = None
    ) -> list[Suggestion]:
        """Drafts an agent asked to regenerate whose successor does not exist yet, while
        their burst is still the current one."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {columns(Suggestion, "a.")}
              FROM ai_suggestions a JOIN buyer_turns t ON t.id = a.turn_id
             WHERE a.outcome = 'regenerated' AND t.answered_at IS NULL
               AND t.buyer_message_count = a.buyer_message_count
               AND NOT EXISTS (SELECT 1 FROM ai_suggestions n WHERE n.regenerated_from = a.id)
             ORDER BY a.id
             LIMIT $1
            """,
            limit,
        )
        return to_records(Suggestion, rows)

    async def auto_sends_due(
        self, *, now: datetime, limit: int = 10, conn: Executor | None = None
    ) -> list[Suggestion]:
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_SUGGESTION} FROM ai_suggestions
             WHERE outcome = 'pending' AND auto_send_at IS NOT NULL AND auto_send_at <= $1
             ORDER BY auto_send_at, id
             LIMIT $2
            """,
            now,
            limit,
        )
        return to_records(Suggestion, rows)

    async def ignore_stale(
        self, *, at: datetime, conn: Executor | None = None
    ) -> list[Suggestion]:
        """Pending drafts the conversation moved past (answered, or the buyer wrote again):
        marked ignored and returned, so their posts can lose their buttons."""
        rows = await self._db(conn).fetch(
            f"""
            UPDATE ai_suggestions a SET outcome = 'ignored', decided_at = $1
              FROM buyer_turns t
             WHERE t.id = a.turn_id AND a.outcome = 'pending'
               AND (t.answered_at IS NOT NULL
                    OR t.buyer_message_count > coalesce(a.buyer_message_count, 0))
            RETURNING {_SUGGESTION_OF_A}
            """,
            at,
        )
        return to_records(Suggestion, rows)

    async def find_by_message(
        self, *, chat_id: int, tg_message_id: int, conn: Executor | None = None
    ) -> Suggestion | None:
        """The draft whose post or Edit prompt is ``tg_message_id`` (newest first)."""
        row = await self._db(conn).fetchrow(
            f"""
            SELECT {_SUGGESTION} FROM ai_suggestions
             WHERE chat_id = $1 AND (edit_prompt_message_id = $2 OR tg_message_id = $2)
             ORDER BY id DESC LIMIT 1
            """,
            chat_id,
            tg_message_id,
        )
        return None if row is None else to_record(Suggestion, row)

    async def set_edit_prompt(
        self, *, suggestion_id: int, message_id: int, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            "UPDATE ai_suggestions SET edit_prompt_message_id = $2 WHERE id = $1",
            suggestion_id,
            message_id,
        )

    async def has_successor(self, *, suggestion_id: int, conn: Executor | None = None) -> bool:
        """True once a regenerated version replaced this draft (it owns the post now)."""
        found = await self._db(conn).fetchval(
            "SELECT 1 FROM ai_suggestions WHERE regenerated_from = $1", suggestion_id
        )
        return found is not None
