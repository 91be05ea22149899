"""``tasks.py run`` picks the offline demo or the real bot the way the bot reads BOT_TOKEN."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_tasks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("project_tasks", ROOT / "tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("environment", "env_file", "configured"),
    [
        ({}, None, False),
        ({}, "BOT_TOKEN=\n", False),
        ({}, "# BOT_TOKEN=1:x\nLOCALE=en\n", False),
        ({}, "BOT_TOKEN=123:abc\n", True),
        ({}, "export bot_token='123:abc'\n", True),
        ({}, 'BOT_TOKEN=" "\n', False),
        ({"BOT_TOKEN": "123:abc"}, None, True),
        ({"BOT_TOKEN": "  "}, "BOT_TOKEN=123:abc\n", False),  # the environment wins, as in the bot
    ],
)
def test_token_configured(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    env_file: str | None,
    configured: bool,
) -> None:
    tasks = load_tasks()
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    for name in [n for n in list(os.environ) if n.upper() == "BOT_TOKEN"]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if env_file is not None:
        (tmp_path / ".env").write_text(env_file, encoding="utf-8")
    assert tasks._token_configured() is configured


@pytest.mark.parametrize(
    ("argv", "token", "expected"),
    [
        (["run"], False, ["-m", "sandbox.demo"]),
        (["run", "--keep-running"], False, ["-m", "sandbox.demo", "--keep-running"]),
        (["run", "demo", "--keep-running"], True, ["-m", "sandbox.demo", "--keep-running"]),
        (["run"], True, ["-m", "bot"]),
        (["run", "migrate"], False, ["-m", "bot", "migrate"]),
        (["run", "rotate-keys"], True, ["-m", "bot", "rotate-keys"]),
    ],
)
def test_run_plays_the_demo_without_a_token(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], token: bool, expected: list[str]
) -> None:
    tasks = load_tasks()
    calls: list[list[str]] = []
    monkeypatch.setattr(tasks, "_ensure_venv", lambda: Path("/venv/python"))
    monkeypatch.setattr(tasks, "_token_configured", lambda: token)
    monkeypatch.setattr(tasks.os, "chdir", lambda _path: None)
    monkeypatch.setattr(tasks.subprocess, "call", lambda args: calls.append(args) or 0)
    assert tasks.main(argv) == 0
    assert calls == [["/venv/python", *expected]]


@pytest.mark.parametrize("failing", [None, "ruff", "mypy"])
def test_test_runs_lint_then_types_then_pytest_and_stops_at_a_failure(
    monkeypatch: pytest.MonkeyPatch, failing: str | None
) -> None:
    tasks = load_tasks()
    calls: list[list[str]] = []

    def call(args: list[str]) -> int:
        calls.append(args)
        return 1 if args[2] == failing else 0

    monkeypatch.setattr(tasks, "_ensure_venv", lambda: Path("/venv/python"))
    monkeypatch.setattr(tasks.os, "chdir", lambda _path: None)
    monkeypatch.setattr(tasks.subprocess, "call", call)
    monkeypatch.setenv("TEST_WORKERS", "3")
    python = "/venv/python"
    expected = [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "mypy", "bot", "storage", "connectors"],
        [python, "-m", "pytest", "-n", "3", "--dist", "load", "--maxschedchunk", "2", "-x"],
    ]
    result = tasks.main(["test", "-x"])
    if failing is None:
        assert result == 0
        assert calls == expected
    elif failing == "ruff":
        assert result == 1
        assert calls == expected[:1]
    else:
        assert result == 1
        assert calls == expected[:3]  # pytest does not run on a type error


@pytest.mark.parametrize(
    ("rest", "workers", "expected"),
    [
        ([], "", ["-n", "4", "--dist", "load", "--maxschedchunk", "2"]),  # 2 CPUs
        ([], "0", []),  # serial on request
        (["-n", "1"], "", []),  # the caller chose
        (["-p", "no:xdist", "tests/bot"], "", []),
    ],
)
def test_the_suite_runs_on_parallel_workers_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, rest: list[str], workers: str, expected: list[str]
) -> None:
    tasks = load_tasks()
    monkeypatch.setattr(tasks.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("TEST_WORKERS", workers)
    assert tasks._parallel(rest) == expected
