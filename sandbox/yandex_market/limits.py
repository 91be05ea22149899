"""Yandex Market's limits as the emulator enforces them: hourly buckets per cabinet and
method, with ``X-RateLimit-Resource-*`` headers, and the cap of 4 requests in flight per
cabinet (a fifth gets 420 at once). Buckets run on the emulated clock, so a test advances
it to reach the reset. 4xx answers spend a unit like any other (Yandex's rule).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime

PARALLEL = 4

#: operationId → hourly limit (the spec's ``x-resource-limit-config``, tariff ``none``).
HOURLY: Mapping[str, int] = {
    "getChats": 5_000,
    "getChat": 1_000,
    "getChatHistory": 10_000,
    "getChatMessage": 1_000,
    "sendMessageToChat": 1_000,
    "sendFileToChat": 1_000,
    "createChat": 1_000,
    "getAuthTokenInfo": 100,
    "getCampaigns": 1_000,
    "getBusinessOrders": 10_000,
}


@dataclass(slots=True)
class _Bucket:
    limit: int
    used: int
    until: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    headers: dict[str, str]


class Limits:
    """Hourly buckets keyed by (cabinet or key, operation) and in-flight counts per cabinet."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.enabled = True
        self.parallel = PARALLEL
        self.overrides: dict[str, int] = {}
        self.reset()

    def reset(self) -> None:
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self.in_flight: dict[str, int] = {}
        self.peak_in_flight: dict[str, int] = {}

    def limit_of(self, operation: str) -> int:
        return self.overrides.get(operation, HOURLY.get(operation, 1_000))

    def take(self, owner: str, operation: str) -> Decision:
        now = self._clock()
        key = (owner, operation)
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket.until:
            bucket = self._buckets[key] = _Bucket(
                self.limit_of(operation), 0, now + timedelta(hours=1)
            )
        allowed = not self.enabled or bucket.used < bucket.limit
        if allowed:
            bucket.used += 1
        headers = {
            "X-RateLimit-Resource-Limit": str(bucket.limit),
            "X-RateLimit-Resource-Remaining": str(max(bucket.limit - bucket.used, 0)),
            "X-RateLimit-Resource-Until": format_datetime(bucket.until, usegmt=True),
        }
        return Decision(allowed, headers)

    def enter(self, cabinet: str) -> bool:
        """Count a request in flight; False (answer 420) when the cabinet already has 4."""
        current = self.in_flight.get(cabinet, 0)
        if self.enabled and current >= self.parallel:
            return False
        self.in_flight[cabinet] = current + 1
        self.peak_in_flight[cabinet] = max(self.peak_in_flight.get(cabinet, 0), current + 1)
        return True

    def leave(self, cabinet: str) -> None:
        self.in_flight[cabinet] = max(self.in_flight.get(cabinet, 1) - 1, 0)
