"""Never a duplicate message to a buyer: unknown send outcomes are checked in history."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.errors import (
    MarketplaceUnavailable,
    SendOutcomeUnknown,
    ServerError,
)

from .fakes import CHAT_ID, FakeOzon, make_api, message, ok, rpc_error

SEND = "/v1/chat/send/message"
SEND_FILE = "/v1/chat/send/file"
HISTORY = "/v3/chat/history"
TEXT = "Здравствуйте! Отправим сегодня."
PNG = b"\x89PNG\r\n\x1a\nimage-bytes"


class ChatStore:
    """A tiny chat: send handlers may store the message and then fail like a flaky network."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    def history(self, request: httpx.Request) -> httpx.Response:
        return ok({"has_next": False, "messages": list(reversed(self.messages))})

    def accept_then(self, exc: Exception, data: list[str], *, is_image: bool = False):
        def handler(request: httpx.Request) -> httpx.Response:
            self.messages.append(message(str(len(self.messages) + 1), data=data,
                                         is_image=is_image))  # fmt: skip
            raise exc

        return handler

    def accept_then_500(self, data: list[str]):
        def handler(request: httpx.Request) -> httpx.Response:
            self.messages.append(message(str(len(self.messages) + 1), data=data))
            return rpc_error(500, 13, "Internal error")

        return handler


@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout("read"), httpx.RemoteProtocolError("dropped after send")]
)
async def test_accepted_then_dropped_is_found_in_history(exc: Exception) -> None:
    fake, store = FakeOzon(), ChatStore()
    fake.queue(SEND, store.accept_then(exc, [TEXT]))
    fake.default(SEND, lambda r: ok())
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake)
    await api.send_message(CHAT_ID, TEXT)
    assert len(fake.calls(SEND)) == 1  # exactly one POST: no duplicate
    assert len(store.messages) == 1
    (body,) = fake.bodies(HISTORY)
    assert body["chat_id"] == CHAT_ID
    assert body["direction"] == "Backward"


async def test_5xx_after_storing_is_found_in_history() -> None:
    fake, store = FakeOzon(), ChatStore()
    fake.queue(SEND, store.accept_then_500([TEXT]))
    fake.default(SEND, lambda r: ok())
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake)
    await api.send_message(CHAT_ID, TEXT)
    assert len(fake.calls(SEND)) == 1
    assert len(fake.calls(HISTORY)) == 1


async def test_not_found_in_history_is_retried_once() -> None:
    fake, store = FakeOzon(), ChatStore()
    fake.queue(SEND, httpx.ReadTimeout("lost before processing"), ok())
    fake.default(HISTORY, store.history)
    _, api, sleep = make_api(fake)
    await api.send_message(CHAT_ID, TEXT)
    assert len(fake.calls(SEND)) == 2
    assert len(fake.calls(HISTORY)) == 1
    assert len(sleep.delays) == 1  # waited once, before looking in history


async def test_old_identical_message_does_not_count() -> None:
    fake, store = FakeOzon(), ChatStore()
    store.messages.append(
        message("1", data=[TEXT], created_at=datetime.now(UTC) - timedelta(hours=1))
    )
    store.messages.append(message("2", author="Customer", data=[TEXT]))  # buyer, not us
    fake.queue(SEND, httpx.ReadTimeout("lost"), ok())
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake)
    await api.send_message(CHAT_ID, TEXT)
    assert len(fake.calls(SEND)) == 2


async def test_history_failing_raises_send_outcome_unknown() -> None:
    fake = FakeOzon()
    fake.queue(SEND, httpx.ReadTimeout("read"))
    fake.default(SEND, lambda r: ok())
    fake.default(HISTORY, lambda r: rpc_error(500, 13, "Internal error"))
    _, api, _ = make_api(fake)
    with pytest.raises(SendOutcomeUnknown) as info:
        await api.send_message(CHAT_ID, TEXT)
    assert isinstance(info.value.__cause__, ServerError)
    assert len(fake.calls(SEND)) == 1  # never resent blindly
    assert len(fake.calls(HISTORY)) == 2  # verification is itself bounded


async def test_connect_error_is_a_plain_retry() -> None:
    fake = FakeOzon()
    fake.queue(SEND, httpx.ConnectError("refused"), ok())
    _, api, _ = make_api(fake)
    await api.send_message(CHAT_ID, TEXT)
    assert len(fake.calls(SEND)) == 2
    assert fake.calls(HISTORY) == []


async def test_429_on_send_is_a_plain_retry() -> None:
    fake = FakeOzon()
    fake.queue(SEND, rpc_error(429, 8, "You have reached request rate limit per second"), ok())
    _, api, _ = make_api(fake)
    await api.send_message(CHAT_ID, TEXT)
    assert len(fake.calls(SEND)) == 2
    assert fake.calls(HISTORY) == []


async def test_last_attempt_unknown_and_not_found_raises_original_error() -> None:
    fake, store = FakeOzon(), ChatStore()
    fake.default(SEND, httpx.ReadTimeout("read"))
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake, max_attempts=2)
    with pytest.raises(MarketplaceUnavailable) as info:
        await api.send_message(CHAT_ID, TEXT)
    assert info.value.may_have_arrived is True
    assert len(fake.calls(SEND)) == 2
    assert len(fake.calls(HISTORY)) == 2  # checked after every uncertain attempt


async def test_file_found_by_name() -> None:
    fake, store = FakeOzon(), ChatStore()
    url = "https://api-seller.ozon.ru/v2/chat/file/x/report.pdf"
    fake.queue(
        SEND_FILE, store.accept_then(httpx.ReadTimeout("r"), [f"[report.pdf (12KB)]({url})"])
    )
    fake.default(SEND_FILE, lambda r: ok())
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake)
    await api.send_file(CHAT_ID, name="report.pdf", content=b"%PDF-1.4 ...")
    assert len(fake.calls(SEND_FILE)) == 1


async def test_single_recent_image_counts_as_ours() -> None:
    fake, store = FakeOzon(), ChatStore()
    img = "![](https://api-seller.ozon.ru/v2/chat/file/messenger/abc.jpg)"
    fake.queue(SEND_FILE, store.accept_then(httpx.ReadTimeout("r"), [img], is_image=True))
    fake.default(SEND_FILE, lambda r: ok())
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake)
    await api.send_file(CHAT_ID, name="photo.png", content=PNG)
    assert len(fake.calls(SEND_FILE)) == 1


async def test_several_recent_images_are_ambiguous() -> None:
    fake, store = FakeOzon(), ChatStore()
    img = "![](https://api-seller.ozon.ru/v2/chat/file/messenger/abc.jpg)"
    store.messages.append(message("0", data=[img], is_image=True))
    fake.queue(SEND_FILE, store.accept_then(httpx.ReadTimeout("r"), [img], is_image=True))
    fake.default(SEND_FILE, lambda r: ok())
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake)
    with pytest.raises(SendOutcomeUnknown, match="several"):
        await api.send_file(CHAT_ID, name="photo.png", content=PNG)
    assert len(fake.calls(SEND_FILE)) == 1


async def test_file_not_found_is_retried() -> None:
    fake, store = FakeOzon(), ChatStore()
    fake.queue(SEND_FILE, httpx.ReadTimeout("lost"), ok())
    fake.default(HISTORY, store.history)
    _, api, _ = make_api(fake)
    await api.send_file(CHAT_ID, name="report.pdf", content=b"%PDF-1.4")
    assert len(fake.calls(SEND_FILE)) == 2
