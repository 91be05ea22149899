"""WB's request budget: a token bucket per seller on the wall clock (never the emulated one).

WB states it as "10 requests per 10 s, interval 1 s, burst 10": one token back per second, at
most ten stored. A Base token has one request per hour (downloads: ten per hour, burst 1),
counted per token. ``/ping`` has its own 3 per 30 s. Every answer carries the
``X-Ratelimit-*`` headers a real one does.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    headers: dict[str, str]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class Budget:
    """One bucket per key: ``per_second`` tokens/s, ``burst`` at most; rejections are free."""

    def __init__(
        self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = per_second
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> Decision:
        now = self._clock()
        bucket = self._buckets.setdefault(key, _Bucket(float(self.burst), now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        limit = {"X-Ratelimit-Limit": str(self.burst)}
        if bucket.tokens < 1.0:
            retry = math.ceil((1.0 - bucket.tokens) / self.per_second)
            reset = math.ceil((self.burst - bucket.tokens) / self.per_second)
            return Decision(
                False,
                {**limit, "X-Ratelimit-Retry": str(retry), "X-Ratelimit-Reset": str(reset)},
            )
        bucket.tokens -= 1.0
        return Decision(True, {**limit, "X-Ratelimit-Remaining": str(int(bucket.tokens))})

    def reset(self) -> None:
        self._buckets.clear()


class Budgets:
    """The three budgets the API applies, chosen by token kind and method."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = True
        self.seller = Budget(1.0, 10, clock)
        self.base = Budget(1 / 3600, 1, clock)
        self.base_download = Budget(10 / 3600, 1, clock)
        self.ping = Budget(0.1, 3, clock)

    def take(
        self, *, seller_id: str, token: str, base: bool, download: bool, ping: bool = False
    ) -> Decision:
        if not self.enabled:
            return Decision(True, {"X-Ratelimit-Limit": "10", "X-Ratelimit-Remaining": "10"})
        if ping:
            return self.ping.take(seller_id)
        if not base:
            return self.seller.take(seller_id)
        return (self.base_download if download else self.base).take(token)

    def reset(self) -> None:
        for budget in (self.seller, self.base, self.base_download, self.ping):
            budget.reset()
