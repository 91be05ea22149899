"""Sending text and files, the reply window, marking read, starting chats, downloads."""

from __future__ import annotations

import base64

import httpx
import pytest

from sandbox.ozon import OzonEmulator

from .conftest import CLIENT_ID

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)


def rpc(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    assert body["details"] == []
    return response.status_code, body["code"], body["message"]


@pytest.mark.parametrize(
    ("length", "accepted"), [(0, False), (1, True), (1000, True), (1001, False)]
)
async def test_send_text_length_limits(
    emu: OzonEmulator, client: httpx.AsyncClient, length: int, accepted: bool
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    text = "ж" * length
    response = await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": text})
    sent = emu.state.sent_by_seller(CLIENT_ID, chat_id)
    if accepted:
        assert response.status_code == 200 and response.json() == {"result": "success"}
        assert [(r.kind, r.text) for r in sent] == [("text", text)]
    else:
        assert rpc(response) == (400, 3, "text length must be between 1 and 1000 characters")
        assert sent == []


async def test_sent_message_appears_in_history(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "ответ"})
    newest = (await client.post("/v3/chat/history", json={"chat_id": chat_id, "limit": 1})).json()
    message = newest["messages"][0]
    record = emu.state.sent_by_seller(CLIENT_ID)[0]
    assert message["message_id"] == record.message_id
    assert message["user"] == {"id": CLIENT_ID, "type": "Seller"}
    assert message["data"] == ["ответ"]


async def test_reply_window_48h(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    emu.state.advance_clock(47 * 3600)
    ok = await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "a"})
    assert ok.status_code == 200
    emu.state.advance_clock(2 * 3600)  # 49 h after the buyer's message
    late = await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "b"})
    assert rpc(late) == (400, 9, "access period has expired")
    late_file = await client.post(
        "/v1/chat/send/file",
        json={
            "chat_id": chat_id,
            "name": "a.png",
            "base64_content": base64.b64encode(PNG).decode(),
        },
    )
    assert rpc(late_file) == (400, 9, "access period has expired")
    emu.state.buyer_writes(CLIENT_ID, text="ещё вопрос", chat_id=chat_id)  # reopens the window
    again = await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "c"})
    assert again.status_code == 200
    assert [r.text for r in emu.state.sent_by_seller(CLIENT_ID)] == ["a", "c"]


async def test_closed_and_unknown_chat(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    emu.state.close_chat(CLIENT_ID, chat_id)
    closed = await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "a"})
    assert rpc(closed) == (400, 9, "chat is closed")
    unknown = await client.post(
        "/v1/chat/send/message",
        json={"chat_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "text": "a"},
    )
    assert rpc(unknown) == (404, 5, "chat not found")
    missing = await client.post("/v1/chat/send/message", json={"text": "a"})
    assert rpc(missing) == (400, 3, "chat_id is required")
    assert emu.state.sent_by_seller(CLIENT_ID) == []


async def test_system_chat_refuses_replies(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    system_id = emu.state.seller(CLIENT_ID).system_chat_id
    response = await client.post("/v1/chat/send/message", json={"chat_id": system_id, "text": "a"})
    assert rpc(response) == (400, 9, "access period has expired")


async def test_send_file_and_read_it_back(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="пришлите чек")
    pdf = b"%PDF-1.4 receipt"
    for name, content in [("чек.pdf", pdf), ("photo.png", PNG)]:
        response = await client.post(
            "/v1/chat/send/file",
            json={
                "chat_id": chat_id,
                "name": name,
                "base64_content": base64.b64encode(content).decode(),
            },
        )
        assert response.status_code == 200 and response.json() == {"result": "success"}
    records = emu.state.sent_by_seller(CLIENT_ID, chat_id)
    assert [(r.kind, r.file_name, r.file_bytes) for r in records] == [
        ("file", "чек.pdf", pdf),
        ("file", "photo.png", PNG),
    ]
    messages = (await client.post("/v3/chat/history", json={"chat_id": chat_id})).json()
    image, document = messages["messages"][0], messages["messages"][1]
    assert image["is_image"] is True and image["data"][0].startswith("![](")
    assert document["is_image"] is False and document["data"][0].startswith("[чек.pdf (1KB)](")
    # the link serves the bytes back
    url = document["data"][0].split("](", 1)[1][:-1]
    download = await client.get(url)
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["content-type"] == "application/pdf"


async def test_send_file_bad_input(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="x")
    bad = await client.post(
        "/v1/chat/send/file",
        json={"chat_id": chat_id, "name": "a.pdf", "base64_content": "not base64!!"},
    )
    assert rpc(bad) == (400, 3, "invalid request body")
    no_name = await client.post(
        "/v1/chat/send/file", json={"chat_id": chat_id, "base64_content": "AAAA"}
    )
    assert rpc(no_name) == (400, 3, "name is required")
    assert emu.state.sent_by_seller(CLIENT_ID) == []


async def test_image_download_requires_auth(
    emu: OzonEmulator, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, image=PNG, image_name="screen.png")
    message = (await client.post("/v3/chat/history", json={"chat_id": chat_id})).json()
    url = message["messages"][0]["data"][0][len("![](") : -1]
    assert url.startswith(emu.base_url + "/v2/chat/file/messenger/") and url.endswith(".png")
    ok = await client.get(url)
    assert ok.status_code == 200 and ok.content == PNG
    assert ok.headers["content-type"] == "image/png"
    assert rpc(await anon.get(url)) == (401, 16, "Client-Id and Api-Key headers are required")
    emu.state.add_seller("222222", "other-key")
    other = await anon.get(url, headers={"Client-Id": "222222", "Api-Key": "other-key"})
    assert other.status_code == 404  # another seller's file does not exist for them
    missing = await client.get("/v2/chat/file/messenger/nope.jpg")
    assert rpc(missing) == (404, 5, "Not Found")


async def test_mark_read_updates_counters(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, first = emu.state.buyer_writes(CLIENT_ID, text="1")
    _, second = emu.state.buyer_writes(CLIENT_ID, text="2", chat_id=chat_id)
    emu.state.seller_writes_in_cabinet(CLIENT_ID, chat_id, "ответ")
    _, third = emu.state.buyer_writes(CLIENT_ID, text="3", chat_id=chat_id)

    async def chat_item() -> tuple[dict, int]:
        body = (await client.post("/v3/chat/list", json={"limit": 10})).json()
        item = next(i for i in body["chats"] if i["chat"]["chat_id"] == chat_id)
        return item, body["total_unread_count"]

    item, total = await chat_item()
    assert item["unread_count"] == 3 and item["first_unread_message_id"] == first
    assert total == 4  # + the system chat
    read = await client.post("/v2/chat/read", json={"chat_id": chat_id, "from_message_id": second})
    assert read.status_code == 200 and read.json() == {"unread_count": 1}
    item, total = await chat_item()
    assert item["unread_count"] == 1 and item["first_unread_message_id"] == third
    assert total == 2
    history = (await client.post("/v3/chat/history", json={"chat_id": chat_id})).json()
    assert [m["is_read"] for m in history["messages"]] == [False, True, True, True]
    # numeric id, marking everything
    read = await client.post(
        "/v2/chat/read", json={"chat_id": chat_id, "from_message_id": int(third)}
    )
    assert read.json() == {"unread_count": 0}
    item, total = await chat_item()
    assert item["unread_count"] == 0 and item["first_unread_message_id"] == "0"
    assert total == 1
    # marking an older message again changes nothing
    read = await client.post("/v2/chat/read", json={"chat_id": chat_id, "from_message_id": first})
    assert read.json() == {"unread_count": 0}
    missing = await client.post("/v2/chat/read", json={"from_message_id": first})
    assert rpc(missing) == (400, 3, "chat_id is required")


async def test_chat_start(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    emu.state.add_posting(CLIENT_ID, "47873153-0052-1", sku="987654321")
    response = await client.post("/v1/chat/start", json={"posting_number": "47873153-0052-1"})
    assert response.status_code == 200
    chat_id = response.json()["result"]["chat_id"]
    assert len(chat_id) == 36
    again = await client.post("/v1/chat/start", json={"posting_number": "47873153-0052-1"})
    assert again.json() == {"result": {"chat_id": chat_id}}
    body = (await client.post("/v3/chat/list", json={"limit": 10})).json()
    item = next(i for i in body["chats"] if i["chat"]["chat_id"] == chat_id)
    assert item["chat"]["chat_type"] == "BUYER_SELLER" and item["last_message_id"] == "0"
    # the seller may write into a chat it started
    sent = await client.post("/v1/chat/send/message", json={"chat_id": chat_id, "text": "Привет"})
    assert sent.status_code == 200
    assert rpc(await client.post("/v1/chat/start", json={})) == (
        400,
        3,
        "posting_number is required",
    )
    unknown = await client.post("/v1/chat/start", json={"posting_number": "1-2-3"})
    assert unknown.status_code == 400 and unknown.json()["code"] == 3


async def test_chat_start_finds_buyer_chat(emu: OzonEmulator, client: httpx.AsyncClient) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="где заказ", posting_number="555-0001-1")
    response = await client.post("/v1/chat/start", json={"posting_number": "555-0001-1"})
    assert response.json() == {"result": {"chat_id": chat_id}}
    history = (await client.post("/v3/chat/history", json={"chat_id": chat_id})).json()
    assert history["messages"][0]["context"]["order_number"] == "555-0001"
