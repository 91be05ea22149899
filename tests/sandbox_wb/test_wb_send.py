"""``POST /api/v1/seller/message``: multipart rules, replySign per chat, the echo event."""

from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from sandbox.wildberries import WildberriesEmulator

from .conftest import JPEG, OTHER, PDF, PNG, SELLER

MIB = 1024 * 1024


def form(
    sign: str | None, text: str | None = None, files: Sequence[tuple[str, bytes]] = ()
) -> list[tuple[str, Any]]:
    parts: list[tuple[str, Any]] = []
    if sign is not None:
        parts.append(("replySign", (None, sign)))
    if text is not None:
        parts.append(("message", (None, text)))
    parts += [("file", (name, content, "application/octet-stream")) for name, content in files]
    return parts


@pytest.fixture
def chat(emu: WildberriesEmulator) -> tuple[str, str]:
    event = emu.state.buyer_writes(SELLER, text="Вопрос")
    return event.chat_id, emu.state.chats[event.chat_id].reply_sign


async def test_send_stores_and_echoes(
    emu: WildberriesEmulator, api: httpx.AsyncClient, chat: tuple[str, str]
) -> None:
    chat_id, sign = chat
    cursor = (await api.get("/api/v1/seller/events")).json()["result"]["next"]
    response = await api.post(
        "/api/v1/seller/message", files=form(sign, "Ответ", [("фото.jpg", JPEG), ("Акт.pdf", PDF)])
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"] == [] and body["result"]["chatID"] == chat_id
    assert body["result"]["sign"] == sign
    assert body["result"]["addTime"] == emu.state.chats[chat_id].created_ms  # not a message key
    (sent,) = emu.state.sent_by(SELLER, chat_id)
    assert sent.text == "Ответ" and [f.name for f in sent.files] == ["фото.jpg", "Акт.pdf"]
    (echo,) = (await api.get("/api/v1/seller/events", params={"next": cursor})).json()["result"][
        "events"
    ]
    assert echo["sender"] == "seller" and echo["source"] == "seller-public-api"
    assert echo["message"]["text"] == "Ответ"
    assert len(echo["message"]["attachments"]["images"]) == 1
    assert [f["name"] for f in echo["message"]["attachments"]["files"]] == ["Акт.pdf"]


@pytest.mark.parametrize(
    ("parts", "detail"),
    [
        (
            lambda sign: [*form(None, "x"), ("file", ("a.png", PNG, "image/png"))],
            "Invalid signature",
        ),
        (lambda sign: form("1:nope:1:abc", "x"), "Invalid signature"),
        (lambda sign: form("x" * 256, "x"), "Invalid signature"),
        (lambda sign: form(sign, "я" * 1001), 'Invalid value for "message"'),
        (lambda sign: form(sign, "   "), 'Invalid value for "message"'),
        (
            lambda sign: form(sign, "x", [("clip.mp4", b"\x00\x00\x00\x18ftypmp42")]),
            "unsupported mime type",
        ),
        (
            lambda sign: form(sign, "x", [("big.pdf", b"%PDF-" + b"\x00" * (5 * MIB))]),
            "attachment too big. Max size: 5MiB",
        ),
        (
            lambda sign: form(
                sign, None, [(f"p{i}.png", PNG + b"\x00" * (5 * MIB - 300)) for i in range(7)]
            ),
            "30MiB",
        ),
        (
            lambda sign: [*form(sign, "x"), ("attachment", (None, "y"))],
            'unexpected form field "attachment"',
        ),
    ],
)
async def test_rules_refuse_with_400(
    emu: WildberriesEmulator,
    raw: httpx.AsyncClient,
    chat: tuple[str, str],
    parts: Any,
    detail: str,
) -> None:
    response = await raw.post("/api/v1/seller/message", files=parts(chat[1]))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert detail in response.json()["detail"]
    assert emu.state.sent == []


async def test_limits_themselves_are_accepted(
    emu: WildberriesEmulator, api: httpx.AsyncClient, chat: tuple[str, str]
) -> None:
    files = [(f"p{i}.pdf", b"%PDF-" + b"\x00" * (5 * MIB - 5)) for i in range(6)]
    response = await api.post("/api/v1/seller/message", files=form(chat[1], "я" * 1000, files))
    assert response.status_code == 200


async def test_another_sellers_sign_is_invalid(
    emu: WildberriesEmulator, api: httpx.AsyncClient
) -> None:
    foreign = emu.state.buyer_writes(OTHER, text="чужой")
    sign = emu.state.chats[foreign.chat_id].reply_sign
    response = await api.post("/api/v1/seller/message", files=form(sign, "x"))
    assert response.status_code == 400 and response.json()["detail"] == "Invalid signature"


async def test_urlencoded_body_is_refused(raw: httpx.AsyncClient, chat: tuple[str, str]) -> None:
    response = await raw.post(
        "/api/v1/seller/message", data={"replySign": chat[1], "message": "x"}
    )
    assert response.status_code == 400
