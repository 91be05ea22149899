"""Requests to bind a group, made by someone who is not an owner (one per group)."""

from __future__ import annotations

from storage.errors import NotFound
from storage.records import GroupRequest
from storage.sql import Executor, Repository, columns, to_record, to_records

_REQUEST = columns(GroupRequest)


class GroupRequestRepo(Repository):
    async def ask(
        self,
        *,
        tg_chat_id: int,
        title: str,
        requested_by_tg_user_id: int,
        conn: Executor | None = None,
    ) -> tuple[GroupRequest, bool]:
        """The group's request, and whether this call opened it. Two /setup racing make
        one request (the row is unique per group); a decided one is opened again."""
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO group_requests (tg_chat_id, title, requested_by_tg_user_id)
            VALUES ($1, $2, $3)
            ON CONFLICT (tg_chat_id) DO UPDATE
               SET state = 'pending', title = EXCLUDED.title,
                   requested_by_tg_user_id = EXCLUDED.requested_by_tg_user_id,
                   decided_by_tg_user_id = NULL, decided_at = NULL, created_at = now()
             WHERE group_requests.state <> 'pending'
            RETURNING {_REQUEST}
            """,
            tg_chat_id,
            title,
            requested_by_tg_user_id,
        )
        if row is not None:
            return to_record(GroupRequest, row), True
        return await self.get_by_chat(tg_chat_id=tg_chat_id, conn=conn), False

    async def get(self, *, request_id: int, conn: Executor | None = None) -> GroupRequest:
        row = await self._db(conn).fetchrow(
            f"SELECT {_REQUEST} FROM group_requests WHERE id = $1", request_id
        )
        if row is None:
            raise NotFound(f"group request {request_id}")
        return to_record(GroupRequest, row)

    async def get_by_chat(self, *, tg_chat_id: int, conn: Executor | None = None) -> GroupRequest:
        row = await self._db(conn).fetchrow(
            f"SELECT {_REQUEST} FROM group_requests WHERE tg_chat_id = $1", tg_chat_id
        )
        if row is None:
            raise NotFound(f"group request for chat {tg_chat_id}")
        return to_record(GroupRequest, row)

    async def decide(
        self,
        *,
        request_id: int,
        approve: bool,
        decided_by_tg_user_id: int,
        conn: Executor | None = None,
    ) -> GroupRequest | None:
        """Approve or reject a pending request; None when it was decided already (a second
        press, a replayed button, two owners at once)."""
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE group_requests
               SET state = $2, decided_by_tg_user_id = $3, decided_at = now()
             WHERE id = $1 AND state = 'pending'
            RETURNING {_REQUEST}
            """,
            request_id,
            "approved" if approve else "rejected",
            decided_by_tg_user_id,
        )
        return None if row is None else to_record(GroupRequest, row)

    async def list_pending(self, *, conn: Executor | None = None) -> list[GroupRequest]:
        rows = await self._db(conn).fetch(
            f"SELECT {_REQUEST} FROM group_requests WHERE state = 'pending' ORDER BY id"
        )
        return to_records(GroupRequest, rows)
