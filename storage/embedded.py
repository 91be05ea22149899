"""The zero-config database: a real PostgreSQL from the ``pgserver`` wheel under ``DATA_DIR``.

Used only when ``DATABASE_URL`` is unset. The server listens on a Unix socket inside the
data folder (no TCP port to collide with), keeps its data across restarts, and is stopped
by :meth:`EmbeddedPostgres.stop` (the composition root calls it on shutdown).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import asyncpg

if TYPE_CHECKING:
    from pgserver import PostgresServer

logger = logging.getLogger(__name__)

APP_DATABASE = "agentiq"


def with_database(dsn: str, database: str) -> str:
    """The same server DSN pointing at another database name."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def ensure_database(dsn: str, database: str) -> str:
    """Create ``database`` on the server of ``dsn`` if missing; return its DSN."""
    conn = await asyncpg.connect(dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    return with_database(dsn, database)


class EmbeddedPostgres:
    """Owns one pgserver instance; start and stop run in a thread (they call pg_ctl)."""

    def __init__(self, data_dir: Path) -> None:
        self._pgdata = (data_dir / "postgres").resolve()
        self._server: PostgresServer | None = None

    @property
    def pgdata(self) -> Path:
        return self._pgdata

    async def start(self) -> str:
        """Start (or attach to) the server and return the DSN of the server's admin database."""
        self._pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._server = await asyncio.to_thread(self._start_blocking)
        logger.info("Embedded PostgreSQL is running (data in %s)", self._pgdata)
        return self._server.get_uri()

    async def start_app_database(self) -> str:
        """Start the server and return the DSN of the product's own database."""
        return await ensure_database(await self.start(), APP_DATABASE)

    def _start_blocking(self) -> PostgresServer:
        with warnings.catch_warnings():
            # platformdirs warns at import when XDG_RUNTIME_DIR is unset (servers, CI):
            # harmless here, and pgserver falls back to /tmp by itself.
            warnings.simplefilter("ignore")
            # Imported here: pgserver pulls psutil and platformdirs, only needed embedded.
            import pgserver  # noqa: PLC0415

        return pgserver.get_server(self._pgdata, cleanup_mode="stop")

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await asyncio.to_thread(server.cleanup)
            logger.info("Embedded PostgreSQL stopped")
