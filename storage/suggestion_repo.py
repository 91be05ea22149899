"""AI reply drafts and what became of them (the accept-rate report reads these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.errors import NotFound
from storage.records import Suggestion
from storage.sql import Executor, Repository, columns, to_record

_SUGGESTION = columns(Suggestion)


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
