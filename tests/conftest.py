"""Shared fixtures: one real embedded PostgreSQL per test session, a fresh database per test.

The server starts once; a template database is migrated once; each test gets its own
database cloned from the template (a file copy inside PostgreSQL, ~0.1 s), so tests are
isolated without sharing rows or transactions, and may use several connections at once.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from sandbox.llm import LlmEmulator
from storage.database import Database
from storage.embedded import EmbeddedPostgres, with_database
from storage.migrate import apply_migrations
from storage.pool import create_pool
from tests.support.drafting import LLM_KEY
from tests.support.handlers import HandlerWorld, open_handler_world
from tests.support.world import AdminWorld, World, open_admin_world, open_world

TEMPLATE_DB = "agentiq_template"
#: The modules whose cases run for many seconds, mostly waiting (a poll interval, a killed
#: process, a demo), longest first. Collected first, so that the parallel test command hands
#: them out to its workers at the start instead of leaving one worker finishing them alone.
_SLOW_FIRST = (
    "tests/faults/test_three_instances.py",
    "tests/bench/test_load_smoke.py",
    "tests/faults/",
    "tests/e2e/test_demo.py",
    "tests/bot/test_startup_failures.py",
    "tests/bot/test_cli.py",
)
#: The test server's data is thrown away with the session, so waiting for the disk on each
#: commit buys nothing: what the tests prove lives in transactions and connections.
_THROWAWAY_SERVER = ("fsync", "synchronous_commit", "full_page_writes")


@dataclass(frozen=True)
class PgServer:
    admin_dsn: str
    data_dir: Path

    def dsn(self, database: str) -> str:
        return with_database(self.admin_dsn, database)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        starts = [i for i, slow in enumerate(_SLOW_FIRST) if path.startswith(slow)]
        return starts[0] if starts else len(_SLOW_FIRST)

    items.sort(key=rank)  # stable: a module's cases keep their order


@pytest.fixture(scope="session")
async def pg_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PgServer]:
    data_dir = tmp_path_factory.mktemp("embedded-pg")
    embedded = EmbeddedPostgres(data_dir)
    admin_dsn = await embedded.start()
    server = PgServer(admin_dsn=admin_dsn, data_dir=data_dir)
    admin = await asyncpg.connect(admin_dsn)
    try:
        for setting in _THROWAWAY_SERVER:  # a crash test kills the bot, never the server
            await admin.execute(f"ALTER SYSTEM SET {setting} = off")
        await admin.execute("SELECT pg_reload_conf()")
        await admin.execute(f"CREATE DATABASE {TEMPLATE_DB}")
    finally:
        await admin.close()
    template = await asyncpg.connect(server.dsn(TEMPLATE_DB))
    try:
        await apply_migrations(template)
    finally:
        await template.close()
    yield server
    await embedded.stop()


async def _create_database(server: PgServer, *, template: str) -> str:
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(server.admin_dsn)
    try:
        # FILE_COPY: a copy of the template's files, not a WAL record per page (as quick
        # to create, a quarter of the time to drop: 50 ms a test in all, not 90)
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    finally:
        await admin.close()
    return name


async def _drop_database(server: PgServer, name: str) -> None:
    admin = await asyncpg.connect(server.admin_dsn)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def migrated_dsn(pg_server: PgServer) -> AsyncIterator[str]:
    """A fresh, fully migrated database of this test's own."""
    name = await _create_database(pg_server, template=TEMPLATE_DB)
    yield pg_server.dsn(name)
    await _drop_database(pg_server, name)


@pytest.fixture
async def empty_dsn(pg_server: PgServer) -> AsyncIterator[str]:
    """A fresh database with no schema at all (for migration tests)."""
    name = await _create_database(pg_server, template="template0")
    yield pg_server.dsn(name)
    await _drop_database(pg_server, name)


@pytest.fixture
async def db(migrated_dsn: str) -> AsyncIterator[Database]:
    pool = await create_pool(migrated_dsn, min_size=1, max_size=5)
    try:
        yield Database(pool)
    finally:
        await pool.close()


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    """The bound end-to-end world (tests.support.world.open_world)."""
    async with open_world(db) as opened:
        yield opened


@pytest.fixture
async def aw(db: Database) -> AsyncIterator[AdminWorld]:
    """The unbound end-to-end world (tests.support.world.open_admin_world)."""
    async with open_admin_world(db) as opened:
        yield opened


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    """The dispatcher fed one update at a time, with a recorded Bot session
    (tests.support.handlers.open_handler_world); a module may override it to set the scene."""
    async with open_handler_world(db) as opened:
        yield opened


@pytest.fixture
async def llm() -> AsyncIterator[LlmEmulator]:
    """The LLM emulator, answering the drafts' key (tests.support.drafting.LLM_KEY)."""
    async with LlmEmulator(api_key=LLM_KEY) as emulator:
        yield emulator
