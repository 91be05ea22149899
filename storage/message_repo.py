"""Messages of mirrored chats, stored once per marketplace message id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.errors import NotFound
from storage.records import Message
from storage.sql import Executor, Repository, columns, to_record, to_records

_MESSAGE = columns(Message)


class MessageRepo(Repository):
    async def insert(
        self,
        *,
        chat_id: int,
        external_id: str,
        direction: str,
        author_type: str,
        sent_at: datetime,
        text: str = "",
        attachments: list[dict[str, Any]] | None = None,
        author_external_id: str | None = None,
        source: str = "marketplace",
        agent_id: int | None = None,
        turn_id: int | None = None,
        unreadable: bool = False,
        conn: Executor | None = None,
    ) -> Message | None:
        """Store a message; ``None`` when this chat already has that external id.

        The unique (chat, external id) constraint is what makes ingestion idempotent: a
        re-fetched page after a crash inserts nothing twice.
        """
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO messages (chat_id, external_id, direction, author_type,
                                  author_external_id, source, agent_id, turn_id, text,
                                  attachments, sent_at, unreadable)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (chat_id, external_id) DO NOTHING
            RETURNING {_MESSAGE}
            """,
            chat_id,
            external_id,
            direction,
            author_type,
            author_external_id,
            source,
            agent_id,
            turn_id,
            text,
            attachments or [],
            sent_at,
            unreadable,
        )
        return None if row is None else to_record(Message, row)

    async def get(self, *, message_id: int, conn: Executor | None = None) -> Message:
        row = await self._db(conn).fetchrow(
            f"SELECT {_MESSAGE} FROM messages WHERE id = $1", message_id
        )
        if row is None:
            raise NotFound(f"message {message_id}")
        return to_record(Message, row)

    async def list_recent(
        self, *, chat_id: int, limit: int = 20, conn: Executor | None = None
    ) -> list[Message]:
        """The last ``limit`` messages of a chat, oldest first (prompt and context order)."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_MESSAGE} FROM (
                SELECT {_MESSAGE} FROM messages WHERE chat_id = $1
                 ORDER BY sent_at DESC, id DESC LIMIT $2
            ) recent ORDER BY sent_at, id
            """,
            chat_id,
            limit,
        )
        return to_records(Message, rows)

    async def set_tg_message_id(
        self, *, message_id: int, tg_message_id: int, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            "UPDATE messages SET tg_message_id = $2 WHERE id = $1", message_id, tg_message_id
        )

    async def search_answers(
        self, *, seller_id: int, query: str, limit: int = 3, conn: Executor | None = None
    ) -> list[Message]:
        """The seller's past answers most relevant to ``query`` (Russian full-text search).

        Any word of the query may match (OR), and answers sharing more words rank first:
        ``query`` is a buyer's whole question, and an answer rarely repeats every word of it.
        """
        rows = await self._db(conn).fetch(
            f"""
            SELECT {columns(Message, "m.")}
              FROM messages m JOIN chats c ON c.id = m.chat_id,
                   (SELECT replace(plainto_tsquery('russian', $2)::text, ' & ', ' | ')::tsquery
                        AS q) query
             WHERE c.seller_id = $1 AND m.direction = 'out'
               AND to_tsvector('russian', m.text) @@ q
             ORDER BY ts_rank(to_tsvector('russian', m.text), q) DESC, m.sent_at DESC
             LIMIT $3
            """,
            seller_id,
            query,
            limit,
        )
        return to_records(Message, rows)
