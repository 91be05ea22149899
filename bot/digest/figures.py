"""The digest's figures: one week of /stats figures (storage.sla_stats_repo), the week
before for the trend, the AI drafts' fate and the turns resolved without a reply; and the
chart, drawn by /stats' own chart function."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.digest.schedule import Week
from bot.sla.stats import StatsReport, render_chart
from bot.texts import Locale
from storage.database import Database
from storage.digest_repo import DigestRepo
from storage.records import Seller
from storage.sla_stats_repo import Aggregate, SlaStatsRepo

_EMPTY = Aggregate("all", None, 0, 0, 0, 0, None, None)
_ACCEPTED = ("sent", "edited", "auto_sent")


@dataclass(frozen=True, slots=True)
class Period:
    """One week's figures."""

    overall: Aggregate
    priorities: dict[str, Aggregate]
    agents: list[tuple[str, Aggregate]]  # name ("" = the marketplace cabinet), most first
    shops: list[tuple[str, Aggregate]]  # most turns first
    histogram: list[int]
    ai_accepted: int
    ai_decided: int
    resolved: int  # turns closed without a reply


@dataclass(frozen=True, slots=True)
class WeekFigures:
    week: Week
    current: Period
    previous: Period


async def _period(
    db: Database, sellers: Sequence[Seller], since: datetime, until: datetime
) -> Period:
    ids = [s.id for s in sellers]
    stats = SlaStatsRepo(db.pool)
    (rows, histogram), outcomes, resolved = await asyncio.gather(
        stats.aggregates(since=since, until=until, seller_ids=ids),
        db.suggestions.outcome_counts(since=since, until=until, seller_ids=ids),
        DigestRepo(db.pool).resolved_without_reply(since=since, until=until, seller_ids=ids),
    )
    agent_rows = [r for r in rows if r.dimension == "agent" and r.answered]
    names = await stats.agent_names(
        agent_ids=[int(r.key) for r in agent_rows if r.key is not None]
    )
    shop_names = {s.id: s.name for s in sellers}
    return Period(
        overall=next((r for r in rows if r.dimension == "all"), _EMPTY),
        priorities={str(r.key): r for r in rows if r.dimension == "priority"},
        agents=sorted(
            ((names.get(int(r.key), "?") if r.key is not None else "", r) for r in agent_rows),
            key=lambda pair: -pair[1].answered,
        ),
        shops=sorted(
            ((shop_names.get(int(r.key or 0), "?"), r) for r in rows if r.dimension == "seller"),
            key=lambda pair: -pair[1].turns,
        ),
        histogram=histogram,
        ai_accepted=sum(outcomes.get(k, 0) for k in _ACCEPTED),
        ai_decided=sum(n for k, n in outcomes.items() if k != "pending"),
        resolved=resolved,
    )


async def week_figures(db: Database, *, sellers: Sequence[Seller], week: Week) -> WeekFigures:
    current, previous = await asyncio.gather(
        _period(db, sellers, week.since, week.until),
        _period(db, sellers, week.before, week.since),
    )
    return WeekFigures(week=week, current=current, previous=previous)


def chart(figures: WeekFigures, locale: Locale) -> bytes:
    """The /stats chart of the digest's week (blocking: call it through a thread)."""
    now = figures.current
    report = StatsReport(
        period="7d",
        overall=now.overall,
        priorities=now.priorities,
        agents=now.agents,
        sellers=now.shops,
        histogram=now.histogram,
        ai_accepted=now.ai_accepted,
        ai_decided=now.ai_decided,
        waiting=0,
    )
    return render_chart(report, locale)
