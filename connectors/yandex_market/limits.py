"""Yandex Market's limits per cabinet, kept on our side so Yandex never has to refuse us.

Two kinds (reference §4):

- **parallel**: at most 4 requests in flight per ``businessId``; a fifth gets HTTP 420.
  :class:`CabinetLimits` holds one semaphore per cabinet (``concurrency``, 2..4).
- **hourly**, per method ("resource") and cabinet: list 5,000, history 10,000, one chat and
  one message 1,000 each, text and file sends 1,000 each. Every answer carries
  ``X-RateLimit-Resource-Limit/-Remaining/-Until``; those headers are the truth and replace
  our own count. Until the first answer we count down from the published numbers. 4xx
  answers spend quota too, which is why the client never retries them.

When a budget is spent, calls for that resource are refused locally
(:class:`~connectors.yandex_market.errors.BudgetExhausted`) until the reset, instead of
collecting 420s.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from connectors.yandex_market.errors import BudgetExhausted

Clock = Callable[[], datetime]
HOUR = timedelta(hours=1)
MIN_CONCURRENCY = 2
MAX_CONCURRENCY = 4


class Resource(StrEnum):
    """The hourly buckets; the values name them in stats, logs and metrics."""

    CHATS = "chats"
    CHAT = "chat"
    HISTORY = "history"
    MESSAGE = "message"
    SEND_TEXT = "send_text"
    SEND_FILE = "send_file"
    NEW_CHAT = "new_chat"
    TOKEN = "token"
    CAMPAIGNS = "campaigns"
    #: ``POST /v1/businesses/{businessId}/orders`` (a chat's order, for the topic's header).
    ORDERS = "orders"
    #: Buyer files on Yandex's file hosts: no published limit; a generous guard of ours.
    DOWNLOAD = "download"


#: The 2026-07 spec values for tariff levels ``none``/``medium`` (reference §3, §10).
HOURLY_LIMITS: Mapping[Resource, int] = {
    Resource.CHATS: 5_000,
    Resource.CHAT: 1_000,
    Resource.HISTORY: 10_000,
    Resource.MESSAGE: 1_000,
    Resource.SEND_TEXT: 1_000,
    Resource.SEND_FILE: 1_000,
    Resource.NEW_CHAT: 1_000,
    Resource.TOKEN: 100,
    Resource.CAMPAIGNS: 1_000,
    Resource.ORDERS: 10_000,
    Resource.DOWNLOAD: 10_000,
}


@dataclass(slots=True)
class Budget:
    """One bucket: what is left until ``until`` (the reset)."""

    limit: int
    remaining: int
    until: datetime

    def roll(self, now: datetime) -> None:
        if now >= self.until:
            self.remaining = self.limit
            self.until = now + HOUR


@dataclass(frozen=True, slots=True)
class BudgetView:
    """A bucket as callers may read it (e.g. the push path choosing history over
    single-message reads when ``remaining`` runs low)."""

    limit: int
    remaining: int
    until: datetime


class CabinetLimits:
    """Semaphores and hourly budgets, keyed by cabinet (or by key for key-level calls)."""

    def __init__(self, *, concurrency: int = 3, clock: Clock | None = None) -> None:
        if not MIN_CONCURRENCY <= concurrency <= MAX_CONCURRENCY:
            raise ValueError("concurrency must be between 2 and 4 (Yandex allows 4)")
        self.concurrency = concurrency
        self._clock = clock or (lambda: datetime.now(UTC))
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._budgets: dict[tuple[str, Resource], Budget] = {}

    def _budget(self, cabinet: str, resource: Resource) -> Budget:
        key = (cabinet, resource)
        budget = self._budgets.get(key)
        if budget is None:
            limit = HOURLY_LIMITS[resource]
            budget = self._budgets[key] = Budget(limit, limit, self._clock() + HOUR)
        budget.roll(self._clock())
        return budget

    def view(self, cabinet: str, resource: Resource) -> BudgetView:
        budget = self._budget(cabinet, resource)
        return BudgetView(budget.limit, budget.remaining, budget.until)

    def take(self, cabinet: str, resource: Resource) -> None:
        """Spend one unit, or raise ``BudgetExhausted`` (nothing is sent) until the reset."""
        budget = self._budget(cabinet, resource)
        if budget.remaining <= 0:
            wait = max((budget.until - self._clock()).total_seconds(), 0.0)
            raise BudgetExhausted(resource.value, wait)
        budget.remaining -= 1

    def observe(
        self,
        cabinet: str,
        resource: Resource,
        *,
        limit: int | None,
        remaining: int | None,
        until: datetime | None,
    ) -> None:
        """What Yandex's ``X-RateLimit-Resource-*`` headers say; they win over our count."""
        budget = self._budget(cabinet, resource)
        if limit is not None and limit > 0:
            budget.limit = limit
        if remaining is not None:
            budget.remaining = max(remaining, 0)
        if until is not None:
            budget.until = until

    def exhaust(self, cabinet: str, resource: Resource, until: datetime | None) -> None:
        """A 420 for the resource: nothing more until ``until`` (or the bucket's reset)."""
        budget = self._budget(cabinet, resource)
        budget.remaining = 0
        if until is not None:
            budget.until = until

    @asynccontextmanager
    async def slot(self, cabinet: str) -> AsyncIterator[None]:
        """One of the cabinet's in-flight places, held for one HTTP exchange."""
        semaphore = self._semaphores.get(cabinet)
        if semaphore is None:
            semaphore = self._semaphores[cabinet] = asyncio.Semaphore(self.concurrency)
        async with semaphore:
            yield
