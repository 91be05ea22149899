"""Auth and premium checks, removed endpoints, the rate limit and every fault kind."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import pytest

from sandbox.ozon import EmulatorState, OzonEmulator

from .conftest import API_KEY, CLIENT_ID

LIST = "/v3/chat/list"


def rpc(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    assert body["details"] == []
    return response.status_code, body["code"], body["message"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, (401, 16, "Client-Id and Api-Key headers are required")),
        ({"Client-Id": CLIENT_ID}, (401, 16, "Client-Id and Api-Key headers are required")),
        ({"Api-Key": API_KEY}, (401, 16, "Client-Id and Api-Key headers are required")),
        (
            {"Client-Id": "abc", "Api-Key": API_KEY},
            (400, 3, "Client-Id header value should be positive integer"),
        ),
        (
            {"Client-Id": "0", "Api-Key": API_KEY},
            (400, 3, "Client-Id header value should be positive integer"),
        ),
        (
            {"Client-Id": "999999", "Api-Key": API_KEY},
            (404, 5, "Invalid Api-Key, please check the key and try again"),
        ),
        (
            {"Client-Id": CLIENT_ID, "Api-Key": "wrong"},
            (404, 5, "Invalid Api-Key, please check the key and try again"),
        ),
    ],
)
async def test_auth_errors(
    anon: httpx.AsyncClient, headers: dict[str, str], expected: tuple[int, int, str]
) -> None:
    response = await anon.post(LIST, json={"limit": 10}, headers=headers)
    assert rpc(response) == expected


async def test_revoked_key_and_premium(emu: OzonEmulator, anon: httpx.AsyncClient) -> None:
    old = {"Client-Id": CLIENT_ID, "Api-Key": API_KEY}
    emu.state.set_api_key(CLIENT_ID, "rotated")
    assert rpc(await anon.post(LIST, json={"limit": 1}, headers=old))[:2] == (404, 5)
    new = {"Client-Id": CLIENT_ID, "Api-Key": "rotated"}
    assert (await anon.post(LIST, json={"limit": 1}, headers=new)).status_code == 200
    emu.state.set_premium(CLIENT_ID, False)
    denied = await anon.post(LIST, json={"limit": 1}, headers=new)
    assert rpc(denied) == (403, 7, "Premium Plus subscription is required to use chats")
    emu.state.set_premium(CLIENT_ID, True)
    assert (await anon.post(LIST, json={"limit": 1}, headers=new)).status_code == 200


@pytest.mark.parametrize(
    "path", ["/v1/chat/updates", "/v1/chat/list", "/v1/chat/history", "/v2/chat/history"]
)
async def test_removed_endpoints_404(
    emu: OzonEmulator, client: httpx.AsyncClient, path: str
) -> None:
    response = await client.post(path, json={"chat_id": "x", "limit": 1})
    assert rpc(response) == (404, 5, "Not Found")
    assert emu.calls[(CLIENT_ID, path)] == 1


async def test_malformed_body(client: httpx.AsyncClient) -> None:
    for content in (b"{not json", b"[1, 2]"):
        response = await client.post(
            LIST, content=content, headers={"Content-Type": "application/json"}
        )
        assert rpc(response) == (400, 3, "invalid request body")


def _seller_client(emu: OzonEmulator) -> httpx.AsyncClient:
    headers = {"Client-Id": CLIENT_ID, "Api-Key": API_KEY}
    return httpx.AsyncClient(base_url=emu.base_url, headers=headers, timeout=5)


async def test_rate_limit_above_50_rps() -> None:
    # The limiter's clock stands still: the burst is one second's worth however slowly a
    # loaded machine sends it (the wall clock is for the benchmarks)
    async with OzonEmulator(rate_limit_clock=lambda: 1000.0) as emu:
        emu.state.add_seller(CLIENT_ID, API_KEY)
        async with _seller_client(emu) as client:
            responses = await asyncio.gather(
                *(client.post(LIST, json={"limit": 1}) for _ in range(60))
            )
            statuses = [r.status_code for r in responses]
            assert statuses.count(200) == 50 and statuses.count(429) == 10
            limited = next(r for r in responses if r.status_code == 429)
            assert rpc(limited) == (429, 8, "You have reached request rate limit per second")
            # another seller is not affected
            emu.state.add_seller("222222", "k2")
            other = await client.post(
                LIST, json={"limit": 1}, headers={"Client-Id": "222222", "Api-Key": "k2"}
            )
            assert other.status_code == 200
            assert emu.calls[(CLIENT_ID, LIST)] == 60


async def test_rate_limit_recovers_after_a_second() -> None:
    now = [1000.0]
    async with OzonEmulator(rate_limit_rps=3, rate_limit_clock=lambda: now[0]) as emu:
        emu.state.add_seller(CLIENT_ID, API_KEY)
        async with _seller_client(emu) as client:
            statuses = [(await client.post(LIST, json={"limit": 1})).status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            now[0] += 0.95
            assert (await client.post(LIST, json={"limit": 1})).status_code == 429
            now[0] += 0.1
            assert (await client.post(LIST, json={"limit": 1})).status_code == 200


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("429", (429, 8, "You have reached request rate limit per second")),
        ("500", (500, 13, "Internal error")),
    ],
)
async def test_error_faults_apply_count_times(
    emu: OzonEmulator, client: httpx.AsyncClient, kind: str, expected: tuple[int, int, str]
) -> None:
    emu.state.add_fault(kind, count=2, path=LIST)
    # other paths are not affected
    history = await client.post(
        "/v3/chat/history", json={"chat_id": emu.state.seller(CLIENT_ID).system_chat_id}
    )
    assert history.status_code == 200
    assert rpc(await client.post(LIST, json={"limit": 1})) == expected
    assert rpc(await client.post(LIST, json={"limit": 1})) == expected
    assert (await client.post(LIST, json={"limit": 1})).status_code == 200
    assert len(emu.state.faults) == 0


async def test_fault_scoped_to_client(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    emu.state.add_seller("222222", "k2")
    emu.state.add_fault("500", client_id="222222")
    assert (await client.post(LIST, json={"limit": 1})).status_code == 200
    other = await client.post(
        LIST, json={"limit": 1}, headers={"Client-Id": "222222", "Api-Key": "k2"}
    )
    assert other.status_code == 500
    emu.state.clear_faults()
    other = await client.post(
        LIST, json={"limit": 1}, headers={"Client-Id": "222222", "Api-Key": "k2"}
    )
    assert other.status_code == 200


async def test_fault_until_emulated_time(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    emu.state.add_fault("500", until=emu.state.now() + timedelta(minutes=5))
    assert (await client.post(LIST, json={"limit": 1})).status_code == 500
    assert (await client.post(LIST, json={"limit": 1})).status_code == 500
    emu.state.advance_clock(301)
    assert (await client.post(LIST, json={"limit": 1})).status_code == 200


async def test_slow_fault(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    emu.state.add_fault("slow", seconds=0.3, count=1)
    started = time.monotonic()
    response = await client.post(LIST, json={"limit": 1})
    assert response.status_code == 200 and "chats" in response.json()
    assert time.monotonic() - started >= 0.3
    emu.state.add_fault("slow", seconds=1.0, count=1)
    with pytest.raises(httpx.ReadTimeout):
        await client.post(LIST, json={"limit": 1}, timeout=0.2)


async def test_drop_fault_before_processing(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    emu.state.add_fault("drop", count=1, path="/v1/chat/send/message")
    with pytest.raises(httpx.TransportError):
        await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "ответ"})
    assert emu.state.sent_by_seller(CLIENT_ID) == []
    # the next call goes through on a fresh connection
    ok = await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "ответ"})
    assert ok.status_code == 200
    assert [r.text for r in emu.state.sent_by_seller(CLIENT_ID)] == ["ответ"]


async def test_accept_then_drop_stores_the_message(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    emu.state.add_fault("accept_then_drop", count=1, path="/v1/chat/send/message")
    with pytest.raises(httpx.TransportError):
        await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "принято"})
    sent = emu.state.sent_by_seller(CLIENT_ID, chat_id)
    assert [r.text for r in sent] == ["принято"]
    history = (await client.post("/v3/chat/history", json={"chat_id": chat_id})).json()
    assert history["messages"][0]["message_id"] == sent[0].message_id
    assert emu.calls[(CLIENT_ID, "/v1/chat/send/message")] == 1


def test_fault_validation() -> None:
    state = EmulatorState()
    with pytest.raises(ValueError, match="unknown fault kind"):
        state.add_fault("teapot")
    with pytest.raises(ValueError, match="slow"):
        state.add_fault("slow")
    with pytest.raises(ValueError, match="count"):
        state.add_fault("500", count=0)
    assert len(state.faults) == 0
