"""Internal notes written in buyers' topics: kept with the chat, never sent to the buyer."""

from __future__ import annotations

from storage.records import InternalNote
from storage.sql import Executor, Repository, columns, to_records

_NOTE = columns(InternalNote)


class InternalNoteRepo(Repository):
    async def add(
        self,
        *,
        chat_id: int,
        agent_id: int | None,
        tg_chat_id: int,
        tg_message_id: int,
        text: str,
        conn: Executor | None = None,
    ) -> bool:
        """Store a note once per Telegram message (a redelivered update adds nothing)."""
        status = await self._db(conn).execute(
            """
            INSERT INTO internal_notes (chat_id, agent_id, tg_chat_id, tg_message_id, text)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tg_chat_id, tg_message_id) DO NOTHING
            """,
            chat_id,
            agent_id,
            tg_chat_id,
            tg_message_id,
            text,
        )
        return not status.endswith(" 0")

    async def list_recent(
        self, *, chat_id: int, limit: int = 10, conn: Executor | None = None
    ) -> list[InternalNote]:
        """The chat's latest notes, oldest first."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_NOTE} FROM (
                SELECT * FROM internal_notes WHERE chat_id = $1
                 ORDER BY created_at DESC, id DESC LIMIT $2
            ) recent ORDER BY created_at, id
            """,
            chat_id,
            limit,
        )
        return to_records(InternalNote, rows)
