"""The control API over HTTP: every route, driving a full scenario a demo would run."""

from __future__ import annotations

import base64

import httpx

from sandbox.ozon import OzonEmulator

from .conftest import CLIENT_ID

C = "/__control"


async def test_control_scenario(emu: OzonEmulator, anon: httpx.AsyncClient) -> None:
    created = await anon.post(
        C + "/sellers", json={"client_id": "222222", "api_key": "k2", "name": "Shop 2"}
    )
    assert created.status_code == 201
    assert created.json()["system_chat_id"] and created.json()["premium"] is True
    seller = {"Client-Id": "222222", "Api-Key": "k2"}

    image = b"\xff\xd8\xff\xe0jpeg"
    wrote = await anon.post(
        C + "/sellers/222222/buyer_message",
        json={
            "text": "Где мой заказ?",
            "image_base64": base64.b64encode(image).decode(),
            "order_number": "47873153-0052",
            "sku": "987654321",
        },
    )
    assert wrote.status_code == 201
    chat_id, message_id = wrote.json()["chat_id"], wrote.json()["message_id"]
    follow_up = await anon.post(
        C + "/sellers/222222/buyer_message", json={"chat_id": chat_id, "text": "Алло?"}
    )
    assert follow_up.json()["chat_id"] == chat_id
    assert int(follow_up.json()["message_id"]) > int(message_id)

    history = await anon.post("/v3/chat/history", json={"chat_id": chat_id}, headers=seller)
    messages = history.json()["messages"]
    assert messages[0]["data"] == ["Алло?"]
    assert messages[1]["is_image"] is True
    assert messages[2]["context"] == {"order_number": "47873153-0052", "sku": "987654321"}
    image_url = messages[1]["data"][0][4:-1]
    assert (await anon.get(image_url, headers=seller)).content == image

    reply = await anon.post(
        C + "/sellers/222222/cabinet_reply", json={"chat_id": chat_id, "text": "Из кабинета"}
    )
    assert reply.status_code == 201 and reply.json()["message_id"].isdigit()

    sent = await anon.post(
        "/v1/chat/send/message", json={"chat_id": chat_id, "text": "Через API"}, headers=seller
    )
    assert sent.status_code == 200
    listed = (await anon.get(C + "/sellers/222222/sent", params={"chat_id": chat_id})).json()
    assert [(s["kind"], s["text"]) for s in listed["sent"]] == [("text", "Через API")]

    closed = await anon.post(C + "/sellers/222222/close_chat", json={"chat_id": chat_id})
    assert closed.json() == {"chat_id": chat_id, "chat_status": "CLOSED"}
    refused = await anon.post(
        "/v1/chat/send/message", json={"chat_id": chat_id, "text": "ещё"}, headers=seller
    )
    assert refused.status_code == 400 and refused.json()["message"] == "chat is closed"

    posting = await anon.post(
        C + "/sellers/222222/postings", json={"posting_number": "123-0001-1"}
    )
    assert posting.status_code == 201
    started = await anon.post(
        "/v1/chat/start", json={"posting_number": "123-0001-1"}, headers=seller
    )
    assert started.status_code == 200

    seeded = await anon.post(C + "/sellers/222222/seed", json={"count": 30, "age_seconds": 600})
    assert seeded.status_code == 201 and seeded.json()["created"] == 30
    assert len(set(seeded.json()["chat_ids"])) == 30

    state = (await anon.get(C + "/state")).json()
    shop = next(s for s in state["sellers"] if s["client_id"] == "222222")
    assert shop["chats"] == 1 + 1 + 1 + 30  # system, buyer chat, started chat, seeded
    assert shop["sent"] == 1
    assert state["totals"]["sellers"] == 2
    assert state["calls"] == sum(emu.calls.values()) == 5
    assert not any(path.startswith(C) for _, path in emu.calls)


async def test_control_premium_key_clock_and_settings(
    emu: OzonEmulator, anon: httpx.AsyncClient
) -> None:
    await anon.post(C + "/sellers", json={"client_id": 333333, "api_key": "k3"})
    old = {"Client-Id": "333333", "Api-Key": "k3"}
    premium = await anon.post(C + "/sellers/333333/premium", json={"premium": False})
    assert premium.json() == {"client_id": "333333", "premium": False}
    assert (await anon.post("/v3/chat/list", json={"limit": 1}, headers=old)).status_code == 403
    await anon.post(C + "/sellers/333333/premium", json={"premium": True})
    rotated = await anon.post(C + "/sellers/333333/api_key", json={"api_key": "k3-new"})
    assert rotated.status_code == 200
    assert (await anon.post("/v3/chat/list", json={"limit": 1}, headers=old)).status_code == 404

    before = emu.state.now()
    advanced = await anon.post(C + "/clock/advance", json={"seconds": 7200})
    assert advanced.status_code == 200 and advanced.json()["now"].endswith("Z")
    assert (emu.state.now() - before).total_seconds() >= 7200

    settings = await anon.post(C + "/settings", json={"history_inclusive": True})
    assert settings.json()["history_inclusive"] is True and emu.state.history_inclusive


async def test_control_faults_and_reset(emu: OzonEmulator, anon: httpx.AsyncClient) -> None:
    await anon.post(C + "/sellers", json={"client_id": "444444", "api_key": "k4"})
    seller = {"Client-Id": "444444", "Api-Key": "k4"}
    fault = await anon.post(
        C + "/faults", json={"kind": "500", "count": 1, "path": "/v3/chat/list"}
    )
    assert fault.status_code == 201 and fault.json()["kind"] == "500"
    assert (await anon.get(C + "/faults")).json()["faults"][0]["remaining"] == 1
    assert (await anon.post("/v3/chat/list", json={"limit": 1}, headers=seller)).status_code == 500
    assert (await anon.post("/v3/chat/list", json={"limit": 1}, headers=seller)).status_code == 200

    await anon.post(C + "/faults", json={"kind": "429"})
    cleared = await anon.delete(C + "/faults")
    assert cleared.json() == {"cleared": 1}
    assert (await anon.post("/v3/chat/list", json={"limit": 1}, headers=seller)).status_code == 200

    reset = await anon.post(C + "/reset")
    assert reset.json() == {"reset": True}
    state = (await anon.get(C + "/state")).json()
    assert state["sellers"] == [] and state["calls"] == 0 and emu.calls == {}
    assert (await anon.post("/v3/chat/list", json={"limit": 1}, headers=seller)).status_code == 404


async def test_control_errors(anon: httpx.AsyncClient) -> None:
    unknown = await anon.post(C + "/sellers/999/buyer_message", json={"text": "x"})
    assert unknown.status_code == 404 and "999" in unknown.json()["error"]
    missing = await anon.post(C + "/sellers", json={"client_id": "5"})
    assert missing.status_code == 400 and missing.json() == {"error": "api_key is required"}
    bad_kind = await anon.post(C + "/faults", json={"kind": "teapot"})
    assert bad_kind.status_code == 400 and "unknown fault kind" in bad_kind.json()["error"]
    empty = await anon.post(C + "/sellers/111111/buyer_message", json={})
    assert empty.status_code == 400
    bad_chat = await anon.post(C + "/sellers/111111/close_chat", json={"chat_id": "no-such-chat"})
    assert bad_chat.status_code == 404 and bad_chat.json() == {"error": "chat not found"}
    not_json = await anon.post(C + "/clock/advance", content=b"nope")
    assert not_json.status_code == 400


async def test_follow_ups_touch_random_chats_of_every_seller(
    emu: OzonEmulator, anon: httpx.AsyncClient
) -> None:
    emu.state.add_seller("222222", "other-key")
    emu.state.seed_chats(CLIENT_ID, 20)
    emu.state.seed_chats("222222", 20)
    before = emu.state.stats()["messages"]
    response = await anon.post("/__control/follow_ups", json={"per_seller": 5, "seed": 7})
    assert response.status_code == 201
    assert response.json() == {"messages": 10}
    assert emu.state.stats()["messages"] == before + 10
    again = emu.state.buyers_follow_up(CLIENT_ID, 5, seed=7)
    assert again == emu.state.buyers_follow_up(CLIENT_ID, 5, seed=7)  # deterministic
    assert emu.state.seller(CLIENT_ID).system_chat_id not in again
