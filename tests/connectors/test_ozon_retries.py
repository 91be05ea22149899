"""Bounded retries through the stateful fake: what retries, how long it waits, when it stops."""

import httpx
import pytest

from connectors.errors import (
    AuthFailed,
    BadRequest,
    MarketplaceUnavailable,
    PremiumRequired,
    RateLimited,
    ServerError,
)
from connectors.ratelimit import RateLimiter

from .fakes import FakeOzon, RecordingSleep, make_api, ok, rpc_error

LIST = "/v3/chat/list"
EMPTY = {"chats": [], "has_next": False}
RATE = "You have reached request rate limit per second"


async def test_429_then_success_honours_retry_after() -> None:
    fake = FakeOzon()
    fake.queue(LIST, rpc_error(429, 8, RATE, {"Retry-After": "3"}), ok(EMPTY))
    _, api, sleep = make_api(fake)
    page = await api.list_chats()
    assert page.chats == []
    assert len(fake.calls(LIST)) == 2
    assert sleep.delays == [3.0]


async def test_429_without_header_uses_jittered_backoff() -> None:
    fake = FakeOzon()
    fake.queue(LIST, rpc_error(429, 8, RATE), ok(EMPTY))
    _, api, sleep = make_api(fake)  # random() == 0.5, base 0.5 s
    await api.list_chats()
    assert sleep.delays == [0.25]


async def test_500_twice_then_success_backs_off_exponentially() -> None:
    fake = FakeOzon()
    fake.queue(LIST, rpc_error(500, 13, "Internal error"), httpx.Response(502), ok(EMPTY))
    _, api, sleep = make_api(fake)
    await api.list_chats()
    assert len(fake.calls(LIST)) == 3
    assert sleep.delays == [0.25, 0.5]


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
    ],
)
async def test_transport_error_then_success(exc: Exception) -> None:
    fake = FakeOzon()
    fake.queue(LIST, exc, ok(EMPTY))
    _, api, sleep = make_api(fake)
    await api.list_chats()
    assert len(fake.calls(LIST)) == 2
    assert len(sleep.delays) == 1


async def test_gives_up_after_max_attempts_with_server_error() -> None:
    fake = FakeOzon()
    fake.default(LIST, lambda r: rpc_error(500, 13, "Internal error"))
    _, api, sleep = make_api(fake, max_attempts=3)
    with pytest.raises(ServerError) as info:
        await api.list_chats()
    assert info.value.status == 500
    assert len(fake.calls(LIST)) == 3
    assert len(sleep.delays) == 2  # no pointless sleep after the last attempt


async def test_gives_up_with_rate_limited_keeping_retry_after() -> None:
    fake = FakeOzon()
    fake.default(LIST, lambda r: rpc_error(429, 8, RATE, {"retry-after": "1"}))
    _, api, _ = make_api(fake, max_attempts=2)
    with pytest.raises(RateLimited) as info:
        await api.list_chats()
    assert info.value.retry_after == 1.0
    assert len(fake.calls(LIST)) == 2


async def test_gives_up_with_unavailable_chained_from_transport_error() -> None:
    fake = FakeOzon()
    fake.default(LIST, httpx.ConnectTimeout("timeout"))
    _, api, _ = make_api(fake, max_attempts=4)
    with pytest.raises(MarketplaceUnavailable) as info:
        await api.list_chats()
    assert isinstance(info.value.__cause__, httpx.ConnectTimeout)
    assert info.value.may_have_arrived is False
    assert len(fake.calls(LIST)) == 4


async def test_retry_after_is_capped() -> None:
    fake = FakeOzon()
    fake.queue(LIST, rpc_error(429, 8, RATE, {"Retry-After": "3600"}), ok(EMPTY))
    _, api, sleep = make_api(fake)
    await api.list_chats()
    assert sleep.delays == [30.0]


@pytest.mark.parametrize(
    ("reply", "cls"),
    [
        (rpc_error(400, 3, "Cursor value is incorrect"), BadRequest),
        (rpc_error(401, 16, "Client-Id and Api-Key headers are required"), AuthFailed),
        (rpc_error(403, 7, "Premium Plus subscription is required to use chats"),
         PremiumRequired),
    ],
)  # fmt: skip
async def test_no_retry_on_client_errors(reply: httpx.Response, cls: type) -> None:
    fake = FakeOzon()
    fake.default(LIST, lambda r: reply)
    _, api, sleep = make_api(fake)
    with pytest.raises(cls):
        await api.list_chats()
    assert len(fake.calls(LIST)) == 1
    assert sleep.delays == []


async def test_requests_go_through_the_rate_limiter() -> None:
    fake = FakeOzon()
    fake.default(LIST, lambda r: ok(EMPTY))
    limiter_sleep = RecordingSleep()
    limiter = RateLimiter(1.0, burst=1, sleep=limiter_sleep)  # one token per second
    _, api, retry_sleep = make_api(fake, limiter=limiter)
    for _ in range(3):
        await api.list_chats()
    assert len(limiter_sleep.delays) == 2  # second and third call had to wait for a token
    assert all(d > 0.9 for d in limiter_sleep.delays)
    assert retry_sleep.delays == []  # waiting for a token is not a retry
