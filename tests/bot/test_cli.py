"""The ``python -m bot`` entry point, run as a real process the way an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg
from cryptography.fernet import Fernet

from storage.embedded import with_database

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run in an empty folder (no .env) with only the variables given."""
    inherited = {k: os.environ[k] for k in ("PATH", "PYTHONPATH") if k in os.environ}
    environment = {**inherited, "HOME": str(tmp_path), **env}  # PYTHONPATH: the tree tested
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bad_settings_give_one_line_without_secrets(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path, ADMIN_IDS="1,two", FERNET_KEYS="leaky-secret-value", BOT_TOKEN=TOKEN
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: ")
    assert "ADMIN_IDS" in lines[0] and "FERNET_KEYS" in lines[0]
    assert "leaky-secret-value" not in result.stderr
    assert TOKEN not in result.stderr


def test_external_database_without_fernet_keys_refuses_to_start(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path, BOT_TOKEN=TOKEN, DATABASE_URL="postgresql://app:pw-secret@127.0.0.1:1/app"
    )
    assert result.returncode == 2
    assert "FERNET_KEYS is required" in result.stderr
    assert "pw-secret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_reported_plainly(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "migrate",
        DATABASE_URL="postgresql://app:pw-secret@127.0.0.1:1/app",
        FERNET_KEYS=Fernet.generate_key().decode(),
        DATABASE_STARTUP_WAIT_SECONDS="2",
    )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Cannot start: Cannot connect to the database in DATABASE_URL after")
    assert "host and port in DATABASE_URL" in last  # what to check
    assert "retry 1" in result.stderr  # a network failure is retried before giving up
    assert "pw-secret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_database_credentials_fail_at_once(tmp_path: Path, migrated_dsn: str) -> None:
    wrong = with_database(migrated_dsn, "no_such_database")
    result = run_cli(tmp_path, "migrate", DATABASE_URL=wrong, DATABASE_STARTUP_WAIT_SECONDS="30")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr  # one line, no retries
    assert "check the user, password and database name" in result.stderr


async def test_a_failing_migration_ends_in_one_line(tmp_path: Path, empty_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:  # a table in the way of the first migration
        await conn.execute("CREATE TABLE workspaces (odd integer)")
    finally:
        await conn.close()
    result = run_cli(tmp_path, "migrate", DATABASE_URL=empty_dsn)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cannot start: Database schema problem: migration 0001_")
    assert "nothing of it was applied" in lines[0]
    assert "Traceback" not in result.stderr


def test_migrate_against_an_external_database(tmp_path: Path, empty_dsn: str) -> None:
    result = run_cli(tmp_path, "migrate", DATABASE_URL=empty_dsn)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    again = run_cli(tmp_path, "migrate", DATABASE_URL=empty_dsn)
    assert again.returncode == 0, again.stderr
