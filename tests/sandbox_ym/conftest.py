"""Fixtures: a fresh Yandex Market emulator per test with two cabinets and keys, and an httpx
client whose every answer is checked against Yandex's OpenAPI (``spec/ym-chat.json``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox.yandex_market import YandexMarketEmulator
from sandbox.yandex_market.spec import check_answer

BUSINESS = 5123456
OTHER = 7000001
CAMPAIGN = 21784512


def chats_path(tail: str = "/chats", business: int = BUSINESS) -> str:
    return f"/v2/businesses/{business}{tail}"


async def _answer_checked(response: httpx.Response) -> None:
    await response.aread()
    if response.request.url.path.startswith(("/__control", "/files")):
        return
    body: Any = response.json() if response.content else None
    if response.status_code == 404 and body and body.get("status") == "ERROR":
        return  # an unknown path: not in the spec to check against; the test asserts it
    check_answer(response.request.method, response.request.url.path, response.status_code, body)


def api_client(base_url: str, key: str | None) -> httpx.AsyncClient:
    headers = {"Api-Key": key} if key else {}
    return httpx.AsyncClient(
        base_url=base_url,
        headers=headers,
        timeout=10,
        event_hooks={"response": [_answer_checked]},
    )


@pytest.fixture
async def emu() -> AsyncIterator[YandexMarketEmulator]:
    async with YandexMarketEmulator() as emulator:
        emulator.state.add_business(BUSINESS, name="Кабинет", campaign_ids=[CAMPAIGN])
        emulator.state.add_business(OTHER, name="Другой")
        yield emulator


@pytest.fixture
def key(emu: YandexMarketEmulator) -> str:
    return emu.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token


@pytest.fixture
async def api(emu: YandexMarketEmulator, key: str) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(emu.base_url, key) as client:
        yield client
