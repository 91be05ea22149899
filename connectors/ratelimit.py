"""Async token-bucket rate limiter keyed by marketplace account.

Ozon allows 50 requests/s per Client-Id across all methods, and repeated 429s can get a seller's
access restricted without warning, so we throttle ourselves below that line instead of relying
on retries. One process serves many sellers, hence one bucket per key (the Client-Id).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token bucket per key: ``rate`` tokens/s, at most ``burst`` stored.

    The default burst is a quarter of a second's worth of tokens: with rate 40 no window of one
    second ever sees more than 40 + 10 = 50 requests, which stays within Ozon's 50/s.

    ``acquire`` reserves a token synchronously (tokens may go negative) and then sleeps for the
    debt, so concurrent callers queue fairly without a lock and the clock and sleep can be faked.
    """

    def __init__(
        self,
        rate: float = 40.0,
        *,
        burst: float | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate / 4)
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, _Bucket] = {}

    def _reserve(self, key: str) -> float:
        """Take one token for ``key`` and return how long the caller must wait for it."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=self.burst, updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        bucket.tokens -= 1
        return 0.0 if bucket.tokens >= 0 else -bucket.tokens / self.rate

    async def acquire(self, key: str) -> None:
        """Wait until a request for ``key`` may be sent."""
        wait = self._reserve(key)
        if wait > 0:
            await self._sleep(wait)


class Limiter(Protocol):
    """What a connector needs from a rate limiter: wait until ``key`` may send one request."""

    async def acquire(self, key: str) -> None: ...


class WindowLimiter:
    """At most ``limit`` requests per key in any ``period`` seconds (a sliding window).

    Stricter than a token bucket of the same numbers: a bucket refilling one per second with a
    burst of 10 lets 19 requests through in 10 s, a window of 10 per 10 s only 10. Wildberries
    states its limit both ways ("10 per 10 s", "interval 1 s, burst 10"), so the window keeps a
    seller within either reading. Slots are reserved synchronously, so concurrent callers queue
    fairly without a lock, as in :class:`RateLimiter`.
    """

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("limit and period must be positive")
        self.limit = limit
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._slots: dict[str, deque[float]] = {}

    def _reserve(self, key: str) -> float:
        now = self._clock()
        slots = self._slots.setdefault(key, deque())
        while slots and slots[0] <= now - self.period:
            slots.popleft()
        slot = now if len(slots) < self.limit else max(now, slots[-self.limit] + self.period)
        slots.append(slot)
        return slot - now

    async def acquire(self, key: str) -> None:
        """Wait until a request for ``key`` may be sent."""
        wait = self._reserve(key)
        if wait > 0:
            await self._sleep(wait)
