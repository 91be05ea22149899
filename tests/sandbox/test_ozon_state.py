"""The in-process state API: seeding at benchmark scale, clocks, counters, the CLI parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sandbox.ozon import EmulatorState, OzonEmulator
from sandbox.ozon.__main__ import parse_args
from sandbox.ozon.errors import ApiError

from .conftest import CLIENT_ID


def test_seed_5000_chats() -> None:
    state = EmulatorState()
    state.add_seller("1", "k")
    chat_ids = state.seed_chats("1", 5000, messages_per_chat=2)
    assert len(set(chat_ids)) == 5000
    stats = state.seller_stats("1")
    assert stats["chats"] == 5001 and stats["messages"] == 10001 and stats["unread"] == 10001
    assert state.stats()["chats"] == 5001
    page = state.list_chats("1", limit=100)
    assert page.has_next and page.chats[0].id == chat_ids[-1]
    # every seeded chat is inside the reply window by default
    assert state.send_message("1", chat_ids[0], "ответ").isdigit()


async def test_seeded_world_over_http(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    emu.state.seed_chats(CLIENT_ID, 5000)
    first = (await client.post("/v3/chat/list", json={"limit": 100})).json()
    assert len(first["chats"]) == 100 and first["has_next"] is True
    assert first["total_unread_count"] == 5001
    second = (
        await client.post("/v3/chat/list", json={"limit": 100, "cursor": first["cursor"]})
    ).json()
    first_ids = {item["chat"]["chat_id"] for item in first["chats"]}
    assert not first_ids & {item["chat"]["chat_id"] for item in second["chats"]}


def test_fixed_clock_and_advance() -> None:
    base = datetime(2025, 9, 14, 8, 7, 19, 581000, tzinfo=UTC)
    state = EmulatorState(clock=lambda: base)
    state.add_seller("1", "k")
    chat_id, _ = state.buyer_writes("1", text="вопрос")
    assert state.chat("1", chat_id).created_at == base
    state.advance_clock(48 * 3600)
    assert state.now() == base + timedelta(hours=48)
    assert state.send_message("1", chat_id, "ровно 48 часов").isdigit()
    state.advance_clock(1)
    with pytest.raises(ApiError) as expired:
        state.send_message("1", chat_id, "поздно")
    assert (expired.value.status, expired.value.code) == (400, 9)


def test_message_ids_are_increasing_19_digit() -> None:
    state = EmulatorState()
    state.add_seller("1", "k")
    chat_id, first = state.buyer_writes("1", text="a")
    _, second = state.buyer_writes("1", text="b", chat_id=chat_id)
    assert len(first) == 19 and first.startswith("3000000000")
    assert int(second) > int(first)


def test_buyer_writes_backdated_and_reopens() -> None:
    state = EmulatorState()
    state.add_seller("1", "k")
    old = state.now() - timedelta(days=3)
    chat_id, _ = state.buyer_writes("1", text="давно", at=old, buyer_id="115568")
    with pytest.raises(ApiError, match="access period has expired"):
        state.send_message("1", chat_id, "ответ")
    state.close_chat("1", chat_id)
    state.buyer_writes("1", text="снова", chat_id=chat_id)
    chat = state.chat("1", chat_id)
    assert chat.status == "OPENED" and chat.buyer_id == "115568"
    assert state.send_message("1", chat_id, "ответ").isdigit()


def test_reset_keeps_identity() -> None:
    state = EmulatorState(history_inclusive=True)
    state.add_seller("1", "k")
    state.history_inclusive = False
    state.advance_clock(3600)
    state.add_fault("500")
    state.reset()
    assert state.sellers() == [] and len(state.faults) == 0
    assert state.history_inclusive is True
    assert abs((state.now() - datetime.now(UTC)).total_seconds()) < 5


def test_duplicate_seller_and_empty_buyer_message() -> None:
    state = EmulatorState()
    state.add_seller("1", "k")
    with pytest.raises(ValueError, match="already exists"):
        state.add_seller("1", "k")
    with pytest.raises(ValueError, match="text, image or file"):
        state.buyer_writes("1")


async def test_file_links_follow_public_url() -> None:
    state = EmulatorState()
    state.add_seller("1", "k")
    chat_id, _ = state.buyer_writes("1", image=b"jpg")
    async with OzonEmulator(state=state, public_url="http://demo.local:9") as emu:
        assert emu.state is state
        headers = {"Client-Id": "1", "Api-Key": "k"}
        async with httpx.AsyncClient(base_url=emu.base_url, headers=headers) as client:
            body = (await client.post("/v3/chat/history", json={"chat_id": chat_id})).json()
    assert body["messages"][0]["data"][0].startswith("![](http://demo.local:9/v2/chat/file/")


async def test_start_stop_and_base_url() -> None:
    emu = OzonEmulator()
    with pytest.raises(RuntimeError):
        _ = emu.base_url
    await emu.start()
    try:
        assert emu.base_url.startswith("http://127.0.0.1:") and emu.port > 0
        async with httpx.AsyncClient() as client:
            state = await client.get(emu.base_url + "/__control/state")
        assert state.status_code == 200
    finally:
        await emu.stop()
    assert not emu.running


def test_cli_arguments() -> None:
    args = parse_args(["--port", "8081", "--demo-seller"])
    assert (args.host, args.port, args.demo_seller) == ("127.0.0.1", 8081, True)
