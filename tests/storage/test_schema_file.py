"""schema.sql (for readers and DBAs) must describe exactly what the migrations build."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from tests.storage.catalog import schema_snapshot

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.sql"


async def test_schema_file_matches_the_migrations(empty_dsn: str, migrated_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        await conn.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    finally:
        await conn.close()

    from_file = await schema_snapshot(empty_dsn)
    from_migrations = await schema_snapshot(migrated_dsn)
    for part in ("columns", "constraints", "indexes"):
        missing = set(from_migrations[part]) - set(from_file[part])
        extra = set(from_file[part]) - set(from_migrations[part])
        assert not missing and not extra, (
            f"schema.sql differs from the migrations in {part}:\n"
            f"  only in migrations: {sorted(map(str, missing))}\n"
            f"  only in schema.sql: {sorted(map(str, extra))}"
        )
    assert from_migrations["columns"], "the snapshot read nothing: the comparison is empty"
