"""Long-lived resources of the process, each opened once and closed in reverse order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import asyncpg

from bot.errors import StartupError
from bot.retry import backoff
from bot.settings import Settings
from storage.database import Database
from storage.embedded import EmbeddedPostgres
from storage.migrate import MigrationError, apply_migrations
from storage.pool import create_pool
from storage.vault import Vault, VaultError, resolve_fernet_keys

logger = logging.getLogger(__name__)


def build_vault(settings: Settings) -> Vault:
    try:
        keys = resolve_fernet_keys(
            settings.fernet_keys,
            data_dir=settings.data_dir,
            embedded_database=settings.uses_embedded_database,
        )
        return Vault(keys)
    except VaultError as exc:
        raise StartupError(str(exc)) from None


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """Embedded PostgreSQL when DATABASE_URL is unset; pool; migrations applied."""
    embedded: EmbeddedPostgres | None = None
    if settings.database_url is None:
        embedded = EmbeddedPostgres(settings.data_dir)
        try:
            dsn = await embedded.start_app_database()
        except Exception as exc:
            raise StartupError(
                f"Could not start the embedded PostgreSQL in {embedded.pgdata}: {exc}"
            ) from exc
    else:
        dsn = settings.database_url.get_secret_value()
    try:
        pool = await connect(dsn, wait_seconds=settings.database_startup_wait_seconds)
        try:
            async with pool.acquire() as conn:
                try:
                    await apply_migrations(conn)
                except MigrationError as exc:
                    raise StartupError(f"Database schema problem: {exc}") from None
            yield Database(pool)
        finally:
            await pool.close()
    finally:
        if embedded is not None:
            await embedded.stop()


# The server is not there (yet), or is starting or full: worth another try. Anything else
# (a wrong password, an unknown database) is final at once.
RETRYABLE = (OSError, TimeoutError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)
RETRY_BASE = timedelta(seconds=1)
RETRY_CAP = timedelta(seconds=15)


async def connect(
    dsn: str,
    *,
    wait_seconds: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> asyncpg.Pool:
    """The pool, or a :class:`StartupError` worth printing as is (never the DSN: it holds
    the password). At boot the database may come up after the bot, so a connection
    failure is retried on the bot's backoff until ``wait_seconds`` have passed."""
    clock = asyncio.get_running_loop().time
    deadline = clock() + wait_seconds
    failures = 0
    while True:
        try:
            return await create_pool(dsn)
        except RETRYABLE as exc:
            failures += 1
            delay = backoff(failures, base=RETRY_BASE, cap=RETRY_CAP).total_seconds()
            if clock() + delay > deadline:
                raise StartupError(
                    f"Cannot connect to the database in DATABASE_URL after {failures} "
                    f"tries in {wait_seconds:.0f} s ({type(exc).__name__}): check that "
                    "PostgreSQL runs and that the host and port in DATABASE_URL are right"
                ) from None
            logger.warning("Database not reachable yet (%s); retry %d in %.0f s",
                           type(exc).__name__, failures, delay)  # fmt: skip
            await sleep(delay)
        except asyncpg.PostgresError as exc:
            raise StartupError(
                f"Cannot connect to the database in DATABASE_URL ({type(exc).__name__}): "
                "check the user, password and database name in DATABASE_URL"
            ) from None


async def rotate_stored_keys(db: Database, vault: Vault) -> int:
    """Re-encrypt every stored marketplace key with the first FERNET_KEYS key."""
    try:
        return await db.sellers.reencrypt_keys(vault.rotate)
    except VaultError as exc:
        raise StartupError(str(exc)) from None
