"""Request shapes (checked against WB's OpenAPI by the fake) and response parsing."""

import logging
from datetime import UTC, datetime

import httpx
import pytest

from connectors.errors import (
    AttachmentNotReady,
    AttachmentRefused,
    BadRequest,
    MarketplaceError,
)
from connectors.wildberries.models import Sender
from connectors.wildberries.rules import OutgoingFile

from .wb_fakes import CHAT_ID, JPEG, PDF, PNG, REPLY_SIGN, TOKEN, FakeWb, make_api, ok, problem
from .wb_spec import SpecViolation, check_request

CHATS_RESULT = [
    {
        "chatID": CHAT_ID,
        "replySign": REPLY_SIGN,
        "clientName": "Иван",
        "goodCard": {"nmID": 12345678, "price": 500, "priceCurrency": "RUB", "rid": "2fb5"},
        "lastMessage": {"text": "Можно заказать 100 штук?", "addTimestamp": 1766138234889},
    },
    {"chatID": "1:other", "clientName": None, "goodCard": None},
]

EVENTS_RESULT = {
    "next": 1698045576000,
    "newestEventTime": "2023-10-23T07:19:36Z",
    "oldestEventTime": "2023-10-23T05:02:20Z",
    "totalEvents": 3,
    "events": [
        {
            "chatID": CHAT_ID,
            "eventID": "55adee45",
            "eventType": "message",
            "isNewChat": True,
            "message": {
                "text": "Здравствуйте!",
                "attachments": {
                    "goodCard": {"nmID": 12345678},
                    "files": [
                        {
                            "contentType": "application/pdf",
                            "downloadID": "ecaeb056",
                            "name": "Чек.pdf",
                            "size": 1046143,
                        }
                    ],
                    "images": [{"downloadID": "fd6be4e3", "url": "https://x/y.jpg"}],
                },
            },
            "source": "rusite",
            "addTimestamp": 1698037340000,
            "replySign": REPLY_SIGN,
            "sender": "client",
            "clientName": "Алёна",
        },
        {
            "chatID": CHAT_ID,
            "eventID": "fd22e5bf",
            "eventType": "message",
            "message": {"text": "Да, сейчас оформим возврат."},
            "source": "seller-public-api",
            "addTime": "2023-10-23T05:15:24Z",
            "sender": "seller",
        },
        {"chatID": CHAT_ID, "eventID": "cef95d3c", "sender": "robot", "addTimestamp": 1},
    ],
}


async def test_chats_request_and_parsing() -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/chats", ok(CHATS_RESULT))
    _, api, _ = make_api(fake)
    chats = await api.chats()
    (request,) = fake.calls("/api/v1/seller/chats")
    assert request.method == "GET"
    assert str(request.url) == "https://buyer-chat-api.wildberries.ru/api/v1/seller/chats"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert [c.chat_id for c in chats] == [CHAT_ID, "1:other"]
    first = chats[0]
    assert first.reply_sign == REPLY_SIGN
    assert first.client_name == "Иван"
    assert first.good_card is not None and first.good_card.nm_id == 12345678
    assert first.last_message is not None and first.last_message.add_timestamp == 1766138234889
    assert chats[1].reply_sign is None and chats[1].client_name == ""


async def test_bare_token_header_when_configured() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/chats", ok([]))
    client, _, _ = make_api(fake, auth_scheme="bare")
    await client.for_seller(TOKEN).chats()
    assert fake.requests[0].headers["Authorization"] == TOKEN


async def test_events_first_page_has_no_next_then_follows_cursor() -> None:
    fake = FakeWb()
    fake.queue(
        "/api/v1/seller/events",
        ok(EVENTS_RESULT),
        ok({"next": 1698045577000, "totalEvents": 0, "events": []}),
    )
    _, api, _ = make_api(fake)
    page = await api.events()
    assert not page.exhausted
    assert page.next == 1698045576000 and page.total_events == 3
    new, echo, bare = page.events
    assert new.is_new_chat and new.reply_sign == REPLY_SIGN and new.sender is Sender.CLIENT
    assert new.created_at == datetime(2023, 10, 23, 5, 2, 20, tzinfo=UTC)
    assert new.attachments.good_card is not None
    assert [f.name for f in new.attachments.files] == ["Чек.pdf"]
    assert [i.download_id for i in new.attachments.images] == ["fd6be4e3"]
    assert echo.sender is Sender.SELLER and echo.source == "seller-public-api"
    assert echo.reply_sign is None
    assert echo.created_at == datetime(2023, 10, 23, 5, 15, 24, tzinfo=UTC)
    assert bare.message is None and bare.text == "" and bare.sender is Sender.UNKNOWN
    last = await api.events(page.next)
    assert last.exhausted
    first_req, second_req = fake.calls("/api/v1/seller/events")
    assert "next" not in first_req.url.params
    assert second_req.url.params["next"] == "1698045576000"


@pytest.mark.parametrize("bad", [0, -5])
async def test_events_refuses_a_cursor_wb_would_reject(bad: int) -> None:
    fake = FakeWb()
    _, api, _ = make_api(fake)
    with pytest.raises(ValueError, match="next"):
        await api.events(bad)
    assert fake.requests == []


async def test_send_is_multipart_with_sign_text_and_typed_files() -> None:
    fake = FakeWb()
    fake.queue(
        "/api/v1/seller/message",
        ok({"addTime": 1712848270018, "chatID": CHAT_ID, "sign": "s"}, errors=[]),
    )
    _, api, _ = make_api(fake)
    files = [
        OutgoingFile("photo.jpg", JPEG),
        OutgoingFile("scan.png", PNG),
        OutgoingFile("Акт.pdf", PDF),
    ]
    result = await api.send(REPLY_SIGN, "Здравствуйте, отправили.", files)
    assert result.chat_id == CHAT_ID and result.errors == ()
    (request,) = fake.calls("/api/v1/seller/message")
    assert request.method == "POST"
    body = request.read()
    assert body.count(b'name="file"') == 3
    assert b'name="replySign"\r\n\r\n' + REPLY_SIGN.encode() in body
    assert "Здравствуйте, отправили.".encode() in body
    for kind in (b"image/jpeg", b"image/png", b"application/pdf"):
        assert b"Content-Type: " + kind in body


async def test_send_text_only_is_still_multipart() -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/message", ok({"addTime": 1, "chatID": CHAT_ID}))
    _, api, _ = make_api(fake)
    await api.send(REPLY_SIGN, "Ответ")
    (request,) = fake.requests
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'name="file"' not in request.read()


async def test_send_reports_per_file_errors() -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/message", ok({"chatID": CHAT_ID}, errors=["scan.png: failed"]))
    _, api, _ = make_api(fake)
    result = await api.send(REPLY_SIGN, "Текст", [OutgoingFile("scan.png", PNG)])
    assert result.errors == ("scan.png: failed",)


async def test_send_without_reply_sign_never_calls() -> None:
    fake = FakeWb()
    _, api, _ = make_api(fake)
    with pytest.raises(BadRequest, match="replySign"):
        await api.send("  ", "Текст")
    with pytest.raises(BadRequest, match="replySign"):
        await api.send("x" * 256, "Текст")
    assert fake.requests == []


async def test_download_200_202_451() -> None:
    fake = FakeWb()
    fake.queue(
        "/api/v1/seller/download",
        httpx.Response(
            200,
            content=JPEG,
            headers={
                "content-type": "image/jpeg",
                "content-disposition": 'inline; filename="a.jpg"',
            },
        ),
        httpx.Response(202, json={"moderationState": "pending", "retrySeconds": 30}),
        problem(451, "moderation error"),
    )
    _, api, sleep = make_api(fake)
    got = await api.download("fd6be4e3/../x")
    assert got.content == JPEG and got.content_type == "image/jpeg" and got.name == "a.jpg"
    assert fake.requests[0].url.raw_path == b"/api/v1/seller/download/fd6be4e3%2F..%2Fx"
    with pytest.raises(AttachmentNotReady) as pending:
        await api.download("fd6be4e3")
    assert pending.value.retry_after == 30
    with pytest.raises(AttachmentRefused):
        await api.download("fd6be4e3")
    assert len(fake.requests) == 3 and sleep.delays == []  # neither outcome is retried


async def test_malformed_answers_are_marketplace_errors() -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/chats", httpx.Response(200, content=b"<html>"))
    fake.queue("/api/v1/seller/events", ok({"events": ["not an event"]}))
    _, api, _ = make_api(fake)
    with pytest.raises(MarketplaceError, match="malformed"):
        await api.chats()
    with pytest.raises(MarketplaceError, match="malformed"):
        await api.events()


async def test_token_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeWb()
    fake.queue(
        "/api/v1/seller/chats",
        problem(401, f"token problem; bad token {TOKEN}"),
        problem(401, "unauthorized"),
    )
    _, api, _ = make_api(fake)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MarketplaceError) as failure:
        await api.check()
    assert TOKEN not in caplog.text
    assert TOKEN not in str(failure.value)
    assert TOKEN not in repr(api.__dict__)


def test_validator_catches_what_wb_would_refuse() -> None:
    headers = {"Authorization": "Bearer t"}
    check_request(httpx.Request("GET", "https://wb/api/v1/seller/events?next=5", headers=headers))
    bad = [
        httpx.Request("GET", "https://wb/api/v1/seller/events?next=abc", headers=headers),
        httpx.Request("GET", "https://wb/api/v1/seller/events?from=1", headers=headers),
        httpx.Request("GET", "https://wb/api/v1/seller/chats"),
        httpx.Request("POST", "https://wb/api/v1/seller/chats", headers=headers),
        httpx.Request(
            "POST",
            "https://wb/api/v1/seller/message",
            headers=headers,
            files=[("message", (None, "x"))],
        ),
        httpx.Request(
            "POST",
            "https://wb/api/v1/seller/message",
            headers=headers,
            files=[("replySign", (None, "s")), ("replySign", (None, "s"))],
        ),
        httpx.Request(
            "POST",
            "https://wb/api/v1/seller/message",
            headers=headers,
            files=[("replySign", (None, "s")), ("message", (None, "x" * 1001))],
        ),
        httpx.Request(
            "POST",
            "https://wb/api/v1/seller/message",
            headers=headers,
            files=[("replySign", (None, "s")), ("file", (None, b"x"))],
        ),
        httpx.Request(
            "POST", "https://wb/api/v1/seller/message", headers=headers, data={"replySign": "s"}
        ),
    ]
    for request in bad:
        with pytest.raises(SpecViolation):
            check_request(request)


async def test_an_event_without_ids_does_not_fail_its_page() -> None:
    fake = FakeWb()
    events = [{"eventID": "e", "message": {"text": "x"}}, {"chatID": CHAT_ID, "eventID": "f"}]
    body = {"totalEvents": 2, "next": 9, "events": events}
    fake.queue("/api/v1/seller/events", ok(body))
    fake.queue("/api/v1/seller/chats", ok([{"chatID": CHAT_ID, "goodCard": {"price": "n/a"}}]))
    _, api, _ = make_api(fake)
    page = await api.events()
    assert [e.readable for e in page.events] == [False, True]
    (chat,) = await api.chats()
    assert chat.good_card is not None and chat.good_card.price is None
