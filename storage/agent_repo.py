"""People known to the bot and their per-workspace roles."""

from __future__ import annotations

from storage.errors import NotFound
from storage.records import Agent, Member
from storage.sql import Executor, Repository, columns, to_record, to_records

_AGENT = columns(Agent)
_MEMBER = columns(Member)


class AgentRepo(Repository):
    async def upsert(
        self,
        *,
        tg_user_id: int,
        display_name: str,
        username: str | None = None,
        conn: Executor | None = None,
    ) -> Agent:
        """Create the person on first contact; refresh name and last-seen afterwards."""
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO agents (tg_user_id, display_name, username, last_seen_at)
            VALUES ($1, $2, $3, now())
            ON CONFLICT (tg_user_id) DO UPDATE
               SET display_name = EXCLUDED.display_name,
                   username = EXCLUDED.username,
                   last_seen_at = now()
            RETURNING {_AGENT}
            """,
            tg_user_id,
            display_name,
            username,
        )
        assert row is not None
        return to_record(Agent, row)

    async def get(self, *, agent_id: int, conn: Executor | None = None) -> Agent:
        row = await self._db(conn).fetchrow(f"SELECT {_AGENT} FROM agents WHERE id = $1", agent_id)
        if row is None:
            raise NotFound(f"agent {agent_id}")
        return to_record(Agent, row)

    async def get_by_tg_user(self, *, tg_user_id: int, conn: Executor | None = None) -> Agent:
        row = await self._db(conn).fetchrow(
            f"SELECT {_AGENT} FROM agents WHERE tg_user_id = $1", tg_user_id
        )
        if row is None:
            raise NotFound(f"agent with Telegram id {tg_user_id}")
        return to_record(Agent, row)

    async def set_locale(
        self, *, agent_id: int, locale: str | None, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            "UPDATE agents SET locale = $2 WHERE id = $1", agent_id, locale
        )

    async def set_member(
        self,
        *,
        workspace_id: int,
        agent_id: int,
        role: str,
        checked: bool = True,
        can_send: bool = True,
        conn: Executor | None = None,
    ) -> Member:
        """Record a role as Telegram reported it; the check time is the cache stamp.

        ``checked=False`` records a membership seen without asking Telegram (someone wrote
        in the group): it is stale at once, so the next role check asks Telegram instead of
        trusting a guessed "agent" (an admin would otherwise lose rights for minutes).
        A member who comes back is present again, but keeps ``can_reply`` as an admin left it.
        """
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO workspace_members (workspace_id, agent_id, role, role_checked_at,
                                           can_send)
            VALUES ($1, $2, $3, CASE WHEN $4 THEN now() ELSE 'epoch'::timestamptz END, $5)
            ON CONFLICT (workspace_id, agent_id) DO UPDATE
               SET role = EXCLUDED.role, role_checked_at = EXCLUDED.role_checked_at,
                   can_send = EXCLUDED.can_send, left_at = NULL
            RETURNING {_MEMBER}
            """,
            workspace_id,
            agent_id,
            role,
            checked,
            can_send,
        )
        assert row is not None
        return to_record(Member, row)

    async def get_member(
        self, *, workspace_id: int, agent_id: int, conn: Executor | None = None
    ) -> Member:
        row = await self._db(conn).fetchrow(
            f"SELECT {_MEMBER} FROM workspace_members WHERE workspace_id = $1 AND agent_id = $2",
            workspace_id,
            agent_id,
        )
        if row is None:
            raise NotFound(f"agent {agent_id} in workspace {workspace_id}")
        return to_record(Member, row)

    async def set_can_reply(
        self, *, workspace_id: int, agent_id: int, can_reply: bool, conn: Executor | None = None
    ) -> None:
        status = await self._db(conn).execute(
            """
            UPDATE workspace_members SET can_reply = $3
             WHERE workspace_id = $1 AND agent_id = $2
            """,
            workspace_id,
            agent_id,
            can_reply,
        )
        if status.endswith(" 0"):
            raise NotFound(f"agent {agent_id} in workspace {workspace_id}")

    async def list_members(
        self, *, workspace_id: int, conn: Executor | None = None
    ) -> list[Member]:
        rows = await self._db(conn).fetch(
            f"SELECT {_MEMBER} FROM workspace_members WHERE workspace_id = $1 ORDER BY created_at",
            workspace_id,
        )
        return to_records(Member, rows)

    async def answerers(
        self, *, workspace_id: int, everyone: bool = False, conn: Executor | None = None
    ) -> list[Agent]:
        """The people a chat may be handed to here: members still in the group, allowed to
        write, and admins or allowed to answer buyers (the /agents switch); by name.
        ``everyone``: every member ever seen here, so a name can be refused for its reason."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {columns(Agent, "a.")} FROM workspace_members m
              JOIN agents a ON a.id = m.agent_id
             WHERE m.workspace_id = $1
               AND ($2 OR (m.left_at IS NULL AND m.can_send
                           AND (m.role = 'admin' OR m.can_reply)))
             ORDER BY lower(a.display_name), a.id
            """,
            workspace_id,
            everyone,
        )
        return to_records(Agent, rows)

    async def remove_member(
        self, *, workspace_id: int, agent_id: int, conn: Executor | None = None
    ) -> bool:
        status = await self._db(conn).execute(
            "DELETE FROM workspace_members WHERE workspace_id = $1 AND agent_id = $2",
            workspace_id,
            agent_id,
        )
        return not status.endswith(" 0")

    async def mark_left(
        self, *, workspace_id: int, agent_id: int, conn: Executor | None = None
    ) -> bool:
        """Telegram says the person is gone: keep the row (an admin's "forbidden" must
        survive leaving and rejoining) and stamp it, checked now. False if never a member."""
        status = await self._db(conn).execute(
            """
            UPDATE workspace_members
               SET left_at = coalesce(left_at, now()), role_checked_at = now()
             WHERE workspace_id = $1 AND agent_id = $2
            """,
            workspace_id,
            agent_id,
        )
        return not status.endswith(" 0")
