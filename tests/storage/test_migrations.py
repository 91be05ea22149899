"""Migrations: from empty, idempotent re-runs, concurrent start-ups, edited files, failures."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from storage.migrate import Migration, MigrationError, apply_migrations, load_migrations

EXPECTED_TABLES = {
    "agents", "workspaces", "workspace_members", "sellers", "sync_state", "chats",
    "buyer_turns", "messages", "tg_outbox", "ai_suggestions", "reply_outbox", "sla_rules",
    "sla_targets", "audit_log", "schema_migrations",
    "held_replies",
    "tg_updates", "instances",
    "group_requests", "internal_notes",
    "seller_leases", "tg_budget",
    "push_inbox",
    "workspace_digests",
    "pending_commands",
    "canned_replies",
}  # fmt: skip


async def _tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {row["tablename"] for row in rows}


def test_migration_files_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_migrates_an_empty_database(empty_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        applied = await apply_migrations(conn)
        assert applied == [m.version for m in load_migrations()]
        assert await _tables(conn) == EXPECTED_TABLES
        recorded = await conn.fetch("SELECT version, checksum FROM schema_migrations")
        assert {r["version"]: r["checksum"] for r in recorded} == {
            m.version: m.checksum for m in load_migrations()
        }
    finally:
        await conn.close()


async def test_rerunning_is_a_no_op(migrated_dsn: str) -> None:
    conn = await asyncpg.connect(migrated_dsn)
    try:
        before = await conn.fetch("SELECT version, applied_at FROM schema_migrations")
        assert await apply_migrations(conn) == []
        after = await conn.fetch("SELECT version, applied_at FROM schema_migrations")
        assert before == after
    finally:
        await conn.close()


async def test_two_concurrent_migrators_apply_once(empty_dsn: str) -> None:
    first, second = await asyncpg.connect(empty_dsn), await asyncpg.connect(empty_dsn)
    try:
        results = await asyncio.gather(apply_migrations(first), apply_migrations(second))
        everything = [m.version for m in load_migrations()]
        assert sorted(results, key=len) == [[], everything]
        count = await first.fetchval("SELECT count(*) FROM schema_migrations")
        assert count == len(everything)
    finally:
        await first.close()
        await second.close()


async def test_an_edited_applied_migration_is_refused(migrated_dsn: str) -> None:
    edited = [
        Migration(m.version, m.name, m.sql + "\n-- edited") if m.version == 1 else m
        for m in load_migrations()
    ]
    conn = await asyncpg.connect(migrated_dsn)
    try:
        with pytest.raises(MigrationError, match="was changed after it was applied"):
            await apply_migrations(conn, edited)
    finally:
        await conn.close()


async def test_a_failing_migration_leaves_nothing_behind(migrated_dsn: str) -> None:
    broken = [
        *load_migrations(),
        Migration(999, "broken", "CREATE TABLE half_done (id int); SELECT no_such_function();"),
    ]
    conn = await asyncpg.connect(migrated_dsn)
    try:
        with pytest.raises(MigrationError, match="0999_broken failed") as raised:
            await apply_migrations(conn, broken)
        assert isinstance(raised.value.__cause__, asyncpg.UndefinedFunctionError)
        assert "half_done" not in await _tables(conn)
        assert (
            await conn.fetchval("SELECT count(*) FROM schema_migrations WHERE version = 999") == 0
        )
        # The advisory lock was released: another migrator is not blocked.
        assert await conn.fetchval("SELECT pg_try_advisory_lock(0x6167656E746971)") is True
    finally:
        await conn.close()
