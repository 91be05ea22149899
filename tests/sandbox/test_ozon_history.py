"""``/v3/chat/history``: shape, directions, exclusive/inclusive cursor, id filter."""

from __future__ import annotations

import httpx
import pytest

from sandbox.ozon import OzonEmulator

from .conftest import CLIENT_ID


def make_chat(emu: OzonEmulator, count: int) -> tuple[str, list[str]]:
    chat_id, first = emu.state.buyer_writes(CLIENT_ID, text="m0")
    ids = [first]
    for index in range(1, count):
        ids.append(emu.state.buyer_writes(CLIENT_ID, text=f"m{index}", chat_id=chat_id)[1])
    return chat_id, ids


async def history(client: httpx.AsyncClient, **body: object) -> dict:
    response = await client.post("/v3/chat/history", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_message_shape_and_user_types(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, buyer_msg = emu.state.buyer_writes(
        CLIENT_ID, text="Подойдёт?", order_number="47873153-0052", sku="987654321"
    )
    cabinet_msg = emu.state.seller_writes_in_cabinet(CLIENT_ID, chat_id, "Да")
    support_msg = emu.state.support_writes(CLIENT_ID, chat_id, "Поддержка на связи")
    body = await history(client, chat_id=chat_id, direction="Forward", from_message_id="0")
    assert body["has_next"] is False
    buyer, seller, support = body["messages"]
    assert set(buyer) == {
        "message_id",
        "user",
        "created_at",
        "is_read",
        "is_image",
        "moderate_image_status",
        "data",
        "context",
    }
    assert buyer["message_id"] == buyer_msg and isinstance(buyer["message_id"], str)
    assert buyer["user"]["type"] == "Customer" and buyer["user"]["id"].isdigit()
    assert buyer["data"] == ["Подойдёт?"]
    assert buyer["context"] == {"order_number": "47873153-0052", "sku": "987654321"}
    assert buyer["is_read"] is False and buyer["is_image"] is False
    assert buyer["moderate_image_status"] == ""
    assert buyer["created_at"].endswith("Z")
    assert seller["message_id"] == cabinet_msg
    assert seller["user"] == {"id": CLIENT_ID, "type": "Seller"}
    assert seller["is_read"] is True  # the seller's own messages are never unread
    assert support["message_id"] == support_msg and support["user"]["type"] == "Support"


async def test_image_and_file_messages(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(
        CLIENT_ID, text="вот фото", image=b"\xff\xd8\xffjpeg", file=("act.pdf", b"%PDF" * 3000)
    )
    messages = (await history(client, chat_id=chat_id))["messages"]
    file_msg, image_msg, text_msg = messages  # Backward: newest first
    assert text_msg["data"] == ["вот фото"]
    assert image_msg["is_image"] is True and image_msg["moderate_image_status"] == "SUCCESS"
    prefix = f"![]({emu.base_url}/v2/chat/file/messenger/"
    assert image_msg["data"][0].startswith(prefix) and image_msg["data"][0].endswith(".jpg)")
    assert file_msg["is_image"] is False
    assert file_msg["data"][0].startswith(f"[act.pdf (12KB)]({emu.base_url}/v2/chat/file/docs/")
    assert file_msg["data"][0].endswith("/act.pdf)")


async def test_backward_default_newest_first_with_paging(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    chat_id, ids = make_chat(emu, 7)
    page = await history(client, chat_id=chat_id, limit=3)
    assert [m["message_id"] for m in page["messages"]] == ids[6:3:-1]
    assert page["has_next"] is True
    page = await history(client, chat_id=chat_id, limit=3, from_message_id=ids[4])
    assert [m["message_id"] for m in page["messages"]] == ids[3:0:-1]
    assert page["has_next"] is True
    page = await history(client, chat_id=chat_id, limit=3, from_message_id=int(ids[1]))
    assert [m["message_id"] for m in page["messages"]] == [ids[0]]
    assert page["has_next"] is False


async def test_forward_exclusive(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, ids = make_chat(emu, 5)
    page = await history(
        client, chat_id=chat_id, direction="Forward", from_message_id=ids[1], limit=2
    )
    assert [m["message_id"] for m in page["messages"]] == ids[2:4]
    assert page["has_next"] is True
    page = await history(
        client, chat_id=chat_id, direction="Forward", from_message_id=int(ids[3]), limit=2
    )
    assert [m["message_id"] for m in page["messages"]] == [ids[4]]
    assert page["has_next"] is False


async def test_inclusive_mode(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    emu.state.history_inclusive = True
    chat_id, ids = make_chat(emu, 5)
    forward = await history(
        client, chat_id=chat_id, direction="Forward", from_message_id=ids[1], limit=2
    )
    assert [m["message_id"] for m in forward["messages"]] == ids[1:3]
    backward = await history(client, chat_id=chat_id, from_message_id=ids[3], limit=2)
    assert [m["message_id"] for m in backward["messages"]] == [ids[3], ids[2]]
    assert backward["has_next"] is True


async def test_filter_message_ids(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, ids = make_chat(emu, 5)
    page = await history(client, chat_id=chat_id, filter={"message_ids": [ids[1], int(ids[3])]})
    assert [m["message_id"] for m in page["messages"]] == [ids[3], ids[1]]
    assert [m["data"] for m in page["messages"]] == [["m3"], ["m1"]]


async def test_default_limit_is_50(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="x")
    for _ in range(59):
        emu.state.buyer_writes(CLIENT_ID, text="x", chat_id=chat_id)
    page = await history(client, chat_id=chat_id)
    assert len(page["messages"]) == 50 and page["has_next"] is True


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, (400, 3, "chat_id is required")),
        ({"chat_id": "00000000-0000-0000-0000-000000000000"}, (404, 5, "chat not found")),
        ({"chat_id": "CHAT", "limit": 1001}, (400, 3, "limit must be between 1 and 1000")),
        ({"chat_id": "CHAT", "direction": "Forward"}, (400, 3, "from_message_id is required")),
        ({"chat_id": "CHAT", "direction": "Sideways"}, (400, 3, "invalid request body")),
        ({"chat_id": "CHAT", "from_message_id": "abc"}, (400, 3, "invalid request body")),
    ],
)
async def test_history_errors(
    emu: OzonEmulator, client: httpx.AsyncClient, body: dict, expected: tuple[int, int, str]
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="x")
    if body.get("chat_id") == "CHAT":
        body = {**body, "chat_id": chat_id}
    response = await client.post("/v3/chat/history", json=body)
    payload = response.json()
    assert (response.status_code, payload["code"], payload["message"]) == expected
    assert payload["details"] == []
