"""Long-lived resources of the process, each opened once and closed in reverse order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bot.errors import StartupError
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
        try:
            pool = await create_pool(dsn)
        except (OSError, asyncpg.PostgresError) as exc:
            raise StartupError(
                f"Cannot connect to the database in DATABASE_URL ({type(exc).__name__})"
            ) from None
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


async def rotate_stored_keys(db: Database, vault: Vault) -> int:
    """Re-encrypt every stored marketplace key with the first FERNET_KEYS key."""
    try:
        return await db.sellers.reencrypt_keys(vault.rotate)
    except VaultError as exc:
        raise StartupError(str(exc)) from None
