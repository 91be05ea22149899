"""``python -m sandbox.yandex_market`` serves the demo cabinet; the vendored specs are the
shared ones (when the shared folder is present)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandbox.yandex_market.spec import CHAT_SPEC, NOTIFICATION_SPEC

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "marketplace-specs"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_standalone_emulator_serves_the_demo_cabinet() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.yandex_market", "--port", str(port), "--demo-seller"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/__control/state", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        headers = {"Api-Key": "ACMA:demo-ym-key:0000"}
        token = httpx.post(f"{url}/v2/auth/token", headers=headers, timeout=5)
        assert token.json()["result"]["apiKey"]["authScopes"] == ["COMMUNICATION"]
        campaigns = httpx.get(f"{url}/v2/campaigns", headers=headers, timeout=5).json()
        assert campaigns["campaigns"][0]["business"]["id"] == 5123456
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("vendored", "shared"), [(CHAT_SPEC, "ym.json"), (NOTIFICATION_SPEC, "ym-notification.json")]
)
def test_the_vendored_specs_are_the_shared_ones(vendored: Path, shared: str) -> None:
    source = SHARED / shared
    if not source.exists():
        pytest.skip("the shared specs are not next to this checkout")
    assert vendored.read_bytes() == source.read_bytes()
