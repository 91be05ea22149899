"""Commands waiting for the shop they are about (the "which shop?" buttons)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.sql import Executor, Repository

# A question nobody answered within a day is dropped; the person types the command again.
_KEEP = "1 day"


@dataclass(frozen=True, slots=True)
class PendingCommand:
    tg_user_id: int
    command: str
    args: str


class PendingCommandRepo(Repository):
    async def save(
        self, *, tg_user_id: int, command: str, args: str, conn: Executor | None = None
    ) -> int:
        """Keep ``command``'s words until the person picks a shop; the id goes in the
        buttons. Old questions are swept here, so the table stays small without a job."""
        db = self._db(conn)
        await db.execute(
            f"DELETE FROM pending_commands WHERE created_at < now() - interval '{_KEEP}'"
        )
        pending_id: int = await db.fetchval(
            "INSERT INTO pending_commands (tg_user_id, command, args) VALUES ($1, $2, $3) "
            "RETURNING id",
            tg_user_id,
            command,
            args,
        )
        return pending_id

    async def take(
        self, *, pending_id: int, tg_user_id: int, conn: Executor | None = None
    ) -> PendingCommand | None:
        """The command, once: a second press (or another person's) finds nothing."""
        row = await self._db(conn).fetchrow(
            "DELETE FROM pending_commands WHERE id = $1 AND tg_user_id = $2 "
            "RETURNING tg_user_id, command, args",
            pending_id,
            tg_user_id,
        )
        return None if row is None else PendingCommand(**dict(row))

    async def owner(self, *, pending_id: int, conn: Executor | None = None) -> int | None:
        """Who asked (None when it was used or swept): a press by someone else is told so."""
        value: int | None = await self._db(conn).fetchval(
            "SELECT tg_user_id FROM pending_commands WHERE id = $1", pending_id
        )
        return value
