"""Chats and the events stream: shapes, ``next`` paging to ``totalEvents == 0``, echoes."""

import httpx
import pytest

from sandbox.wildberries import Upload, WildberriesEmulator

from .conftest import JPEG, OTHER, PDF, SELLER


async def test_new_chat_event_and_chat_list(
    emu: WildberriesEmulator, api: httpx.AsyncClient
) -> None:
    first = emu.state.buyer_writes(
        SELLER,
        text="Здравствуйте!",
        client_name="Алёна",
        uploads=[Upload("p.jpg", JPEG), Upload("Чек.pdf", PDF)],
    )
    emu.state.buyer_writes(SELLER, text="Ещё вопрос", chat_id=first.chat_id)
    emu.state.buyer_writes(OTHER, text="чужой чат")
    events = (await api.get("/api/v1/seller/events")).json()["result"]
    assert events["totalEvents"] == 2
    new, more = events["events"]
    assert new["isNewChat"] is True and new["replySign"].startswith(first.chat_id + ":")
    assert new["sender"] == "client" and new["source"] == "rusite" and new["clientName"] == "Алёна"
    attachments = new["message"]["attachments"]
    assert attachments["goodCard"]["nmID"] == 12345678
    assert [i.keys() >= {"downloadID", "url", "date"} for i in attachments["images"]] == [True]
    assert [f["name"] for f in attachments["files"]] == ["Чек.pdf"]
    assert attachments["files"][0]["contentType"] == "application/pdf"
    assert more["isNewChat"] is False and "replySign" not in more
    assert more["addTimestamp"] > new["addTimestamp"]
    response = await api.get("/api/v1/seller/chats")
    assert response.headers["X-Ratelimit-Limit"] == "10"
    assert "X-Ratelimit-Remaining" in response.headers
    (chat,) = response.json()["result"]
    assert chat["chatID"] == first.chat_id and chat["replySign"] == new["replySign"]
    assert chat["lastMessage"] == {"text": "Ещё вопрос", "addTimestamp": more["addTimestamp"]}


async def test_next_paging_until_total_is_zero(
    emu: WildberriesEmulator, api: httpx.AsyncClient
) -> None:
    emu.state.events_page_size = 2
    chat = emu.state.buyer_writes(SELLER, text="1").chat_id
    for n in range(2, 6):
        emu.state.buyer_writes(SELLER, text=str(n), chat_id=chat)
    seen: list[str] = []
    cursor: int | None = None
    pages = 0
    while True:
        params = {"next": cursor} if cursor is not None else {}
        result = (await api.get("/api/v1/seller/events", params=params)).json()["result"]
        pages += 1
        if result["totalEvents"] == 0:
            assert result["events"] == [] and result["next"] == cursor
            break
        seen += [e["message"]["text"] for e in result["events"]]
        assert result["totalEvents"] == len(result["events"])
        cursor = result["next"]
    assert seen == ["1", "2", "3", "4", "5"] and pages == 4
    emu.state.portal_reply(SELLER, chat, "Ответ из портала")
    later = (await api.get("/api/v1/seller/events", params={"next": cursor})).json()["result"]
    (portal,) = later["events"]
    assert portal["sender"] == "seller" and portal["source"] == "seller-portal"


async def test_empty_stream_gives_a_usable_cursor(
    api: httpx.AsyncClient, emu: WildberriesEmulator
) -> None:
    result = (await api.get("/api/v1/seller/events")).json()["result"]
    assert result["totalEvents"] == 0 and result["next"] > 0
    emu.state.buyer_writes(SELLER, text="после")
    after = (await api.get("/api/v1/seller/events", params={"next": result["next"]})).json()
    assert [e["message"]["text"] for e in after["result"]["events"]] == ["после"]


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("0", 'Invalid value for "next"'),
        ("-1", 'Invalid value for "next"'),
        ("abc", "Invalid number"),
    ],
)
async def test_bad_next_is_400(raw: httpx.AsyncClient, value: str, detail: str) -> None:
    response = await raw.get("/api/v1/seller/events", params={"next": value})
    assert response.status_code == 400
    assert response.json()["detail"] == detail and response.json()["origin"] == "proxy-chats"
