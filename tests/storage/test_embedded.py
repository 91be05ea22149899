"""The zero-config database: a real PostgreSQL under DATA_DIR that keeps data on restart."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from storage.embedded import EmbeddedPostgres


async def test_data_survives_a_restart_and_stop_really_stops(tmp_path: Path) -> None:
    first = EmbeddedPostgres(tmp_path)
    dsn = await first.start_app_database()
    conn = await asyncpg.connect(dsn)
    await conn.execute("CREATE TABLE notes (body text)")
    await conn.execute("INSERT INTO notes VALUES ('kept across restarts')")
    await conn.close()
    await first.stop()

    with pytest.raises((OSError, asyncpg.PostgresError)):
        await asyncpg.connect(dsn, timeout=3)

    second = EmbeddedPostgres(tmp_path)
    dsn_again = await second.start_app_database()
    try:
        assert dsn_again == dsn
        conn = await asyncpg.connect(dsn_again)
        assert await conn.fetchval("SELECT body FROM notes") == "kept across restarts"
        await conn.close()
    finally:
        await second.stop()
    assert (tmp_path / "postgres" / "PG_VERSION").exists()
