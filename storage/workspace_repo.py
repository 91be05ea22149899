"""Telegram forum groups bound as workspaces."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from storage.errors import Conflict, NotFound
from storage.records import Workspace
from storage.sql import Executor, Repository, columns, to_record, to_records

_WORKSPACE = columns(Workspace)


class WorkspaceRepo(Repository):
    async def bind(
        self,
        *,
        tg_chat_id: int,
        title: str,
        bound_by_tg_user_id: int,
        locale: str = "ru",
        conn: Executor | None = None,
    ) -> Workspace:
        """Bind a group, or re-activate and re-title one bound or registered before (its data
        is kept, and so is the first binder)."""
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO workspaces (tg_chat_id, title, bound_by_tg_user_id, locale)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (tg_chat_id) DO UPDATE
               SET title = EXCLUDED.title, state = 'active', updated_at = now(),
                   bound_by_tg_user_id = coalesce(workspaces.bound_by_tg_user_id,
                                                  EXCLUDED.bound_by_tg_user_id)
            RETURNING {_WORKSPACE}
            """,
            tg_chat_id,
            title,
            bound_by_tg_user_id,
            locale,
        )
        assert row is not None
        return to_record(Workspace, row)

    async def register_pending(
        self, *, tg_chat_id: int, title: str, locale: str = "ru", conn: Executor | None = None
    ) -> Workspace:
        """Remember a group that is not set up yet; an existing row keeps its state."""
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO workspaces (tg_chat_id, title, state, locale)
            VALUES ($1, $2, 'pending', $3)
            ON CONFLICT (tg_chat_id) DO UPDATE
               SET title = EXCLUDED.title, updated_at = now()
            RETURNING {_WORKSPACE}
            """,
            tg_chat_id,
            title,
            locale,
        )
        assert row is not None
        return to_record(Workspace, row)

    async def find_by_chat(
        self, *, tg_chat_id: int, conn: Executor | None = None
    ) -> Workspace | None:
        row = await self._db(conn).fetchrow(
            f"SELECT {_WORKSPACE} FROM workspaces WHERE tg_chat_id = $1", tg_chat_id
        )
        return None if row is None else to_record(Workspace, row)

    async def get(self, *, workspace_id: int, conn: Executor | None = None) -> Workspace:
        row = await self._db(conn).fetchrow(
            f"SELECT {_WORKSPACE} FROM workspaces WHERE id = $1", workspace_id
        )
        if row is None:
            raise NotFound(f"workspace {workspace_id}")
        return to_record(Workspace, row)

    async def get_by_chat(self, *, tg_chat_id: int, conn: Executor | None = None) -> Workspace:
        row = await self._db(conn).fetchrow(
            f"SELECT {_WORKSPACE} FROM workspaces WHERE tg_chat_id = $1", tg_chat_id
        )
        if row is None:
            raise NotFound(f"workspace for Telegram chat {tg_chat_id}")
        return to_record(Workspace, row)

    async def list_all(
        self, *, only_active: bool = True, conn: Executor | None = None
    ) -> list[Workspace]:
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_WORKSPACE} FROM workspaces
             WHERE NOT $1 OR state = 'active'
             ORDER BY id
            """,
            only_active,
        )
        return to_records(Workspace, rows)

    async def list_for_agent(
        self,
        *,
        agent_id: int,
        roles: tuple[str, ...] = ("admin", "agent"),
        conn: Executor | None = None,
    ) -> list[Workspace]:
        rows = await self._db(conn).fetch(
            f"""
            SELECT {columns(Workspace, "w.")} FROM workspaces w
              JOIN workspace_members m ON m.workspace_id = w.id
             WHERE m.agent_id = $1 AND m.role = ANY($2::text[]) AND w.state = 'active'
             ORDER BY w.id
            """,
            agent_id,
            list(roles),
        )
        return to_records(Workspace, rows)

    async def set_state(
        self, *, workspace_id: int, state: str, conn: Executor | None = None
    ) -> None:
        status = await self._db(conn).execute(
            "UPDATE workspaces SET state = $2, updated_at = now() WHERE id = $1",
            workspace_id,
            state,
        )
        if status.endswith(" 0"):
            raise NotFound(f"workspace {workspace_id}")

    async def unbind(self, *, workspace_id: int, conn: Executor | None = None) -> bool:
        """An owner unbound the group: back to 'pending' with no binder, so re-adding the
        bot does not bring it back; only a new /setup (and approval) does. False if it
        was not active."""
        status = await self._db(conn).execute(
            """
            UPDATE workspaces SET state = 'pending', bound_by_tg_user_id = NULL,
                   updated_at = now()
             WHERE id = $1 AND state <> 'pending'
            """,
            workspace_id,
        )
        return not status.endswith(" 0")

    async def set_locale(
        self, *, workspace_id: int, locale: str, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            "UPDATE workspaces SET locale = $2, updated_at = now() WHERE id = $1",
            workspace_id,
            locale,
        )

    async def move_to_chat(
        self, *, old_tg_chat_id: int, new_tg_chat_id: int, conn: Executor | None = None
    ) -> Workspace:
        """Follow a group migrated to a supergroup (Telegram's ``migrate_to_chat_id``)."""
        row = await self._db(conn).fetchrow(
            "SELECT id FROM workspaces WHERE tg_chat_id = $1", new_tg_chat_id
        )
        if row is not None:
            raise Conflict(f"Telegram chat {new_tg_chat_id} is already a workspace")
        try:
            row = await self._db(conn).fetchrow(
                f"""
                UPDATE workspaces SET tg_chat_id = $2, updated_at = now()
                 WHERE tg_chat_id = $1
                RETURNING {_WORKSPACE}
                """,
                old_tg_chat_id,
                new_tg_chat_id,
            )
        except asyncpg.UniqueViolationError:
            # Bound concurrently between the check above and this update.
            raise Conflict(f"Telegram chat {new_tg_chat_id} is already a workspace") from None
        if row is None:
            raise NotFound(f"workspace for Telegram chat {old_tg_chat_id}")
        return to_record(Workspace, row)

    async def set_queue_board(
        self,
        *,
        workspace_id: int,
        message_id: int | None,
        content_hash: str | None,
        edited_at: datetime | None,
        conn: Executor | None = None,
    ) -> None:
        await self._db(conn).execute(
            """
            UPDATE workspaces
               SET queue_board_message_id = $2, queue_board_hash = $3,
                   queue_board_edited_at = $4, updated_at = now()
             WHERE id = $1
            """,
            workspace_id,
            message_id,
            content_hash,
            edited_at,
        )
