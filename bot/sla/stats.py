"""/stats: SLA figures for a period from stored turns, as a caption and a PNG chart.

The figures come from :class:`storage.sla_stats_repo.SlaStatsRepo` (aggregates in the
database); this module turns them into words (short enough for a photo's caption) and
hands them to :mod:`bot.sla.stats_chart` for the picture, meant to be drawn through
``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sla.format import duration
from bot.texts import Locale, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted, normalized, spelled_own
from bot.texts.markup import visible
from storage.database import Database
from storage.records import PRIORITIES, Seller
from storage.sla_defaults import COMPLIANCE_GOALS
from storage.sla_stats_repo import Aggregate, DayFigure, SlaStatsRepo

PERIODS = ("today", "7d", "30d")
# What people type after /stats, in either language (bot.texts.input_words).
_PERIOD_WORDS: dict[str, str] = {
    normalized(word): value for word, value in accepted(vocab.STATS_PERIODS).items()
}
_TOP_ROWS = 8
_NAME_CHARS = 32
#: Telegram's limit on a photo's caption (visible characters, after the HTML is parsed).
CAPTION_LIMIT = 1024


def parse_period(arg: str) -> str | None:
    value = normalized(arg) or "today"
    value = _PERIOD_WORDS.get(value, value)
    return value if value in PERIODS else None


def usage(locale: Locale) -> str:
    """How to pick a period, listing the words of the person's language."""
    return text("stats.usage", locale, periods=spelled_own(vocab.STATS_PERIODS, locale))


def period_bounds(period: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[since, now): from local midnight today, or of the first of the last 7 or 30 days
    (today included), so the per-day line has whole days."""
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    days = {"today": 1, "7d": 7, "30d": 30}[period]
    return midnight - timedelta(days=days - 1), now


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
    #: Every local day of a 7- or 30-day period, oldest first (empty for today).
    days: list[DayFigure] = field(default_factory=list)


_EMPTY = Aggregate("all", None, 0, 0, 0, 0, None, None)


def every_day(found: Sequence[DayFigure], since: datetime, now: datetime) -> list[DayFigure]:
    """``found`` with the days that had no turns filled in (zero decided)."""
    by_day = {f.day: f for f in found}
    first, last = since.date(), now.astimezone(since.tzinfo).date()
    count = (last - first).days + 1
    days = [first + timedelta(days=n) for n in range(count)]
    return [by_day.get(day, DayFigure(day, 0, 0)) for day in days]


async def build_report(
    db: Database, *, sellers: Sequence[Seller], period: str, now: datetime
) -> StatsReport:
    zone = ZoneInfo(sellers[0].timezone) if sellers else ZoneInfo("UTC")
    since, until = period_bounds(period, now, zone)
    ids = [s.id for s in sellers]
    repo = SlaStatsRepo(db.pool)
    # Independent reads, run side by side on separate pool connections.
    (rows, histogram), outcomes, waiting, daily = await asyncio.gather(
        repo.aggregates(since=since, until=until, seller_ids=ids),
        db.suggestions.outcome_counts(since=since, until=until, seller_ids=ids),
        repo.waiting_now(seller_ids=ids),
        repo.daily(since=since, until=until, seller_ids=ids, zone=zone.key),
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
        days=[] if period == "today" else every_day(daily, since, now),
    )


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def seconds_shown(value: float | None, locale: Locale) -> str:
    """A response time as people read it («40 с», «25 мин», «1 день 2 ч»); «—» if none."""
    if value is None:
        return text("stats.none", locale)
    if value < 60:
        return text("dur.sec", locale, s=f"{value:.0f}")
    return duration(timedelta(seconds=value), locale)


def priority_lines(priorities: Mapping[str, Aggregate], locale: Locale) -> list[str]:
    """In time per priority against its goal, a line each; a priority without chats is left
    out (the chart says «нет чатов» for it). Shared by /stats and the weekly digest."""
    lines = []
    for priority in PRIORITIES:
        row = priorities.get(priority)
        if row is None or not row.turns:
            continue
        goal = COMPLIANCE_GOALS.get(priority)
        values = {
            "priority": text(f"stats.prio_name.{priority}", locale),
            "done": row.in_time,
            "total": row.decided,
            "share": share(row.in_time, row.decided),
        }
        if goal is None:
            lines.append(text("stats.prio_nogoal", locale, **values))
        else:
            lines.append(text("stats.prio", locale, goal=f"{goal:.0%}", **values))
    return lines


def render_text(report: StatsReport, locale: Locale, *, rows: int = _TOP_ROWS) -> str:
    """The report in words, at most ``rows`` agents and shops ("…и ещё N" after them)."""
    o = report.overall
    lines = [
        text("stats.head", locale, period=text(f"stats.period.{report.period}", locale)),
        text("stats.turns", locale, turns=o.turns, answered=o.answered, waiting=report.waiting),
        *([text("resolve.stats", locale, count=o.resolved)] if o.resolved else []),
        text(
            "stats.frt",
            locale,
            median=seconds_shown(o.frt_median, locale),
            p90=seconds_shown(o.frt_p90, locale),
        ),
    ]
    lines += priority_lines(report.priorities, locale)
    for title, group in (("stats.agents", report.agents), ("stats.sellers", report.sellers)):
        if not group:
            continue
        lines.append(text(title, locale))
        for name, row in group[:rows]:
            shown = name[:_NAME_CHARS] or text("stats.cabinet", locale)
            lines.append(
                text(
                    "stats.row",
                    locale,
                    name=shown,
                    answered=row.answered,
                    share=share(row.in_time, row.answered),
                    median=seconds_shown(row.frt_median, locale),
                )
            )
        if len(group) > rows:
            lines.append(text("stats.more", locale, count=len(group) - rows))
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


def caption_length(body: str) -> int:
    """What Telegram counts of a caption: the visible text in UTF-16 units (an emoji may
    be two), so a caption measured here is never refused as too long."""
    return len(visible(body).encode("utf-16-le")) // 2


def caption(report: StatsReport, locale: Locale) -> str:
    """The report as the chart's caption: Telegram takes 1024 characters there, so the
    agents' and shops' lists are cut (each saying how many more) until it fits. The
    totals, response times and priorities always fit; the chart shows the rest."""
    for rows in range(_TOP_ROWS, -1, -1):
        body = render_text(report, locale, rows=rows)
        if caption_length(body) <= CAPTION_LIMIT:
            return body
    return body  # without rows the text is bounded (no names), a few hundred characters


def render_chart(report: StatsReport, locale: Locale) -> bytes:
    """The report's chart as PNG bytes in ``locale`` (see :mod:`bot.sla.stats_chart`);
    slow (matplotlib), so call it through ``asyncio.to_thread``."""
    from bot.sla.stats_chart import chart_png  # noqa: PLC0415 - matplotlib only when drawn

    return chart_png(report, locale)
