"""A comparable snapshot of a database schema, read from the PostgreSQL catalog."""

from __future__ import annotations

import asyncpg

_IGNORED_TABLES = ("schema_migrations",)

_COLUMNS = """
SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
       is_identity, identity_generation, ordinal_position
  FROM information_schema.columns
 WHERE table_schema = 'public' AND NOT (table_name = ANY($1::text[]))
 ORDER BY table_name, ordinal_position
"""

_CONSTRAINTS = """
SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype,
       pg_get_constraintdef(c.oid) AS definition, c.condeferrable, c.condeferred
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE n.nspname = 'public' AND NOT (c.conrelid::regclass::text = ANY($1::text[]))
 ORDER BY 1, 2
"""

_INDEXES = """
SELECT tablename, indexname, indexdef FROM pg_indexes
 WHERE schemaname = 'public' AND NOT (tablename = ANY($1::text[]))
 ORDER BY 1, 2
"""


async def schema_snapshot(dsn: str) -> dict[str, list[tuple[object, ...]]]:
    conn = await asyncpg.connect(dsn)
    try:
        ignored = list(_IGNORED_TABLES)
        return {
            name: [tuple(row.values()) for row in await conn.fetch(query, ignored)]
            for name, query in (
                ("columns", _COLUMNS),
                ("constraints", _CONSTRAINTS),
                ("indexes", _INDEXES),
            )
        }
    finally:
        await conn.close()
