"""When a digest is due and which week it covers: plain functions of the clock.

A digest of local date ``D`` (the scheduled weekday) covers the seven local days before
it, [D-7, D), and compares them with the seven before those. It is due from its moment
(``D`` at the set time) for ``GRACE``: a bot that was down at 09:00 still posts at 10:00,
but one started on Thursday does not post Monday's digest then. One digest per ISO week
(changing the weekday after this week's went out waits for the next week).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

GRACE = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Week:
    """The digest's week and the one before, as local-midnight instants."""

    day: date  # the digest's local date
    since: datetime
    until: datetime
    before: datetime  # the previous week: [before, since)


def moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def due_day(
    now: datetime,
    *,
    zone: ZoneInfo,
    weekday: int,
    at: time,
    last_sent_on: date | None,
    grace: timedelta = GRACE,
) -> date | None:
    """The local date whose digest should go out now, or ``None``."""
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.isoweekday() - weekday) % 7)
    start = moment(day, at, zone)
    if not start <= local < start + grace:
        return None
    if last_sent_on is not None and last_sent_on.isocalendar()[:2] == day.isocalendar()[:2]:
        return None
    return day


def week_of(day: date, zone: ZoneInfo) -> Week:
    return Week(
        day=day,
        since=moment(day - timedelta(days=7), time(0), zone),
        until=moment(day, time(0), zone),
        before=moment(day - timedelta(days=14), time(0), zone),
    )
