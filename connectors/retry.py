"""Retry policy as plain data and functions, and the one retry loop of every connector.

Only failures that are transient *and* safe to repeat are retried: 429, 5xx and transport
errors. Everything else (auth, premium, bad request, closed chat) would fail the same way again
and repeated erroneous calls can get a seller restricted. Delays use exponential backoff with
full jitter so many sellers recovering from one outage do not retry in lockstep.

A connector builds one :class:`Retrier` per client, writes one *attempt* (rate limit,
send, map the response to a typed ``MarketplaceError``) and runs it through it::

    self._retries = Retrier(
        policy=RetryPolicy(max_attempts=4),  # raise_beyond_retry_after=True: see below
        sleep=sleep,  # tests make retries instant
        random=random,
        logger=logger,  # the connector's own
        gives_up=lambda exc: isinstance(exc, HourlyBudgetSpent),  # optional
    )

    async def _request(self, seller, method, path, *, verify=None):
        async def attempt(n: int) -> httpx.Response:
            ...  # one HTTP exchange; raise the mapped MarketplaceError on failure

        return await self._retries.call(
            attempt,
            what=f"ym {method} {path}",  # secret-free: it is logged
            who=f"campaign={seller.campaign_id}",
            verify=verify,  # or repeatable=False for a send that cannot be looked up
        )

A call that is not idempotent (a message to a buyer) must say what to do when a failure
may have reached the server (see :func:`may_have_arrived`): ``verify`` looks for it (in the
chat's history) and the loop returns ``None`` if it arrived, else tries again; with
``repeatable=False`` and nothing to look in, the loop raises ``SendOutcomeUnknown``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar, overload

import httpx

from connectors.errors import (
    MarketplaceError,
    MarketplaceUnavailable,
    RateLimited,
    SendOutcomeUnknown,
    ServerError,
)
from connectors.ratelimit import Sleep

RandomSource = Callable[[], float]
#: Did a send that may have reached the server arrive? (raises SendOutcomeUnknown if unsure)
Verify = Callable[[], Awaitable[bool]]
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for one logical call: attempts include the first try."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    #: A 429 asking for longer than ``max_retry_after`` is raised at once (WB's Base token
    #: asks for an hour) instead of waiting ``max_retry_after`` and asking again (Ozon).
    raise_beyond_retry_after: bool = False


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


def _asks_too_long(policy: RetryPolicy, exc: MarketplaceError) -> bool:
    return (
        policy.raise_beyond_retry_after
        and isinstance(exc, RateLimited)
        and exc.retry_after is not None
        and exc.retry_after > policy.max_retry_after
    )


@dataclass(frozen=True)
class Retrier:
    """A connector's retry loop: its policy, its clock and its logger, set once per client.

    ``logger`` is the connector's own, so retry lines keep the connector's name; ``sleep``
    paces retries only (tests make it instant); ``random`` jitters the backoff.
    """

    policy: RetryPolicy
    sleep: Sleep
    random: RandomSource
    logger: logging.Logger
    #: A marketplace's own transient failures not worth repeating inside one call (e.g. a
    #: 429 for an hourly budget, refused locally until its reset): raised at once.
    gives_up: Callable[[MarketplaceError], bool] | None = None

    @overload
    async def call(
        self,
        attempt: Callable[[int], Awaitable[T]],
        *,
        what: str,
        who: str,
        verify: None = None,
        repeatable: bool = True,
        max_attempts: int | None = None,
    ) -> T: ...

    @overload
    async def call(
        self,
        attempt: Callable[[int], Awaitable[T]],
        *,
        what: str,
        who: str,
        verify: Verify,
        repeatable: bool = True,
        max_attempts: int | None = None,
    ) -> T | None: ...

    async def call(
        self,
        attempt: Callable[[int], Awaitable[T]],
        *,
        what: str,
        who: str,
        verify: Verify | None = None,
        repeatable: bool = True,
        max_attempts: int | None = None,
    ) -> T | None:
        """``attempt(n)`` (1-based) until it returns, a failure is final or attempts run out.

        ``what`` and ``who`` name the call and the account in log lines (never a secret).
        Returns ``None`` only when ``verify`` confirmed that a failed-looking send did arrive.
        """
        if verify is not None and not repeatable:
            raise ValueError("a call is either verified or not repeatable, not both")
        policy = self.policy
        if max_attempts is not None:
            policy = replace(policy, max_attempts=max_attempts)
        attempts = max(1, policy.max_attempts)
        log = self.logger
        for number in range(1, attempts + 1):
            try:
                return await attempt(number)
            except MarketplaceError as exc:
                if not is_retryable(exc):
                    raise
                error = type(exc).__name__
                delay: float | None = None
                if may_have_arrived(exc):
                    if not repeatable:
                        log.warning("%s outcome unknown after %s %s", what, error, who)
                        raise SendOutcomeUnknown(f"send outcome unknown after {error}") from exc
                    if verify is not None:
                        await self.sleep(retry_delay(policy, number, exc, self.random))
                        if await verify():
                            log.info(
                                "%s confirmed in history after %s attempt=%d %s",
                                what, error, number, who,
                            )  # fmt: skip
                            return None
                        delay = 0.0  # the backoff was spent before looking
                if (
                    number == attempts
                    or _asks_too_long(policy, exc)
                    or (self.gives_up is not None and self.gives_up(exc))
                ):
                    log.warning(
                        "%s giving up after %d attempts error=%s %s", what, number, error, who
                    )
                    raise
                if delay is None:
                    delay = retry_delay(policy, number, exc, self.random)
                log.warning(
                    "%s retrying in %.2fs error=%s attempt=%d %s", what, delay, error, number, who
                )
                if delay > 0:
                    await self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
