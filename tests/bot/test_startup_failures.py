"""Start-up failures an operator causes first, tried as a real process: each ends in one line
that says what is wrong and what to check, exit code 2, no traceback, no secret."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from sandbox.telegram import TelegramEmulator

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"
OTHER_TOKEN = "987654321:AAAnotherTokenNoBotHas_abcdefghijklmn"


async def run_bot_process(tmp_path: Path, **env: str) -> tuple[int, str, str]:
    """``python -m bot`` in an empty folder with only the variables given (asynchronously, so
    an in-process emulator keeps answering meanwhile)."""
    kept = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
                   "DATA_DIR": str(tmp_path / "data"), **kept, **env}  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot",
        cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def last_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert lines, "nothing was printed"
    return lines[-1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_without_a_token_the_bot_says_how_to_start_either(tmp_path: Path) -> None:
    code, out, err = await run_bot_process(tmp_path)
    assert out == ""
    assert code == 2
    assert err.strip().count("\n") == 0  # one line
    assert "BOT_TOKEN is not set" in err and "sandbox.demo" in err and "tasks.py run" in err
    assert not (tmp_path / "data").exists()  # nothing was started


async def test_a_token_telegram_rejects_ends_in_one_line(tmp_path: Path) -> None:
    async with TelegramEmulator(port=0) as tg:
        tg.create_bot(TOKEN)
        code, out, err = await run_bot_process(
            tmp_path, BOT_TOKEN=OTHER_TOKEN, TELEGRAM_API_URL=tg.base_url
        )
    assert code == 2
    line = last_line(err)
    assert line.startswith("Cannot start: Telegram rejected BOT_TOKEN")
    assert "@BotFather" in line
    assert "Traceback" not in err + out
    assert OTHER_TOKEN not in err + out
    assert not (tmp_path / "data" / "postgres").exists()  # refused before the database started


async def test_unreachable_telegram_is_retried_then_reported(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    code, out, err = await run_bot_process(
        tmp_path, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=url, TELEGRAM_STARTUP_WAIT_SECONDS="3"
    )
    assert code == 2
    line = last_line(err)
    assert line.startswith(f"Cannot start: Cannot reach Telegram at {url}")
    assert "TELEGRAM_API_URL" in line
    assert "retry 1" in err  # it tried again before giving up
    assert "Traceback" not in err + out
    assert TOKEN not in err + out
