"""The control API over HTTP, and the faults it injects (429, 500, slow, drop,
accept-then-drop, hold)."""

import asyncio

import httpx
import pytest

from sandbox.wildberries import WildberriesEmulator

from .conftest import JPEG, PDF, SELLER, api_client, b64


async def test_sellers_tokens_and_messages_through_control(
    emu: WildberriesEmulator, control: httpx.AsyncClient
) -> None:
    created = await control.post("/sellers", json={"seller_id": "s9", "name": "Магазин"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert created.json()["kind"] == "personal" and created.json()["buyer_chat"] is True
    base = await control.post("/sellers/s9/tokens", json={"kind": "base", "expires_in": 60})
    assert base.status_code == 201 and base.json()["kind"] == "base"
    wrote = await control.post(
        "/sellers/s9/buyer_message",
        json={
            "text": "Где заказ?",
            "client_name": "Алёна",
            "images": [{"base64": b64(JPEG), "moderation": "pending", "pending_polls": 1}],
            "files": [{"name": "Чек.pdf", "base64": b64(PDF)}],
        },
    )
    assert wrote.status_code == 201
    chat_id = wrote.json()["chat_id"]
    assert len(wrote.json()["download_ids"]) == 2
    again = await control.post(
        "/sellers/s9/buyer_message", json={"text": "Алло", "chat_id": chat_id}
    )
    assert again.json()["chat_id"] == chat_id
    portal = await control.post(
        "/sellers/s9/portal_reply", json={"chat_id": chat_id, "text": "Уже едет"}
    )
    assert portal.status_code == 201
    async with api_client(emu.base_url, token) as http:
        sign = wrote.json()["reply_sign"]
        sent = await http.post(
            "/api/v1/seller/message",
            files=[("replySign", (None, sign)), ("message", (None, "Ответ"))],
        )
        assert sent.status_code == 200
        events = (await http.get("/api/v1/seller/events")).json()["result"]["events"]
    assert [(e["sender"], e["source"]) for e in events] == [
        ("client", "rusite"),
        ("client", "rusite"),
        ("seller", "seller-portal"),
        ("seller", "seller-public-api"),
    ]
    listed = (await control.get("/sellers/s9/sent", params={"chat_id": chat_id})).json()["sent"]
    assert [s["text"] for s in listed] == ["Ответ"]
    state = (await control.get("/state")).json()
    assert state["totals"]["chats"] == 1 and state["totals"]["sent"] == 1
    assert {"seller_id": "s9", "path": "/api/v1/seller/message", "count": 1} in state["calls"]
    assert (await control.post("/reset")).json() == {"reset": True}
    assert (await control.get("/state")).json()["totals"]["sellers"] == 0


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/sellers/nobody/buyer_message", {"text": "x"}, 404),
        ("/sellers/seller-1/buyer_message", {}, 400),
        ("/sellers/seller-1/buyer_message", {"text": "x", "chat_id": "1:none"}, 404),
        ("/sellers/seller-1/buyer_message", {"images": [{"base64": "!!"}]}, 400),
        ("/sellers/seller-1/buyer_message", {"files": [{"base64": b64(b"GIF89a")}]}, 400),
        ("/files/none/moderation", {"state": "approved"}, 404),
        ("/faults", {"kind": "explode"}, 400),
        ("/faults", {"kind": "slow"}, 400),
        ("/settings", {"auth_mode": "magic"}, 400),
        ("/faults/99/release", {}, 404),
    ],
)
async def test_control_errors(
    control: httpx.AsyncClient, path: str, body: dict[str, object], status: int
) -> None:
    response = await control.post(path, json=body)
    assert response.status_code == status and "error" in response.json()


async def test_429_and_500_faults(
    emu: WildberriesEmulator, api: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await control.post(
        "/faults", json={"kind": "429", "count": 1, "path": "/api/v1/seller/events"}
    )
    await control.post("/faults", json={"kind": "500", "count": 1, "seller_id": SELLER, "skip": 1})
    limited = await api.get("/api/v1/seller/events")
    assert limited.status_code == 429 and limited.headers["X-Ratelimit-Retry"] == "1"
    assert (await api.get("/api/v1/seller/chats")).status_code == 200  # skipped once
    failed = await api.get("/api/v1/seller/chats")
    assert failed.status_code == 500
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert (await api.get("/api/v1/seller/chats")).status_code == 200
    assert [f["hits"] for f in (await control.get("/faults")).json()["faults"]] == [1, 1]
    assert (await control.delete("/faults")).json() == {"cleared": 0}


async def test_drop_does_nothing_and_accept_then_drop_stores(
    emu: WildberriesEmulator, api: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    event = emu.state.buyer_writes(SELLER, text="Вопрос")
    sign = emu.state.chats[event.chat_id].reply_sign
    parts = [("replySign", (None, sign)), ("message", (None, "Ответ"))]
    await control.post(
        "/faults", json={"kind": "drop", "count": 1, "path": "/api/v1/seller/message"}
    )
    with pytest.raises(httpx.TransportError):
        await api.post("/api/v1/seller/message", files=parts)
    assert emu.state.sent == []
    await control.post("/faults", json={"kind": "accept_then_drop", "count": 1})
    with pytest.raises(httpx.TransportError):
        await api.post("/api/v1/seller/message", files=parts)
    (sent,) = emu.state.sent
    assert sent.text == "Ответ"
    assert emu.state.events[SELLER][-1].event_id == sent.event_id  # the echo exists


async def test_slow_fault_delays(
    emu: WildberriesEmulator, api: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await control.post("/faults", json={"kind": "slow", "seconds": 2.0, "count": 1})
    with pytest.raises(httpx.ReadTimeout):
        await api.get("/api/v1/seller/chats", timeout=0.2)
    assert emu.calls[(SELLER, "/api/v1/seller/chats")] == 1


async def test_hold_keeps_the_answer_until_released(
    emu: WildberriesEmulator, api: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    event = emu.state.buyer_writes(SELLER, text="Вопрос")
    sign = emu.state.chats[event.chat_id].reply_sign
    fault = emu.state.faults.add("hold", count=1, path="/api/v1/seller/message")
    task = asyncio.create_task(
        api.post(
            "/api/v1/seller/message",
            files=[("replySign", (None, sign)), ("message", (None, "Ответ"))],
        )
    )
    await fault.wait_held(seconds=10)
    assert [s.text for s in emu.state.sent] == ["Ответ"]  # stored while the answer is held
    assert not task.done()
    released = await control.post(f"/faults/{fault.id}/release")
    assert released.json()["released"] is True
    response = await asyncio.wait_for(task, timeout=10)
    assert response.status_code == 200
