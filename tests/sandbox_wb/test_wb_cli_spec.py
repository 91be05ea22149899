"""``python -m sandbox.wildberries`` runs standalone; the vendored spec matches the shared one."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.connectors.wb_spec import SPEC_PATH

ROOT = Path(__file__).resolve().parents[2]
SHARED_SPEC = ROOT.parent / "shared" / "marketplace-specs" / "wb.json"
PROSE = {"description", "summary", "example", "examples", "tags", "x-readonly-method"}
PROSE |= {"servers", "security"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_cli_demo_seller_and_ctrl_c() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox.wildberries", "--port", str(port), "--demo-seller",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=10)
        assert f"http://127.0.0.1:{port}" in line.decode()
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as client:
            wrote = await client.post(
                "/__control/sellers/demo-wb-seller/buyer_message", json={"text": "Привет"}
            )
            assert wrote.status_code == 201
            headers = {"Authorization": "Bearer demo-wb-token"}
            response = await client.get("/api/v1/seller/chats", headers=headers)
        assert response.status_code == 200
        assert [c["chatID"] for c in response.json()["result"]] == [wrote.json()["chat_id"]]
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), timeout=10) == 0
        rest = (await process.stdout.read()).decode()
        assert "Traceback" not in rest and "stopped" in rest
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def test_vendored_spec_is_the_shared_one_without_prose() -> None:
    if not SHARED_SPEC.exists():
        pytest.skip("shared/marketplace-specs/wb.json is not beside this checkout")
    shared = json.loads(SHARED_SPEC.read_text(encoding="utf-8"))
    vendored = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    assert vendored["paths"] == _strip(shared["paths"])
    assert vendored["components"] == _strip(shared["components"])
    assert set(vendored["paths"]) == {
        "/api/v1/seller/chats",
        "/api/v1/seller/events",
        "/api/v1/seller/message",
        "/api/v1/seller/download/{id}",
        "/ping",
    }
