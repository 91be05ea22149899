"""``python -m sandbox.ozon`` runs standalone, serves the demo seller and stops on Ctrl+C."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_cli_demo_seller_and_ctrl_c() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox.ozon",
        "--port",
        str(port),
        "--demo-seller",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=10)
        assert f"http://127.0.0.1:{port}" in line.decode()
        headers = {"Client-Id": "111111", "Api-Key": "demo-key"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.post("/v3/chat/list", json={"limit": 10}, headers=headers)
        assert response.status_code == 200
        assert response.json()["chats"][0]["chat"]["chat_type"] == "SELLER_API_UPDATES"
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), timeout=10) == 0
        rest = (await process.stdout.read()).decode()
        assert "Traceback" not in rest and "stopped" in rest
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
