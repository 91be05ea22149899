"""An emulator of sandbox/ as its own process for a benchmark, so its CPU is not counted
as the bot's; the process is ended when the block ends."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx


@contextlib.contextmanager
def emulator_process(module: str, port: int, *flags: str) -> Iterator[str]:
    """``python -m <module> --port <port> <flags>``, yielding its base URL once it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", str(port), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/__control/state", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
