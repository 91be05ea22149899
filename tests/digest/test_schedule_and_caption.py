"""The digest's rules without Telegram: when it is due (its moment, the grace after it,
once per ISO week) and a caption that stays within Telegram's 1024 characters however
many agents and shops there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.digest.figures import Period, WeekFigures
from bot.digest.render import CAPTION_LIMIT, render_caption
from bot.digest.schedule import due_day, week_of
from bot.texts.markup import visible
from storage.sla_stats_repo import Aggregate
from tests.support.texts import has, says

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY = date(2026, 11, 30)


def due(now: datetime, last: date | None = None, weekday: int = 1) -> date | None:
    return due_day(now, zone=MOSCOW, weekday=weekday, at=time(9, 0), last_sent_on=last)


def test_due_from_its_moment_for_the_grace_once_per_week() -> None:
    nine = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
    assert due(nine - timedelta(seconds=1)) is None
    assert due(nine) == MONDAY
    assert due(nine + timedelta(hours=11, minutes=59)) == MONDAY
    assert due(nine + timedelta(hours=12)) is None  # too late: wait for next week
    assert due(nine, last=MONDAY) is None
    assert due(nine, last=MONDAY - timedelta(days=6)) == MONDAY  # last week's Tuesday
    # Monday's digest went out; moved to Wednesday, it waits for the next week
    assert due(nine + timedelta(days=2), last=MONDAY, weekday=3) is None


def test_the_week_is_the_seven_local_days_before() -> None:
    week = week_of(MONDAY, MOSCOW)
    assert week.since == datetime(2026, 11, 22, 21, 0, tzinfo=UTC)
    assert week.until == datetime(2026, 11, 29, 21, 0, tzinfo=UTC)
    assert week.before == datetime(2026, 11, 15, 21, 0, tzinfo=UTC)


def _period(rows: int) -> Period:
    row = Aggregate("agent", 1, 40, 40, 30, 40, 600.0, 3600.0)
    named = [("Сотрудник с очень длинным именем и фамилией " + str(n), row) for n in range(rows)]
    return Period(
        overall=Aggregate("all", None, 400, 390, 300, 400, 600.0, 3600.0),
        priorities={
            p: Aggregate("priority", p, 100, 100, 80, 100, None, None)
            for p in ("urgent", "high", "normal", "low")
        },
        agents=named,
        shops=named,
        histogram=[0] * 10,
        ai_accepted=5,
        ai_decided=9,
        resolved=2,
    )


def test_a_crowded_week_still_fits_one_caption() -> None:
    figures = WeekFigures(week=week_of(MONDAY, MOSCOW), current=_period(30), previous=_period(1))
    for locale in ("ru", "en"):
        caption = render_caption(figures, locale)
        assert len(visible(caption)) <= CAPTION_LIMIT
        assert has(caption, says("digest.resolved", locale, count=2))
    assert has(render_caption(figures, "ru"), says("digest.more_rows"))
