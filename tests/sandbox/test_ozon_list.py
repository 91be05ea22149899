"""``/v3/chat/list``: shape, ordering, cursor pagination, filters."""

from __future__ import annotations

import re

import httpx

from sandbox.ozon import OzonEmulator

from .conftest import CLIENT_ID

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def list_all(client: httpx.AsyncClient, limit: int, **filters: object) -> list[dict]:
    items: list[dict] = []
    cursor = ""
    for _ in range(1000):
        response = await client.post(
            "/v3/chat/list", json={"filter": filters, "limit": limit, "cursor": cursor}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["chats"])
        assert isinstance(page["has_next"], bool)
        if not page["has_next"]:
            assert page["cursor"] == ""
            return items
        cursor = page["cursor"]
        assert isinstance(cursor, str) and cursor
    raise AssertionError("pagination never ended")


async def test_list_item_shape(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, message_id = emu.state.buyer_writes(CLIENT_ID, text="Здравствуйте")
    response = await client.post("/v3/chat/list", json={"limit": 10})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"chats", "total_unread_count", "cursor", "has_next"}
    assert body["has_next"] is False
    first = body["chats"][0]
    assert set(first) == {"chat", "first_unread_message_id", "last_message_id", "unread_count"}
    assert first["chat"]["chat_id"] == chat_id
    assert first["chat"]["chat_status"] == "OPENED"
    assert first["chat"]["chat_type"] == "BUYER_SELLER"
    assert TIME_RE.match(first["chat"]["created_at"])
    assert first["last_message_id"] == message_id
    assert first["first_unread_message_id"] == message_id
    assert isinstance(first["last_message_id"], str) and len(first["last_message_id"]) == 19
    assert first["unread_count"] == 1
    # the system chat's welcome message counts as unread too ("inflated" counters)
    assert body["total_unread_count"] == 2


async def test_new_seller_has_system_chat(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    body = (await client.post("/v3/chat/list", json={"limit": 100})).json()
    assert [item["chat"]["chat_type"] for item in body["chats"]] == ["SELLER_API_UPDATES"]
    system_id = body["chats"][0]["chat"]["chat_id"]
    history = (await client.post("/v3/chat/history", json={"chat_id": system_id})).json()
    assert len(history["messages"]) == 1
    assert history["messages"][0]["user"]["type"] == "NotificationUser"
    assert history["messages"][0]["user"]["id"].isdigit()


async def test_order_is_last_activity_newest_first(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    older, _ = emu.state.buyer_writes(CLIENT_ID, text="first")
    newer, _ = emu.state.buyer_writes(CLIENT_ID, text="second")
    ids = [item["chat"]["chat_id"] for item in await list_all(client, 10)]
    assert ids.index(newer) < ids.index(older)
    emu.state.buyer_writes(CLIENT_ID, text="bump", chat_id=older)
    ids = [item["chat"]["chat_id"] for item in await list_all(client, 10)]
    assert ids[0] == older


async def test_cursor_walk_over_250_chats(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    seeded = emu.state.seed_chats(CLIENT_ID, 250)
    items = await list_all(client, 100)
    ids = [item["chat"]["chat_id"] for item in items]
    assert len(ids) == len(set(ids)) == 251  # + the system chat
    assert set(seeded) <= set(ids)
    # newest first: the last seeded chat opens the list, the first one closes the buyer part
    assert ids[0] == seeded[-1]
    assert ids[249] == seeded[0]
    assert emu.calls[(CLIENT_ID, "/v3/chat/list")] == 3


async def test_limit_one_walk_matches_big_page(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    emu.state.seed_chats(CLIENT_ID, 12)
    small = [item["chat"]["chat_id"] for item in await list_all(client, 1)]
    big = [item["chat"]["chat_id"] for item in await list_all(client, 100)]
    assert small == big and len(big) == 13


async def test_unread_only(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    unread_chat, _ = emu.state.buyer_writes(CLIENT_ID, text="unread")
    read_chat, message_id = emu.state.buyer_writes(CLIENT_ID, text="read")
    emu.state.mark_read(CLIENT_ID, read_chat, int(message_id))
    emu.state.mark_read(CLIENT_ID, emu.state.seller(CLIENT_ID).system_chat_id)
    items = await list_all(client, 100, unread_only=True)
    assert [item["chat"]["chat_id"] for item in items] == [unread_chat]
    everything = await list_all(client, 100, unread_only=False)
    assert len(everything) == 3


async def test_status_filter_any_case(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    open_chat, _ = emu.state.buyer_writes(CLIENT_ID, text="open")
    closed_chat, _ = emu.state.buyer_writes(CLIENT_ID, text="closed")
    emu.state.close_chat(CLIENT_ID, closed_chat)
    for value in ("CLOSED", "Closed", "closed"):
        items = await list_all(client, 100, chat_status=value)
        assert [(i["chat"]["chat_id"], i["chat"]["chat_status"]) for i in items] == [
            (closed_chat, "CLOSED")
        ]
    opened = {i["chat"]["chat_id"] for i in await list_all(client, 100, chat_status="Opened")}
    assert open_chat in opened and closed_chat not in opened
    every = {i["chat"]["chat_id"] for i in await list_all(client, 100, chat_status="ALL")}
    assert {open_chat, closed_chat} <= every and len(every) == 3


async def test_list_errors(client: httpx.AsyncClient) -> None:
    for body, message in [
        ({}, "limit is required"),
        ({"limit": 101}, "limit must be between 1 and 100"),
        ({"limit": -1}, "limit must be between 1 and 100"),
        ({"limit": 10, "cursor": "not-a-cursor"}, "Cursor value is incorrect"),
        ({"limit": 10, "filter": {"chat_status": "SOMETIMES"}}, "invalid request body"),
        ({"limit": "ten"}, "invalid request body"),
    ]:
        response = await client.post("/v3/chat/list", json=body)
        assert response.status_code == 400, body
        assert response.json() == {"code": 3, "message": message, "details": []}


async def test_limit_bounds_accepted(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    emu.state.seed_chats(CLIENT_ID, 150)
    one = (await client.post("/v3/chat/list", json={"limit": 1})).json()
    hundred = (await client.post("/v3/chat/list", json={"limit": "100"})).json()
    assert len(one["chats"]) == 1 and one["has_next"] is True
    assert len(hundred["chats"]) == 100 and hundred["has_next"] is True
