"""Canned replies (templates) of a group: for one shop or for every shop of the group."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from storage.errors import Conflict, NotFound
from storage.records import CannedReply
from storage.sql import Executor, Repository, columns, to_record, to_records

_CANNED = columns(CannedReply)


class CannedRepo(Repository):
    async def add(
        self,
        *,
        workspace_id: int,
        seller_id: int | None,
        name: str,
        body: str,
        file_kind: str | None,
        file_id: str | None,
        file_name: str | None,
        created_by: int,
        conn: Executor | None = None,
    ) -> CannedReply:
        """Save a new template; :class:`Conflict` when its scope has one of that name."""
        try:
            row = await self._db(conn).fetchrow(
                f"""
                INSERT INTO canned_replies (workspace_id, seller_id, name, body, file_kind,
                                            file_id, file_name, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                RETURNING {_CANNED}
                """,
                workspace_id,
                seller_id,
                name,
                body,
                file_kind,
                file_id,
                file_name,
                created_by,
            )
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(f"template {name!r} exists") from exc
        assert row is not None
        return to_record(CannedReply, row)

    async def update(
        self,
        *,
        canned_id: int,
        body: str,
        file_kind: str | None,
        file_id: str | None,
        file_name: str | None,
        conn: Executor | None = None,
    ) -> CannedReply:
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE canned_replies
               SET body = $2, file_kind = $3, file_id = $4, file_name = $5, updated_at = now()
             WHERE id = $1
            RETURNING {_CANNED}
            """,
            canned_id,
            body,
            file_kind,
            file_id,
            file_name,
        )
        if row is None:
            raise NotFound(f"template {canned_id}")
        return to_record(CannedReply, row)

    async def delete(self, *, canned_id: int, conn: Executor | None = None) -> bool:
        status = await self._db(conn).execute(
            "DELETE FROM canned_replies WHERE id = $1", canned_id
        )
        return not status.endswith(" 0")

    async def get(self, *, canned_id: int, conn: Executor | None = None) -> CannedReply:
        row = await self._db(conn).fetchrow(
            f"SELECT {_CANNED} FROM canned_replies WHERE id = $1", canned_id
        )
        if row is None:
            raise NotFound(f"template {canned_id}")
        return to_record(CannedReply, row)

    async def list_for(
        self, *, workspace_ids: Sequence[int], conn: Executor | None = None
    ) -> list[CannedReply]:
        """Every template of these groups: group-wide ones first, then by shop and name."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_CANNED} FROM canned_replies WHERE workspace_id = ANY($1::bigint[])
             ORDER BY workspace_id, seller_id NULLS FIRST, lower(name), id
            """,
            list(workspace_ids),
        )
        return to_records(CannedReply, rows)

    async def member_workspace_ids(
        self, *, tg_user_id: int, conn: Executor | None = None
    ) -> list[int]:
        """Active groups where the bot has met this person (a left one too: Telegram is
        asked again, they may be back): the only ones whose templates an inline query may
        show them; their right to answer is then checked per group."""
        rows = await self._db(conn).fetch(
            """
            SELECT m.workspace_id FROM workspace_members m
              JOIN agents a ON a.id = m.agent_id
              JOIN workspaces w ON w.id = m.workspace_id
             WHERE a.tg_user_id = $1 AND w.state = 'active'
             ORDER BY m.workspace_id
            """,
            tg_user_id,
        )
        return [row["workspace_id"] for row in rows]
