"""A send that may have reached WB is never repeated: the caller gets SendOutcomeUnknown."""

import httpx
import pytest

from connectors.errors import MarketplaceUnavailable, SendOutcomeUnknown

from .wb_fakes import CHAT_ID, REPLY_SIGN, FakeWb, make_api, ok, problem


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("lost"),
        httpx.RemoteProtocolError("server hung up"),
        httpx.WriteTimeout("half sent"),
        problem(500, "internal"),
        problem(502, "bad gateway"),
    ],
)
async def test_lost_or_failed_send_is_unknown_and_not_repeated(
    failure: httpx.Response | Exception,
) -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/message", failure)
    fake.default("/api/v1/seller/message", ok({"chatID": CHAT_ID}))
    _, api, sleep = make_api(fake)
    with pytest.raises(SendOutcomeUnknown):
        await api.send(REPLY_SIGN, "Ответ")
    assert len(fake.requests) == 1
    assert sleep.delays == []


@pytest.mark.parametrize(
    "refusal",
    [httpx.ConnectError("refused"), problem(429, "limited", {"X-Ratelimit-Retry": "1"})],
)
async def test_send_surely_not_received_is_retried(refusal: httpx.Response | Exception) -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/message", refusal, ok({"chatID": CHAT_ID}))
    _, api, _ = make_api(fake)
    result = await api.send(REPLY_SIGN, "Ответ")
    assert result.chat_id == CHAT_ID
    assert len(fake.requests) == 2


async def test_send_that_never_left_reports_it_was_not_sent() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/message", httpx.ConnectError("refused"))
    _, api, _ = make_api(fake, max_attempts=2)
    with pytest.raises(MarketplaceUnavailable) as failure:
        await api.send(REPLY_SIGN, "Ответ")
    assert failure.value.may_have_arrived is False
    assert len(fake.requests) == 2


async def test_reads_are_retried_after_a_lost_response() -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/events", httpx.ReadTimeout("lost"), ok({"totalEvents": 0}))
    _, api, _ = make_api(fake)
    page = await api.events()
    assert page.exhausted and len(fake.requests) == 2
