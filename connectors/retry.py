"""Retry policy as plain data and functions, shared by all marketplace connectors.

Only failures that are transient *and* safe to repeat are retried: 429, 5xx and transport
errors. Everything else (auth, premium, bad request, closed chat) would fail the same way again
and repeated erroneous calls can get a seller restricted. Delays use exponential backoff with
full jitter so many sellers recovering from one outage do not retry in lockstep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from connectors.errors import MarketplaceError, MarketplaceUnavailable, RateLimited, ServerError

RandomSource = Callable[[], float]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for one logical call: attempts include the first try."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0


def is_retryable(exc: MarketplaceError) -> bool:
    """True for the transient failures: rate limiting, server errors and transport errors."""
    return isinstance(exc, RateLimited | ServerError | MarketplaceUnavailable)


def may_have_arrived(exc: MarketplaceError) -> bool:
    """Could the server have acted on the request despite the failure?

    A 5xx may come after the work was done; a transport error after the body was sent. A 429 is
    a refusal. Non-idempotent calls (sending to a buyer) must verify before retrying these.
    """
    if isinstance(exc, ServerError):
        return True
    if isinstance(exc, MarketplaceUnavailable):
        return exc.may_have_arrived
    return False


_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)


def transport_error_may_have_arrived(exc: httpx.TransportError) -> bool:
    """Only connection-phase failures prove the request never left; anything else might not."""
    return not isinstance(exc, _NEVER_SENT)


def backoff_delay(policy: RetryPolicy, attempt: int, random: RandomSource) -> float:
    """Full-jitter exponential backoff after failed ``attempt`` (1-based)."""
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return random() * ceiling


def retry_delay(
    policy: RetryPolicy, attempt: int, exc: MarketplaceError, random: RandomSource
) -> float:
    """Delay before the next attempt: the server's Retry-After (capped) or jittered backoff."""
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        return min(max(exc.retry_after, 0.0), policy.max_retry_after)
    return backoff_delay(policy, attempt, random)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delta-seconds or an HTTP date; None when absent/invalid."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((when - current).total_seconds(), 0.0)
