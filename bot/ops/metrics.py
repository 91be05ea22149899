"""The process's Prometheus metrics: one registry, fed by observers, read at scrape time.

Nothing here is global: :class:`BotMetrics` is built once in the composition root with its
own ``CollectorRegistry`` and handed, as small callbacks, to the parts that see events
(the Telegram queue, the reply worker, the connectors' call stats). Queue depths, SLA and
draft figures are read from the database when Prometheus scrapes, at most every
``FIGURES_TTL`` seconds (:class:`Figures`). Labels carry ids only (a group's chat id, a
seller id, a kind): never a text, a name or a key.
"""

from __future__ import annotations

import logging
import time
from collections import Counter as Tally
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from connectors.stats import CallOutcome, CallStats
from storage.ops_repo import OpsFigures
from storage.records import ReplyItem, TgOutboxItem

logger = logging.getLogger(__name__)

FIGURES_TTL = 5.0
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
CALL_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Outbox kinds whose posting ends a buyer message's way from the marketplace to its topic.
INTAKE_KINDS = frozenset({"buyer_message", "cabinet_reply"})


@dataclass
class _CallSeries:
    calls: int = 0
    errors: Tally[str] = field(default_factory=Tally)
    buckets: list[int] = field(default_factory=lambda: [0] * len(CALL_BUCKETS))
    seconds: float = 0.0


class MarketplaceCalls(Collector):
    """Calls, errors and latency per seller, from the connectors' :class:`CallStats`.

    A connector knows the seller's marketplace account (Ozon's Client-Id), not our seller
    id; the account → seller id map is refreshed from the database at every scrape, so a
    seller added since is named correctly. An account we do not know (a key checked before
    the shop is saved) is reported as ``seller_id="none"``."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str], _CallSeries] = {}
        self._sellers: dict[tuple[str, str], int] = {}

    def watch(self, marketplace: str, stats: CallStats) -> None:
        def observe(done: CallOutcome) -> None:
            series = self._series.setdefault((marketplace, done.account), _CallSeries())
            series.calls += 1
            series.seconds += done.seconds
            if done.outcome != "ok":
                series.errors[done.outcome] += 1
            for index, bound in enumerate(CALL_BUCKETS):
                if done.seconds <= bound:
                    series.buckets[index] += 1

        stats.observe(observe)

    def name_sellers(self, sellers: dict[tuple[str, str], int]) -> None:
        self._sellers = dict(sellers)

    def _seller(self, key: tuple[str, str]) -> str:
        seller_id = self._sellers.get(key)
        return "none" if seller_id is None else str(seller_id)

    def collect(self) -> Iterator[Metric]:
        labels = ["marketplace", "seller_id"]
        calls = CounterMetricFamily(
            "agentiq_marketplace_calls", "HTTP requests made to a marketplace API", labels=labels
        )
        errors = CounterMetricFamily(
            "agentiq_marketplace_errors",
            "Marketplace requests that failed, by error type",
            labels=[*labels, "error"],
        )
        latency = HistogramMetricFamily(
            "agentiq_marketplace_call_seconds",
            "Time of one marketplace HTTP request",
            labels=labels,
        )
        merged: dict[tuple[str, str], _CallSeries] = {}
        for key, series in self._series.items():  # two accounts may map to one seller
            target = merged.setdefault((key[0], self._seller(key)), _CallSeries())
            target.calls += series.calls
            target.seconds += series.seconds
            target.errors.update(series.errors)
            target.buckets = [a + b for a, b in zip(target.buckets, series.buckets, strict=True)]
        for (marketplace, seller), series in sorted(merged.items()):
            calls.add_metric([marketplace, seller], series.calls)
            for error, count in sorted(series.errors.items()):
                errors.add_metric([marketplace, seller, error], count)
            buckets = [(str(b), n) for b, n in zip(CALL_BUCKETS, series.buckets, strict=True)]
            latency.add_metric(
                [marketplace, seller], [*buckets, ("+Inf", series.calls)], series.seconds
            )
        yield calls
        yield errors
        yield latency


class Figures(Collector):
    """Queue depths and ages, SLA and draft figures: read from the database at scrape time
    (:meth:`refresh`, cached ``ttl`` seconds), served from the cache by :meth:`collect`."""

    def __init__(
        self,
        read: Callable[[datetime], Awaitable[OpsFigures]],
        *,
        ttl: float = FIGURES_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._ttl = ttl
        self._clock = clock
        self._figures: OpsFigures | None = None
        self._at = float("-inf")
        self._now = datetime.now(UTC)

    @property
    def current(self) -> OpsFigures | None:
        return self._figures

    async def refresh(self) -> OpsFigures | None:
        """Read again if the cache is older than ``ttl``; a failed read keeps the last
        figures (the scrape still answers; /readyz is where the database is judged)."""
        if self._clock() - self._at < self._ttl:
            return self._figures
        now = datetime.now(UTC)
        try:
            self._figures = await self._read(now)
        except Exception as exc:  # a scrape must not fail because the database hiccups
            logger.warning("Reading queue figures failed (%s)", type(exc).__name__)
            return self._figures
        self._now = now
        self._at = self._clock()
        return self._figures

    def collect(self) -> Iterator[Metric]:
        figures = self._figures
        if figures is None:
            return
        depth = GaugeMetricFamily(
            "agentiq_queue_depth", "Items waiting in a durable queue", labels=["queue", "kind"]
        )
        age = GaugeMetricFamily(
            "agentiq_queue_oldest_age_seconds",
            "Age of the oldest item waiting in a durable queue",
            labels=["queue", "kind"],
        )
        for queue in figures.queues:
            depth.add_metric([queue.queue, queue.kind], queue.depth)
            if queue.oldest is not None:
                waited = max(0.0, (self._now - queue.oldest).total_seconds())
                age.add_metric([queue.queue, queue.kind], waited)
        sla = GaugeMetricFamily(
            "agentiq_sla_turns_24h",
            "Buyer turns of the last 24 hours that got an SLA warning, escalation or breach",
            labels=["state"],
        )
        for state, count in sorted(figures.sla.items()):
            sla.add_metric([state], count)
        drafts = GaugeMetricFamily(
            "agentiq_drafts_24h", "AI drafts of the last 24 hours by outcome", labels=["outcome"]
        )
        for outcome, count in sorted(figures.drafts.items()):
            drafts.add_metric([outcome], count)
        draft_latency = GaugeMetricFamily(
            "agentiq_draft_latency_seconds_24h",
            "Model latency of the last 24 hours' drafts",
            labels=["quantile"],
        )
        for name, millis in sorted(figures.draft_latency_ms.items()):
            draft_latency.add_metric([{"p50": "0.5", "p90": "0.9"}[name]], millis / 1000)
        yield from (depth, age, sla, drafts, draft_latency)


class Roles(Collector):
    """What this instance holds now: seller poll leases (read from the database at scrape
    time) and the process-wide roles (leader of the periodic work, Telegram's long poller).
    Unlike :class:`Figures` these differ per instance, so sum the leases across instances
    and expect the roles' gauges to add up to one."""

    def __init__(self) -> None:
        self._count_leases: Callable[[], Awaitable[int]] | None = None
        self._leases: int | None = None
        self._roles: dict[str, Callable[[], bool]] = {}

    def count_leases(self, read: Callable[[], Awaitable[int]]) -> None:
        self._count_leases = read

    def watch_role(self, role: str, held: Callable[[], bool]) -> None:
        self._roles[role] = held

    async def refresh(self) -> None:
        """Count the leases again; a failed read drops the figure rather than repeat an
        old one (a lease lives only as long as one poll)."""
        if self._count_leases is None:
            return
        try:
            self._leases = await self._count_leases()
        except Exception as exc:  # a scrape must not fail because the database hiccups
            logger.warning("Counting seller leases failed (%s)", type(exc).__name__)
            self._leases = None

    def collect(self) -> Iterator[Metric]:
        if self._leases is not None:
            leases = GaugeMetricFamily(
                "agentiq_seller_leases_held",
                "Sellers whose poll this instance runs now under its lease",
            )
            leases.add_metric([], self._leases)
            yield leases
        roles = GaugeMetricFamily(
            "agentiq_role_held",
            "1 when this instance plays the role now (periodic: the leader; "
            "telegram_intake: Telegram's long poller)",
            labels=["role"],
        )
        for role, held in sorted(self._roles.items()):
            roles.add_metric([role], 1.0 if held() else 0.0)
        yield roles


class BotMetrics:
    """The registry and the observers handed to the parts that see events."""

    def __init__(self, figures: Figures) -> None:
        self.registry = CollectorRegistry()
        self.telegram_units = Counter(
            "agentiq_telegram_units",
            "Units of a group's Telegram budget spent (sends and edits)",
            ["group"],
            registry=self.registry,
        )
        self.telegram_rate_limited = Counter(
            "agentiq_telegram_rate_limited",
            "Telegram 429 answers per group",
            ["group"],
            registry=self.registry,
        )
        self.intake_latency = Histogram(
            "agentiq_intake_latency_seconds",
            "From a buyer message stored to posted in its topic",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.reply_latency = Histogram(
            "agentiq_reply_latency_seconds",
            "From an agent's reply (or a sent draft) queued to accepted by the marketplace",
            ["origin"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.marketplace = MarketplaceCalls()
        self.registry.register(self.marketplace)
        self.figures = figures
        self.registry.register(figures)
        self.roles = Roles()
        self.registry.register(self.roles)

    async def refresh(self) -> None:
        """Before a scrape: the database figures, the account → seller id map and the
        leases this instance holds."""
        await self.roles.refresh()
        figures = await self.figures.refresh()
        if figures is not None:
            self.marketplace.name_sellers(figures.accounts)

    # The Telegram queue's observer (bot.outbox.observer.DeliveryObserver).
    def spent(self, tg_chat_id: int) -> None:
        self.telegram_units.labels(group=str(tg_chat_id)).inc()

    def rate_limited(self, tg_chat_id: int) -> None:
        self.telegram_rate_limited.labels(group=str(tg_chat_id)).inc()

    def delivered(self, item: TgOutboxItem, now: datetime) -> None:
        if item.kind in INTAKE_KINDS:
            self.intake_latency.observe(max(0.0, (now - item.created_at).total_seconds()))

    # The reply worker's observer.
    def reply_sent(self, item: ReplyItem, now: datetime) -> None:
        seconds = max(0.0, (now - item.created_at).total_seconds())
        self.reply_latency.labels(origin=item.origin).observe(seconds)
