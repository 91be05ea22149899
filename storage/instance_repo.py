"""Which processes are alive, told by PostgreSQL itself rather than by a lease clock.

Each process registers an id and takes a session-level advisory lock on its own key, on one
connection it keeps for its whole life. When the process dies, its connection dies and the
lock with it, at once; so a queue row whose ``claimed_by`` names an instance without a live
lock was claimed by the dead, and can be taken back without waiting out its lease.
"""

from __future__ import annotations

import contextlib
import re
import uuid

import asyncpg

from storage.sql import Repository

#: First key of every instance lock (the second is the instance's ``lock_key``), so these
#: locks never collide with the migration lock or anything else ("AIQ1" in ASCII).
LOCK_NAMESPACE = 0x41495131

_TABLE_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def _lock_held(alias: str) -> str:
    """SQL: someone holds the advisory lock of the ``instances`` row named ``alias``."""
    return f"""
        SELECT 1 FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.classid = {LOCK_NAMESPACE}::oid AND l.objid = {alias}.lock_key::oid
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    """


# A live instance: its row and a granted advisory lock on its key in this database.
_LIVE = f"SELECT 1 FROM instances i WHERE EXISTS ({_lock_held('i')})"


def held_by_live(column: str) -> str:
    """SQL condition: the instance id in ``column`` belongs to a live instance (other
    tables' leases, e.g. seller polls, are taken over from the dead with it)."""
    if not re.match(r"^[a-z_][a-z0-9_.]*$", column):
        raise ValueError(f"not a column: {column!r}")
    return f"EXISTS ({_LIVE} AND i.id = {column})"


class InstanceLock:
    """The registration of one running process; alive while its connection is."""

    def __init__(self, instance_id: str, conn: asyncpg.Connection, pool: asyncpg.Pool) -> None:
        self.instance_id = instance_id
        self._conn = conn
        self._pool = pool
        self._released = False

    async def release(self) -> None:
        """End the registration (graceful stop): the lock goes, the row is deleted."""
        if self._released:
            return
        self._released = True
        try:
            if not self._conn.is_closed():
                await self._conn.execute("SELECT pg_advisory_unlock_all()")
                await self._conn.execute("DELETE FROM instances WHERE id = $1", self.instance_id)
        except BaseException:
            # The pool does not reset sessions (``storage.pool``): a connection that may
            # still hold the lock is ended rather than handed on.
            with contextlib.suppress(asyncpg.InterfaceError):
                self._conn.terminate()
            raise
        finally:
            await self._pool.release(self._conn)

    async def kill(self) -> None:
        """Drop the connection the way a crash would (tests model a dead process with it)."""
        self._released = True
        self._conn.terminate()
        await self._pool.release(self._conn)


class InstanceRepo(Repository):
    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool)
        # Until this run registers, its claims carry an id nobody holds a lock for (as a
        # dead instance's would): only start-up code claims before registering, in tests.
        self.current = uuid.uuid4().hex

    async def register(self, instance_id: str | None = None) -> InstanceLock:
        """Register this process and take its lock on a connection kept for its whole life.

        The insert and the lock run as one statement, so no other process can see the row
        before the lock exists (and mistake it for a dead one). Rows of dead instances are
        deleted on the way: their claims are released by :meth:`release_dead_claims`
        whether or not the row is still there."""
        instance_id = instance_id or uuid.uuid4().hex
        conn = await self._pool.acquire()
        try:
            await conn.execute(f"DELETE FROM instances d WHERE NOT EXISTS ({_lock_held('d')})")
            await conn.fetchval(
                f"""
                WITH me AS (INSERT INTO instances (id) VALUES ($1) RETURNING lock_key)
                SELECT pg_advisory_lock({LOCK_NAMESPACE}, lock_key) FROM me
                """,
                instance_id,
            )
        except BaseException:
            await self._pool.release(conn)
            raise
        self.current = instance_id
        return InstanceLock(instance_id, conn, self._pool)

    async def is_alive(self, instance_id: str) -> bool:
        return bool(
            await self._pool.fetchval(f"SELECT EXISTS ({_LIVE} AND i.id = $1)", instance_id)
        )

    async def release_dead_claims(
        self, table: str, *, claimed_by: str = "claimed_by", lease_until: str = "lease_until"
    ) -> int:
        """Free the rows of a queue table whose claim (``claimed_by`` with a running
        ``lease_until``) belongs to an instance that holds no live lock; returns how many
        were freed. Rows whose lease ended normally (NULL) are not touched."""
        for name in (table, claimed_by, lease_until):
            if not _TABLE_RE.match(name):
                raise ValueError(f"not a table name: {name!r}")
        result = await self._pool.execute(
            f"""
            UPDATE {table} t SET {claimed_by} = NULL, {lease_until} = NULL
             WHERE t.{claimed_by} IS NOT NULL AND t.{lease_until} IS NOT NULL
               AND NOT EXISTS ({_LIVE} AND i.id = t.{claimed_by})
            """
        )
        return int(result.split()[-1])
