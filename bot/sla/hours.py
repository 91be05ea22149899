"""Business-hours arithmetic: deadlines that count only the seller's working time.

A seller may set a time zone, working days (ISO numbers, Monday = 1) and a daily window
(start < end, local wall time). With business hours off the clock runs 24/7. All maths is
done on UTC instants; each day's window is placed on the local calendar with zoneinfo, so
daylight-saving shifts move the window, not the length of a working minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.records import Seller

_MAX_DAYS = 800  # a deadline further than this is a configuration error, not a plan


@dataclass(frozen=True, slots=True)
class BusinessHours:
    enabled: bool = False
    timezone: str = "Europe/Moscow"
    work_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    start: time = time(9, 0)
    end: time = time(21, 0)

    @classmethod
    def of(cls, seller: Seller) -> BusinessHours:
        return cls(
            enabled=seller.business_hours_enabled,
            timezone=seller.timezone,
            work_days=frozenset(seller.work_days),
            start=seller.work_start,
            end=seller.work_end,
        )

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("Europe/Moscow")

    @property
    def always_open(self) -> bool:
        """Off, or a configuration without any working time: the clock never stops."""
        return not self.enabled or not self.work_days or self.start >= self.end

    def _windows(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows (UTC) that end after ``since``, in order."""
        zone = self.zone
        day: date = since.astimezone(zone).date() - timedelta(days=1)
        for _ in range(_MAX_DAYS):
            day += timedelta(days=1)
            if day.isoweekday() not in self.work_days:
                continue
            opens = datetime.combine(day, self.start, zone).astimezone(UTC)
            closes = datetime.combine(day, self.end, zone).astimezone(UTC)
            if closes > since:
                yield opens, closes
        raise ValueError("no working time within the horizon")

    def is_working(self, at: datetime) -> bool:
        if self.always_open:
            return True
        opens, _closes = next(self._windows(at))
        return opens <= at

    def add(self, start: datetime, minutes: float) -> datetime:
        """The instant when ``minutes`` of working time have passed after ``start``."""
        if self.always_open:
            return start + timedelta(minutes=minutes)
        remaining = timedelta(minutes=minutes)
        for opens, closes in self._windows(start):
            cursor = max(start, opens)
            room = closes - cursor
            if remaining <= room:
                return cursor + remaining
            remaining -= room
        raise AssertionError("unreachable: _windows raises at its horizon")

    def elapsed(self, since: datetime, until: datetime) -> timedelta:
        """Working time between two instants (zero when ``until`` is not after ``since``)."""
        if until <= since:
            return timedelta(0)
        if self.always_open:
            return until - since
        total = timedelta(0)
        for opens, closes in self._windows(since):
            if opens >= until:
                break
            total += min(closes, until) - max(opens, since)
        return total
