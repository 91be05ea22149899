"""Fixtures: a fresh WB emulator per test, and httpx clients whose every exchange with the API
is checked against WB's OpenAPI (requests and answers both)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.wildberries import WildberriesEmulator
from tests.connectors.wb_spec import check_request, check_response

SELLER = "seller-1"
OTHER = "seller-2"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"\x00" * 200


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def _checked(response: httpx.Response) -> None:
    await response.aread()
    check_request(response.request)
    check_response(response.request, response)


async def _answer_checked(response: httpx.Response) -> None:
    await response.aread()
    check_response(response.request, response)


def api_client(base_url: str, token: str | None, *, requests: bool = True) -> httpx.AsyncClient:
    """Checks answers always, requests unless a test sends invalid ones on purpose."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    hook = _checked if requests else _answer_checked
    return httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=10, event_hooks={"response": [hook]}
    )


@pytest.fixture
async def emu() -> AsyncIterator[WildberriesEmulator]:
    async with WildberriesEmulator() as emulator:
        emulator.state.add_seller(SELLER, name="Test shop")
        emulator.state.add_seller(OTHER, name="Other shop")
        yield emulator


@pytest.fixture
def token(emu: WildberriesEmulator) -> str:
    return emu.state.issue_token(SELLER).token


@pytest.fixture
async def api(emu: WildberriesEmulator, token: str) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(emu.base_url, token) as http:
        yield http


@pytest.fixture
async def control(emu: WildberriesEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emu.base_url + "/__control", timeout=10) as http:
        yield http


@pytest.fixture
async def raw(emu: WildberriesEmulator, token: str) -> AsyncIterator[httpx.AsyncClient]:
    """Sends what a test asks, valid or not; the emulator's answers are still checked."""
    async with api_client(emu.base_url, token, requests=False) as http:
        yield http
