"""The retry policy's pure functions: what retries, how long to wait."""

from datetime import UTC, datetime

import httpx
import pytest

from connectors.errors import (
    AuthFailed,
    BadRequest,
    ChatClosed,
    MarketplaceUnavailable,
    PremiumRequired,
    RateLimited,
    ServerError,
)
from connectors.retry import (
    RetryPolicy,
    backoff_delay,
    is_retryable,
    may_have_arrived,
    parse_retry_after,
    retry_delay,
    transport_error_may_have_arrived,
)

REQ = httpx.Request("POST", "https://x/")


@pytest.mark.parametrize(
    ("exc", "retry"),
    [
        (RateLimited(1.0), True),
        (ServerError(500), True),
        (MarketplaceUnavailable(may_have_arrived=True), True),
        (BadRequest("bad"), False),
        (AuthFailed("invalid_key"), False),
        (PremiumRequired(), False),
        (ChatClosed("closed"), False),
    ],
)
def test_is_retryable(exc: Exception, retry: bool) -> None:
    assert is_retryable(exc) is retry


@pytest.mark.parametrize(
    ("exc", "arrived"),
    [
        (httpx.ConnectError("x", request=REQ), False),
        (httpx.ConnectTimeout("x", request=REQ), False),
        (httpx.PoolTimeout("x", request=REQ), False),
        (httpx.ReadTimeout("x", request=REQ), True),
        (httpx.WriteTimeout("x", request=REQ), True),
        (httpx.RemoteProtocolError("x", request=REQ), True),
        (httpx.ReadError("x", request=REQ), True),
    ],
)
def test_transport_error_classification(exc: httpx.TransportError, arrived: bool) -> None:
    assert transport_error_may_have_arrived(exc) is arrived


def test_may_have_arrived() -> None:
    assert may_have_arrived(ServerError(500))
    assert may_have_arrived(MarketplaceUnavailable(may_have_arrived=True))
    assert not may_have_arrived(MarketplaceUnavailable(may_have_arrived=False))
    assert not may_have_arrived(RateLimited(None))


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    assert [backoff_delay(policy, n, lambda: 1.0) for n in range(1, 6)] == [0.5, 1, 2, 4, 4]
    assert backoff_delay(policy, 3, lambda: 0.25) == 0.5
    assert backoff_delay(policy, 3, lambda: 0.0) == 0.0


def test_retry_after_honoured_up_to_cap() -> None:
    policy = RetryPolicy(max_retry_after=30.0)
    assert retry_delay(policy, 1, RateLimited(3.0), lambda: 0.0) == 3.0
    assert retry_delay(policy, 1, RateLimited(600.0), lambda: 0.0) == 30.0
    # without a hint a 429 falls back to jittered backoff
    assert retry_delay(policy, 2, RateLimited(None), lambda: 1.0) == 1.0


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("5", now=now) == 5.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:10 GMT", now=now) == 10.0
    assert parse_retry_after("-3", now=now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("  ") is None
    assert parse_retry_after("later") is None
