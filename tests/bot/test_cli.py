"""The ``python -m bot`` entry point, run as a real process the way an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run in an empty folder (no .env) with only the variables given."""
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **env}
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
    )
    assert result.returncode == 2
    assert "Cannot connect to the database in DATABASE_URL" in result.stderr
    assert "pw-secret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_against_an_external_database(tmp_path: Path, empty_dsn: str) -> None:
    result = run_cli(tmp_path, "migrate", DATABASE_URL=empty_dsn)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    again = run_cli(tmp_path, "migrate", DATABASE_URL=empty_dsn)
    assert again.returncode == 0, again.stderr
