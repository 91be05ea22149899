"""/stats: SLA figures for a period from stored turns, as a short text and a PNG chart.

The figures come from :class:`storage.sla_stats_repo.SlaStatsRepo` (aggregates in the
database); this module only turns them into words and a picture. The chart is drawn with
matplotlib's object API on the Agg canvas (no pyplot, no global state) and is meant to
be called through ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sla.format import duration, priority_label
from bot.texts import Locale, plain_text, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted, spelled
from storage.database import Database
from storage.records import PRIORITIES, Seller
from storage.sla_defaults import COMPLIANCE_GOALS
from storage.sla_stats_repo import BUCKET_EDGES_MIN, Aggregate, SlaStatsRepo

PERIODS = ("today", "7d", "30d")
# What people type after /stats, in either language (bot.texts.input_words).
_PERIOD_WORDS: dict[str, str] = accepted(vocab.STATS_PERIODS)
_TOP_ROWS = 8


def parse_period(arg: str) -> str | None:
    value = arg.strip().lower() or "today"
    value = _PERIOD_WORDS.get(value, value)
    return value if value in PERIODS else None


def usage(locale: Locale) -> str:
    """How to pick a period, listing every word /stats accepts."""
    return text("stats.usage", locale, periods=spelled(vocab.STATS_PERIODS, locale))


def period_bounds(period: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[since, now): today from local midnight, else the last 7 or 30 days."""
    if period == "today":
        local = now.astimezone(zone)
        return local.replace(hour=0, minute=0, second=0, microsecond=0), now
    days = 7 if period == "7d" else 30
    return now - timedelta(days=days), now


@dataclass(frozen=True, slots=True)
class StatsReport:
    period: str
    overall: Aggregate
    priorities: dict[str, Aggregate]
    agents: list[tuple[str, Aggregate]]
    sellers: list[tuple[str, Aggregate]]
    histogram: list[int]
    ai_accepted: int
    ai_decided: int
    waiting: int
    extra: dict[str, int] = field(default_factory=dict)


_EMPTY = Aggregate("all", None, 0, 0, 0, 0, None, None)


async def build_report(
    db: Database, *, sellers: Sequence[Seller], period: str, now: datetime
) -> StatsReport:
    zone = ZoneInfo(sellers[0].timezone) if sellers else ZoneInfo("UTC")
    since, until = period_bounds(period, now, zone)
    ids = [s.id for s in sellers]
    repo = SlaStatsRepo(db.pool)
    # Independent reads, run side by side on separate pool connections.
    (rows, histogram), outcomes, waiting = await asyncio.gather(
        repo.aggregates(since=since, until=until, seller_ids=ids),
        db.suggestions.outcome_counts(since=since, until=until, seller_ids=ids),
        repo.waiting_now(seller_ids=ids),
    )
    overall = next((r for r in rows if r.dimension == "all"), _EMPTY)
    priorities = {str(r.key): r for r in rows if r.dimension == "priority"}
    agent_rows = [r for r in rows if r.dimension == "agent" and r.answered]
    names = await repo.agent_names(agent_ids=[int(r.key) for r in agent_rows if r.key is not None])
    agents = sorted(
        ((names.get(int(r.key), "?") if r.key is not None else "", r) for r in agent_rows),
        key=lambda pair: -pair[1].answered,
    )
    seller_names = {s.id: s.name for s in sellers}
    shops = sorted(
        ((seller_names.get(int(r.key or 0), "?"), r) for r in rows if r.dimension == "seller"),
        key=lambda pair: -pair[1].turns,
    )
    accepted = sum(outcomes.get(k, 0) for k in ("sent", "edited", "auto_sent"))
    decided = sum(n for k, n in outcomes.items() if k != "pending")
    return StatsReport(
        period=period,
        overall=overall,
        priorities=priorities,
        agents=agents,
        sellers=shops,
        histogram=histogram,
        ai_accepted=accepted,
        ai_decided=decided,
        waiting=waiting,
    )


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def _secs(value: float | None, locale: Locale) -> str:
    if value is None:
        return text("stats.none", locale)
    if value < 60:
        return text("dur.sec", locale, s=f"{value:.0f}")
    return duration(timedelta(seconds=value), locale)


def render_text(report: StatsReport, locale: Locale) -> str:
    o = report.overall
    lines = [
        text("stats.head", locale, period=text(f"stats.period.{report.period}", locale)),
        text("stats.turns", locale, turns=o.turns, answered=o.answered, waiting=report.waiting),
        *([text("resolve.stats", locale, count=o.resolved)] if o.resolved else []),
        text(
            "stats.frt", locale, median=_secs(o.frt_median, locale), p90=_secs(o.frt_p90, locale)
        ),
    ]
    for priority in PRIORITIES:
        row = report.priorities.get(priority)
        if row is None or not row.turns:
            continue
        goal = COMPLIANCE_GOALS.get(priority)
        values = {
            "priority": priority_label(priority, locale),
            "done": row.in_time,
            "total": row.decided,
            "share": share(row.in_time, row.decided),
        }
        if goal is None:
            lines.append(text("stats.prio_nogoal", locale, **values))
        else:
            lines.append(text("stats.prio", locale, goal=f"{goal:.0%}", **values))
    for title, group in (("stats.agents", report.agents), ("stats.sellers", report.sellers)):
        if not group:
            continue
        lines.append(text(title, locale))
        for name, row in group[:_TOP_ROWS]:
            shown = name or text("stats.cabinet", locale)
            lines.append(
                text(
                    "stats.row",
                    locale,
                    name=shown,
                    answered=row.answered,
                    share=share(row.in_time, row.answered),
                    median=_secs(row.frt_median, locale),
                )
            )
    if report.ai_decided:
        lines.append(
            text(
                "stats.ai",
                locale,
                accepted=report.ai_accepted,
                decided=report.ai_decided,
                share=share(report.ai_accepted, report.ai_decided),
            )
        )
    else:
        lines.append(text("stats.ai_none", locale))
    return "\n".join(lines)


def bucket_labels() -> list[str]:
    def short(minutes: int) -> str:
        return f"{minutes // 60}h" if minutes >= 60 and minutes % 60 == 0 else f"{minutes}m"

    edges = BUCKET_EDGES_MIN
    labels = [f"<{short(edges[0])}"]
    labels += [f"{short(a)}-{short(b)}" for a, b in itertools.pairwise(edges)]
    labels.append(f">{short(edges[-1])}")
    return labels


def render_chart(report: StatsReport, locale: Locale) -> bytes:
    """PNG: response-time distribution (left) and compliance per priority vs goal (right)."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - heavy; only where a chart is drawn

    figure = Figure(figsize=(9, 3.6), dpi=100, layout="constrained")
    hist_ax, comp_ax = figure.subplots(1, 2, width_ratios=(3, 2))
    labels = bucket_labels()
    hist_ax.bar(range(len(labels)), report.histogram, color="#4C72B0")
    hist_ax.set_xticks(range(len(labels)), labels, rotation=45, fontsize=8)
    hist_ax.set_title(text("chart.hist", locale))
    hist_ax.set_ylabel(text("chart.turns", locale))

    names, values, goals = [], [], []
    for priority in PRIORITIES:
        row = report.priorities.get(priority)
        names.append(priority)
        values.append(100 * row.in_time / row.decided if row and row.decided else 0.0)
        goals.append(100 * COMPLIANCE_GOALS.get(priority, 0.0))
    colors = ["#C44E52", "#DD8452", "#55A868", "#8C8C8C"]
    comp_ax.bar(range(len(names)), values, color=colors)
    for index, goal in enumerate(goals):
        if goal:
            comp_ax.hlines(goal, index - 0.4, index + 0.4, colors="black", linestyles="dashed")
    comp_ax.set_xticks(range(len(names)), names)
    comp_ax.set_ylim(0, 100)
    comp_ax.set_ylabel("%")
    comp_ax.set_title(text("chart.compliance", locale))
    period = plain_text(f"stats.period.{report.period}", locale)
    figure.suptitle(plain_text("chart.title", locale, period=period))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
