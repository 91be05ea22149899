"""Agents' replies held by a warning guardrail until the agent confirms them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.errors import NotFound
from storage.records import HeldReply
from storage.sql import Executor, Repository, columns, to_record

_HELD = columns(HeldReply)


class HeldReplyRepo(Repository):
    async def hold(
        self,
        *,
        workspace_id: int,
        chat_id: int,
        agent_id: int,
        tg_chat_id: int,
        tg_message_id: int,
        text: str,
        findings: list[dict[str, Any]],
        file: dict[str, Any] | None = None,
        suggestion_id: int | None = None,
        filled: bool = False,
        conn: Executor | None = None,
    ) -> tuple[HeldReply, bool]:
        """Hold a reply once per Telegram message; returns the row and whether it is new."""
        db = self._db(conn)
        row = await db.fetchrow(
            f"""
            INSERT INTO held_replies (workspace_id, chat_id, agent_id, tg_chat_id,
                                      tg_message_id, text, file, findings, suggestion_id,
                                      filled)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (tg_chat_id, tg_message_id) DO NOTHING
            RETURNING {_HELD}
            """,
            workspace_id,
            chat_id,
            agent_id,
            tg_chat_id,
            tg_message_id,
            text,
            file,
            findings,
            suggestion_id,
            filled,
        )
        if row is not None:
            return to_record(HeldReply, row), True
        existing = await db.fetchrow(
            f"SELECT {_HELD} FROM held_replies WHERE tg_chat_id = $1 AND tg_message_id = $2",
            tg_chat_id,
            tg_message_id,
        )
        assert existing is not None
        return to_record(HeldReply, existing), False

    async def get(self, *, held_id: int, conn: Executor | None = None) -> HeldReply:
        row = await self._db(conn).fetchrow(
            f"SELECT {_HELD} FROM held_replies WHERE id = $1", held_id
        )
        if row is None:
            raise NotFound(f"held reply {held_id}")
        return to_record(HeldReply, row)

    async def decide(
        self, *, held_id: int, status: str, at: datetime, conn: Executor | None = None
    ) -> bool:
        """Confirm or cancel once; False when it was already decided (a double tap)."""
        result = await self._db(conn).execute(
            """
            UPDATE held_replies SET status = $2, decided_at = $3
             WHERE id = $1 AND status = 'held'
            """,
            held_id,
            status,
            at,
        )
        return not result.endswith(" 0")
