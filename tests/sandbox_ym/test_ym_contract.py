"""The Yandex Market emulator against the official spec: shapes, errors, paging, scopes.

Every answer of these tests is checked against ``ym-chat.json`` by the client's hook, and the
emulator checks every request; so each test is also a proof that both sides speak the spec.
"""

from __future__ import annotations

import base64

import httpx

from sandbox.yandex_market import Upload, YandexMarketEmulator
from tests.sandbox_ym.conftest import BUSINESS, CAMPAIGN, OTHER, api_client, chats_path

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


async def test_every_chat_path_answers_in_the_specs_shapes(
    emu: YandexMarketEmulator, api: httpx.AsyncClient
) -> None:
    order = emu.state.buyer_writes(
        BUSINESS,
        text="Когда отправите?",
        context_type="ORDER",
        customer_name="Анна К.",
        files=[Upload("photo.jpg", JPEG, "image/jpeg")],
    )
    ret = emu.state.buyer_writes(BUSINESS, text="Возврат", context_type="RETURN")
    direct = emu.state.buyer_writes(BUSINESS, text="Есть синий?", context_type="DIRECT")

    listed = (await api.post(chats_path(), params={"limit": 20}, json={})).json()["result"]
    by_id = {c["chatId"]: c for c in listed["chats"]}
    assert list(by_id) == [direct.chat_id, ret.chat_id, order.chat_id]  # newest first
    assert by_id[order.chat_id]["context"] == {
        "type": "ORDER",
        "customer": {
            "name": "Анна К.",
            "publicId": by_id[order.chat_id]["context"]["customer"]["publicId"],
        },
        "campaignId": CAMPAIGN,
        "orderId": by_id[order.chat_id]["context"]["orderId"],
    }
    assert "returnId" in by_id[ret.chat_id]["context"]
    assert set(by_id[direct.chat_id]["context"]) == {"type", "customer"}  # no order, no store
    assert "nextPageToken" not in listed["paging"]

    one = (await api.get(chats_path("/chat"), params={"chatId": order.chat_id})).json()
    assert one["result"]["status"] == "NEW"
    history = await api.post(
        chats_path("/chats/history"), params={"chatId": order.chat_id, "limit": 100}, json={}
    )
    [item] = history.json()["result"]["messages"]
    assert item["sender"] == "CUSTOMER" and item["payload"][0]["name"] == "photo.jpg"
    single = await api.get(
        chats_path("/chats/message"),
        params={"chatId": order.chat_id, "messageId": order.message_id},
    )
    assert single.json()["result"] == item

    sent = await api.post(
        chats_path("/chats/message"), params={"chatId": order.chat_id}, json={"message": "Сегодня"}
    )
    assert sent.json() == {"status": "OK"}
    file = await api.post(
        chats_path("/chats/file/send"),
        params={"chatId": order.chat_id},
        files={"file": ("check.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert file.json() == {"status": "OK"}
    assert [m.text for m in emu.state.sent_by_partner(BUSINESS, order.chat_id)] == [
        "Сегодня",
        None,
    ]

    created = await api.post(
        chats_path("/chats/new"),
        json={"context": {"type": "ORDER", "id": emu.state.chats[order.chat_id].order_id}},
    )
    assert created.json()["result"] == {"chatId": order.chat_id}  # idempotent by context
    refused = await api.post(
        chats_path("/chats/new"), json={"context": {"type": "DIRECT", "id": 1}}
    )
    assert refused.status_code == 400

    token = (await api.post("/v2/auth/token")).json()["result"]["apiKey"]
    assert token["authScopes"] == ["COMMUNICATION"]
    campaigns = (await api.get("/v2/campaigns")).json()["campaigns"]
    assert [(c["id"], c["business"]["id"]) for c in campaigns] == [(CAMPAIGN, BUSINESS)]

    download = await api.get(item["payload"][0]["url"])
    assert download.content == JPEG


async def test_keys_scopes_and_cabinets_are_enforced(emu: YandexMarketEmulator, key: str) -> None:
    body = {"statuses": ["NEW"]}
    async with api_client(emu.base_url, None) as anonymous:
        missing = await anonymous.post(chats_path(), json=body)
        bearer = await anonymous.post(
            chats_path(), json=body, headers={"Api-Key": f"Bearer {key}"}
        )
        unknown = await anonymous.post(chats_path(), json=body, headers={"Api-Key": "ACMA:x:y"})
    assert [r.status_code for r in (missing, bearer, unknown)] == [401, 401, 401]
    assert missing.json()["errors"][0]["message"] == "Credentials are not specified"
    assert bearer.json()["errors"][0]["message"] == "Api-Key token prefix invalid"

    read_only = emu.state.issue_key([BUSINESS], scopes=["ALL_METHODS_READ_ONLY"]).token
    pricing = emu.state.issue_key([BUSINESS], scopes=["PRICING"]).token
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    async with api_client(emu.base_url, read_only) as reader:
        assert (await reader.post(chats_path(), json=body)).status_code == 200
        denied = await reader.post(
            chats_path("/chats/message"), params={"chatId": chat.chat_id}, json={"message": "x"}
        )
        assert denied.status_code == 403 and "scopes" in denied.json()["errors"][0]["message"]
    async with api_client(emu.base_url, pricing) as other:
        assert (await other.post(chats_path(), json=body)).status_code == 403
    async with api_client(emu.base_url, key) as mine:
        foreign = await mine.post(chats_path(business=OTHER), json=body)
        assert foreign.status_code == 403
    assert emu.state.sent_by_partner(BUSINESS) == []


async def test_requests_breaking_the_spec_are_refused(
    emu: YandexMarketEmulator, api: httpx.AsyncClient
) -> None:
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    too_many = await api.post(chats_path(), params={"limit": 21}, json={})
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0] == {"code": "LIMIT_EXCEEDED", "message": "Limit exceeded"}
    history_limit = await api.post(
        chats_path("/chats/history"), params={"chatId": chat.chat_id, "limit": 101}, json={}
    )
    assert history_limit.status_code == 400
    no_body = await api.post(chats_path("/chats/history"), params={"chatId": chat.chat_id})
    assert no_body.status_code == 400
    no_chat = await api.post(chats_path("/chats/history"), json={})
    assert no_chat.status_code == 400
    bad_enum = await api.post(chats_path(), json={"statuses": ["OPEN"]})
    assert bad_enum.status_code == 400
    duplicated = await api.post(chats_path(), json={"statuses": ["NEW", "NEW"]})
    assert duplicated.status_code == 400
    long_text = await api.post(
        chats_path("/chats/message"), params={"chatId": chat.chat_id}, json={"message": "я" * 4097}
    )
    assert long_text.status_code == 400
    big = await api.post(
        chats_path("/chats/file/send"),
        params={"chatId": chat.chat_id},
        files={"file": ("big.bin", b"\x00" * 5_000_001)},
    )
    assert big.status_code == 400
    unknown = await api.get("/v2/businesses/5123456/feedbacks")
    assert unknown.status_code == 404 and unknown.json()["status"] == "ERROR"
    assert emu.state.sent_by_partner(BUSINESS) == []


async def test_chats_and_history_page_with_opaque_tokens(
    emu: YandexMarketEmulator, api: httpx.AsyncClient
) -> None:
    for n in range(25):
        emu.state.buyer_writes(BUSINESS, text=f"чат {n}")
    first = (await api.post(chats_path(), params={"limit": 20}, json={})).json()["result"]
    token = first["paging"]["nextPageToken"]
    base64.b64decode(token)  # opaque, but base64 like Yandex's
    second = await api.post(chats_path(), params={"limit": 20, "page_token": token}, json={})
    rest = second.json()["result"]
    assert len(first["chats"]) == 20 and len(rest["chats"]) == 5
    assert "nextPageToken" not in rest["paging"]
    ids = [c["chatId"] for c in first["chats"] + rest["chats"]]
    assert len(set(ids)) == 25

    chat = emu.state.buyer_writes(BUSINESS, text="0")
    for n in range(1, 130):
        emu.state.buyer_writes(BUSINESS, text=str(n), chat_id=chat.chat_id)
    page = await api.post(
        chats_path("/chats/history"), params={"chatId": chat.chat_id, "limit": 100}, json={}
    )
    result = page.json()["result"]
    more = await api.post(
        chats_path("/chats/history"),
        params={
            "chatId": chat.chat_id,
            "limit": 100,
            "pageToken": result["paging"]["nextPageToken"],
        },
        json={},
    )
    texts = [m["message"] for m in result["messages"] + more.json()["result"]["messages"]]
    assert texts == [str(n) for n in range(130)]  # oldest first, nothing twice
    start = result["messages"][10]["messageId"]
    after = await api.post(
        chats_path("/chats/history"),
        params={"chatId": chat.chat_id},
        json={"messageIdFrom": start},
    )
    assert after.json()["result"]["messages"][0]["messageId"] == start  # inclusive (the choice)


async def test_arbitration_and_finished_chats(
    emu: YandexMarketEmulator, api: httpx.AsyncClient
) -> None:
    chat = emu.state.buyer_writes(BUSINESS, text="Товар сломан", context_type="ORDER")
    emu.state.start_arbitrage(BUSINESS, chat.chat_id)
    listed = await api.post(chats_path(), json={"types": ["ARBITRAGE"]})
    [item] = listed.json()["result"]["chats"]
    assert (item["type"], item["status"]) == ("ARBITRAGE", "WAITING_FOR_ARBITER")
    emu.state.finish_arbitrage(BUSINESS, chat.chat_id)
    history = await api.post(
        chats_path("/chats/history"), params={"chatId": chat.chat_id}, json={}
    )
    senders = [m["sender"] for m in history.json()["result"]["messages"]]
    assert senders == ["CUSTOMER", "MARKET", "MARKET"]
    closed = await api.post(
        chats_path("/chats/message"), params={"chatId": chat.chat_id}, json={"message": "Ок"}
    )
    assert closed.status_code == 400 and closed.json()["errors"][0]["code"] == "CHAT_FINISHED"
