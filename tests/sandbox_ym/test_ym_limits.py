"""The emulator's limits: hourly buckets with X-RateLimit-Resource-* headers (4xx spend a
unit too), the reset on the emulated clock, and the 4-in-flight cap answered with 420."""

from __future__ import annotations

import asyncio

import httpx

from sandbox.yandex_market import YandexMarketEmulator
from tests.sandbox_ym.conftest import BUSINESS, chats_path


async def test_hourly_buckets_carry_headers_spend_on_4xx_and_reset(
    emu: YandexMarketEmulator, api: httpx.AsyncClient
) -> None:
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    emu.limits.overrides["getChatMessage"] = 3
    ok = await api.get(
        chats_path("/chats/message"), params={"chatId": chat.chat_id, "messageId": chat.message_id}
    )
    assert ok.headers["X-RateLimit-Resource-Limit"] == "3"
    assert ok.headers["X-RateLimit-Resource-Remaining"] == "2"
    assert ok.headers["X-RateLimit-Resource-Until"].endswith("GMT")
    missing = await api.get(
        chats_path("/chats/message"), params={"chatId": chat.chat_id, "messageId": 1}
    )
    assert missing.status_code == 404 and missing.headers["X-RateLimit-Resource-Remaining"] == "1"
    await api.get(
        chats_path("/chats/message"), params={"chatId": chat.chat_id, "messageId": chat.message_id}
    )
    spent = await api.get(
        chats_path("/chats/message"), params={"chatId": chat.chat_id, "messageId": chat.message_id}
    )
    assert spent.status_code == 420 and "per 'hour'" in spent.json()["errors"][0]["message"]
    other = await api.post(chats_path(), json={})
    assert other.status_code == 200  # buckets are per method

    emu.state.advance(3601)
    again = await api.get(
        chats_path("/chats/message"), params={"chatId": chat.chat_id, "messageId": chat.message_id}
    )
    assert again.status_code == 200 and again.headers["X-RateLimit-Resource-Remaining"] == "2"


async def test_a_fifth_request_in_flight_gets_420(
    emu: YandexMarketEmulator, api: httpx.AsyncClient
) -> None:
    emu.state.add_fault("slow", seconds=0.5, path="/chats", count=4)
    answers = await asyncio.gather(*(api.post(chats_path(), json={}) for _ in range(5)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200, 200, 200, 200, 420]
    refused = next(r for r in answers if r.status_code == 420)
    assert refused.json()["errors"][0]["message"] == (
        f"Hit rate limit of 4 parallel requests for businessId {BUSINESS}"
    )
    assert emu.limits.peak_in_flight[str(BUSINESS)] == 4
