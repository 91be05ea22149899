"""Process-wide roles (one Telegram poller, one SLA ticker) held by one live instance.

A role is a session-level advisory lock taken with ``pg_try_advisory_lock`` on a connection
kept for as long as the role is held, like the instance lock: when the holder dies its
connection dies and the role is free at once, for whoever asks next.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg

from storage.sql import Repository

#: First key of every role lock (the second is the role's own key): "AIQ2" in ASCII, apart
#: from the instance locks ("AIQ1") and the migration lock.
ROLE_NAMESPACE = 0x41495132
ALIVE_TIMEOUT_SECONDS = 5.0


class RoleLock:
    """One held role; ``alive`` says whether its connection (so the lock) still exists."""

    def __init__(self, key: int, conn: asyncpg.Connection, repo: LeaderRepo) -> None:
        self.key = key
        self._conn = conn
        self._repo = repo
        self._done = False

    async def alive(self) -> bool:
        if self._done:
            return False
        try:
            if self._conn.is_closed():
                return False
            async with asyncio.timeout(ALIVE_TIMEOUT_SECONDS):
                await self._conn.fetchval("SELECT 1")
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True

    async def release(self) -> None:
        """Give the role up (graceful stop); the next asker takes it at once."""
        if self._done:
            return
        self._done = True
        self._repo.forget(self)
        try:
            await self._conn.execute("SELECT pg_advisory_unlock($1, $2)", ROLE_NAMESPACE, self.key)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            # The pool does not reset what a session holds (``storage.pool``): a connection
            # that may still hold the role is ended, never handed to the next acquirer. A
            # connection already gone took the lock with it.
            with contextlib.suppress(asyncpg.InterfaceError):
                self._conn.terminate()
        await self._repo.give_back(self._conn)

    async def kill(self) -> None:
        """Drop the connection the way a crash would."""
        if self._done:
            return
        self._done = True
        self._repo.forget(self)
        with contextlib.suppress(asyncpg.InterfaceError):  # already gone with its pool
            self._conn.terminate()
        await self._repo.give_back(self._conn)


class LeaderRepo(Repository):
    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool)
        self._held: set[RoleLock] = set()

    async def try_take(self, key: int) -> RoleLock | None:
        """The role if nobody holds it, else ``None`` (never waits)."""
        conn = await self._pool.acquire()
        try:
            taken = await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", ROLE_NAMESPACE, key)
        except BaseException:
            await self._pool.release(conn)
            raise
        if not taken:
            await self._pool.release(conn)
            return None
        lock = RoleLock(key, conn, self)
        self._held.add(lock)
        return lock

    async def holder_count(self, key: int) -> int:
        """How many sessions hold the role (0 or 1; tests and diagnostics)."""
        return int(
            await self._pool.fetchval(
                """
                SELECT count(*) FROM pg_locks
                 WHERE locktype = 'advisory' AND granted AND objsubid = 2
                   AND classid = $1::bigint::oid AND objid = $2::bigint::oid
                   AND database = (SELECT oid FROM pg_database
                                    WHERE datname = current_database())
                """,
                ROLE_NAMESPACE,
                key,
            )
        )

    async def kill_all(self) -> None:
        """Drop every role this process holds, as a crash would (``TelegramUpdates.abort``)."""
        for lock in list(self._held):
            await lock.kill()

    def forget(self, lock: RoleLock) -> None:
        self._held.discard(lock)

    async def give_back(self, conn: asyncpg.Connection) -> None:
        with contextlib.suppress(asyncpg.InterfaceError):  # its pool is closed already
            await self._pool.release(conn)
