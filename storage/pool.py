"""Creating the one asyncpg pool of the process."""

from __future__ import annotations

import asyncio
import json
import logging

import asyncpg

logger = logging.getLogger(__name__)


class PooledConnection(asyncpg.Connection):
    """A pooled connection handed back without asyncpg's reset statement.

    By default every release sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`` to the server: a second round trip for each query made outside a
    transaction, a fifth of an idle poll's database work. Nothing here leaves session state
    on a pooled connection: cursors and ``SET LOCAL`` live inside transactions (which
    asyncpg still ends on release), nothing listens, and the one session-level advisory
    lock taken on a pooled connection (a leadership role, ``leader_repo``) is unlocked by
    its holder, which ends the connection instead when the unlock fails.
    """

    def get_reset_query(self) -> str:
        return ""


async def _init_connection(conn: asyncpg.Connection) -> None:
    """JSON codecs once per connection, so repositories pass and get plain Python objects."""
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def create_pool(
    dsn: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    connect_attempts: int = 4,
    retry_delay: float = 0.5,
) -> asyncpg.Pool:
    """Create the pool, retrying the first connect briefly (the database may still be starting).

    The DSN is never logged: it can carry a password.
    """
    for attempt in range(1, connect_attempts + 1):
        try:
            pool = await asyncpg.create_pool(
                dsn,
                min_size=min_size,
                max_size=max_size,
                init=_init_connection,
                connection_class=PooledConnection,
            )
        except (OSError, asyncpg.CannotConnectNowError) as exc:
            if attempt == connect_attempts:
                raise
            logger.warning(
                "Database not reachable yet (%s); retry %d/%d",
                type(exc).__name__,
                attempt,
                connect_attempts,
            )
            await asyncio.sleep(retry_delay * 2 ** (attempt - 1))
        else:
            assert pool is not None
            return pool
    raise AssertionError("unreachable")
