"""The two entry points of the README: ``python3 tasks.py run`` and ``python3 tasks.py test``.

Each command prepares its own ``.venv`` (created once, reinstalled only when
``pyproject.toml`` changes) so a fresh machine with Python 3.11+ and PyPI access
needs nothing else. Only the standard library is used here, because this file
runs before any dependency is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-pyproject.sha256"
#: What the type checker covers (untyped definitions refused; see [tool.mypy]).
TYPED_PACKAGES = ("bot", "storage", "connectors")
#: The test command's worker processes (pytest-xdist): ``TEST_WORKERS`` if set, else twice
#: the CPUs, capped. The suite mostly waits (poll intervals, killed and restarted bots,
#: emulated latency), so more workers than CPUs still shorten it; each worker has its own
#: embedded PostgreSQL and its own ports.
MAX_DEFAULT_WORKERS = 6


def _test_workers() -> str:
    configured = os.environ.get("TEST_WORKERS", "").strip()
    if configured:
        return configured
    return str(min(MAX_DEFAULT_WORKERS, 2 * (os.cpu_count() or 1)))


def _parallel(rest: list[str]) -> list[str]:
    """xdist's options, unless the caller chose (``-n …``, ``-p no:xdist``) or runs serially
    (``TEST_WORKERS=0``). ``--maxschedchunk 2`` hands cases out two at a time at first, so
    the long modules collected first (tests/conftest.py) spread over all workers."""
    chose = any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in rest)
    workers = _test_workers()
    if chose or "no:xdist" in rest or workers == "0":
        return []
    return ["-n", workers, "--dist", "load", "--maxschedchunk", "2"]


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _ensure_venv() -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    python = _venv_python()
    if not python.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing the project and its dependencies into .venv …", flush=True)
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(wanted)
    return python


def _token_configured() -> bool:
    """Whether ``BOT_TOKEN`` is set, read the way the bot reads it: the environment first,
    then ``.env`` in the project root (names are case-insensitive, a blank value is unset)."""
    for name, value in os.environ.items():
        if name.upper() == "BOT_TOKEN":
            return bool(value.strip())
    env_file = ROOT / ".env"
    if not env_file.exists():
        return False
    for line in env_file.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and name.strip().upper() == "BOT_TOKEN":
            return bool(value.strip().strip("'\"").strip())
    return False


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(
            "usage: python3 tasks.py run [demo [--keep-running] | migrate | rotate-keys]"
            " | python3 tasks.py test [pytest options]"
        )
        return 2
    python = str(_ensure_venv())
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "run":
        # The offline demo when no token is configured (or when asked for), the bot otherwise.
        head = rest[:1]
        if head == ["demo"] or (
            not _token_configured() and head not in (["migrate"], ["rotate-keys"])
        ):
            demo_args = rest[1:] if head in (["demo"], ["run"]) else rest
            return subprocess.call([python, "-m", "sandbox.demo", *demo_args])
        return subprocess.call([python, "-m", "bot", *rest])
    for lint in (["check", "."], ["format", "--check", "."]):
        if subprocess.call([python, "-m", "ruff", *lint]) != 0:
            print("Lint failed: fix the above (ruff format . rewrites formatting).")
            return 1
    if subprocess.call([python, "-m", "mypy", *TYPED_PACKAGES]) != 0:
        print("Type check failed: fix the above (settings in pyproject.toml, [tool.mypy]).")
        return 1
    return subprocess.call([python, "-m", "pytest", *_parallel(rest), *rest])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
