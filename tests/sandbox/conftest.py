"""Fixtures: a fresh emulator per test, and an httpx client authenticated as a seller."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.ozon import OzonEmulator

CLIENT_ID = "111111"
API_KEY = "test-key"


@pytest.fixture
async def emu() -> AsyncIterator[OzonEmulator]:
    async with OzonEmulator(host="127.0.0.1", port=0) as emulator:
        emulator.state.add_seller(CLIENT_ID, API_KEY, name="Test shop")
        yield emulator


@pytest.fixture
async def client(emu: OzonEmulator) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Client-Id": CLIENT_ID, "Api-Key": API_KEY}
    async with httpx.AsyncClient(base_url=emu.base_url, headers=headers, timeout=5) as http:
        yield http


@pytest.fixture
async def anon(emu: OzonEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """A client without auth headers (for auth errors and the control API)."""
    async with httpx.AsyncClient(base_url=emu.base_url, timeout=5) as http:
        yield http
