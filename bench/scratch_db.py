"""A throw-away embedded PostgreSQL for one benchmark run: migrated, pooled, then removed.

Imported by the scripts beside it (``python bench/<script>.py`` puts this folder on the path).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from storage.database import Database
from storage.embedded import EmbeddedPostgres
from storage.migrate import apply_migrations
from storage.pool import create_pool


@contextlib.asynccontextmanager
async def scratch_database(*, max_size: int = 10) -> AsyncIterator[Database]:
    with tempfile.TemporaryDirectory(prefix="agentiq-bench-") as folder:
        embedded = EmbeddedPostgres(Path(folder))
        dsn = await embedded.start_app_database()
        try:
            pool = await create_pool(dsn, max_size=max_size)
            try:
                async with pool.acquire() as conn:
                    await apply_migrations(conn)
                yield Database(pool)
            finally:
                await pool.close()
        finally:
            await embedded.stop()
