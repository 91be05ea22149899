"""The Api-Key (and message text) never reach the logs, whatever happens."""

import logging

import httpx
import pytest

from connectors.errors import MarketplaceError

from .fakes import API_KEY, CHAT_ID, CLIENT_ID, MSG_ID, FakeOzon, make_api, ok, rpc_error

SECRET_TEXT = "my phone is +7 900 000-00-00"


async def test_api_key_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeOzon()
    fake.queue("/v3/chat/list", rpc_error(429, 8, "rate", {"Retry-After": "1"}))
    fake.default("/v3/chat/list", lambda r: ok({"chats": [], "has_next": False}))
    fake.queue("/v3/chat/history", httpx.ReadTimeout("slow"))
    fake.default("/v3/chat/history", lambda r: ok({"has_next": False, "messages": []}))
    fake.queue("/v1/chat/send/message", httpx.ReadTimeout("slow"), ok())
    fake.default("/v2/chat/read", lambda r: ok({"unread_count": 0}))
    fake.default("/v1/chat/start", lambda r: rpc_error(401, 16, f"bad key {API_KEY}"))
    fake.default("/v1/chat/send/file", lambda r: rpc_error(500, 13, "Internal error"))
    fake.default("/v2/chat/file/a.jpg", lambda r: httpx.Response(200, content=b"x"))
    client, api, _ = make_api(fake, max_attempts=2)
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpcore").level == logging.WARNING

    caplog.set_level(logging.DEBUG)
    errors: list[MarketplaceError] = []
    await api.list_chats()
    await api.history(CHAT_ID)
    await api.send_message(CHAT_ID, SECRET_TEXT)
    await api.mark_read(CHAT_ID, MSG_ID)
    await api.download_file("/v2/chat/file/a.jpg")
    for call in (
        api.start_chat("1-1"),
        api.send_file(CHAT_ID, name="a.pdf", content=b"%PDF"),
        api.download_file("https://evil.example.com/a.jpg"),
    ):
        with pytest.raises(MarketplaceError) as info:
            await call
        errors.append(info.value)

    assert len(caplog.records) >= 10  # we did log the calls, retries and failures...
    assert any(CLIENT_ID in r.getMessage() for r in caplog.records)  # ...with the Client-Id
    for record in caplog.records:
        text = record.getMessage()
        assert API_KEY not in text
        assert SECRET_TEXT not in text
        assert "Api-Key:" not in text
    assert API_KEY not in caplog.text
    for error in errors:  # exception messages end up in logs too
        assert API_KEY not in str(error)
    assert client.calls.total > 0
