"""Deadlines in business hours: across days, weekends, time zones and DST (table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sla.hours import BusinessHours

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
VLAD = ZoneInfo("Asia/Vladivostok")
WEEKDAYS_9_21 = BusinessHours(enabled=True, timezone="Europe/Moscow")
EVERY_DAY = BusinessHours(enabled=True, timezone="Europe/Moscow", work_days=frozenset(range(1, 8)))


def msk(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Moscow wall time in November 2026 (the 27th is a Friday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


@pytest.mark.parametrize(
    ("hours", "start", "minutes", "expected"),
    [
        # The example: Friday 20:30 + 1 h with 09-21 Mon-Fri → Monday 09:30.
        (WEEKDAYS_9_21, msk(27, 20, 30), 60, msk(30, 9, 30)),
        # Inside one day.
        (WEEKDAYS_9_21, msk(26, 10, 0), 30, msk(26, 10, 30)),
        # Ends exactly at closing time: stays that day.
        (WEEKDAYS_9_21, msk(26, 20, 0), 60, msk(26, 21, 0)),
        # Before opening: the clock starts at 09:00.
        (WEEKDAYS_9_21, msk(26, 6, 15), 30, msk(26, 9, 30)),
        # After closing on Thursday: Friday morning.
        (WEEKDAYS_9_21, msk(26, 22, 0), 60, msk(27, 10, 0)),
        # Saturday message: Monday.
        (WEEKDAYS_9_21, msk(28, 12, 0), 240, msk(30, 13, 0)),
        # 24 working hours from Friday 15:00: 6 h Fri + 12 h Mon + 6 h Tue.
        (WEEKDAYS_9_21, msk(27, 15, 0), 24 * 60, datetime(2026, 12, 1, 15, 0, tzinfo=MSK)),
        # Every day including weekends: Friday 20:30 + 1 h → Saturday 09:30.
        (EVERY_DAY, msk(27, 20, 30), 60, msk(28, 9, 30)),
        # Off: plain 24/7 arithmetic.
        (BusinessHours(enabled=False), msk(27, 20, 30), 60, msk(27, 21, 30)),
        # A seller in Vladivostok (UTC+10): the instant is Moscow 20:30 Friday = Saturday
        # 03:30 in Vladivostok → Monday 09:00 + 1 h there.
        (
            BusinessHours(enabled=True, timezone="Asia/Vladivostok"),
            msk(27, 20, 30),
            60,
            datetime(2026, 11, 30, 10, 0, tzinfo=VLAD),
        ),
        # Berlin across the end of DST (Sun 25 Oct 2026): Friday 20:30 + 1 h → Monday 09:30,
        # and the window keeps its local wall times after the shift.
        (
            BusinessHours(enabled=True, timezone="Europe/Berlin"),
            datetime(2026, 10, 23, 20, 30, tzinfo=BERLIN),
            60,
            datetime(2026, 10, 26, 9, 30, tzinfo=BERLIN),
        ),
        # Night shift window 00:00-08:00 on weekdays only.
        (
            BusinessHours(enabled=True, timezone="UTC", start=time(0, 0), end=time(8, 0)),
            datetime(2026, 11, 27, 7, 0, tzinfo=UTC),
            120,
            datetime(2026, 11, 30, 1, 0, tzinfo=UTC),
        ),
    ],
)
def test_add_working_minutes(
    hours: BusinessHours, start: datetime, minutes: int, expected: datetime
) -> None:
    assert hours.add(start, minutes) == expected


@pytest.mark.parametrize(
    ("hours", "since", "until", "expected_minutes"),
    [
        (WEEKDAYS_9_21, msk(27, 20, 30), msk(30, 9, 30), 60),
        (WEEKDAYS_9_21, msk(28, 10, 0), msk(29, 18, 0), 0),  # the whole weekend
        (WEEKDAYS_9_21, msk(26, 8, 0), msk(26, 22, 0), 12 * 60),
        (WEEKDAYS_9_21, msk(26, 10, 0), msk(26, 9, 0), 0),  # backwards
        (EVERY_DAY, msk(27, 20, 0), msk(28, 10, 0), 120),
        (BusinessHours(), msk(27, 20, 0), msk(28, 10, 0), 14 * 60),
    ],
)
def test_elapsed_working_time(
    hours: BusinessHours, since: datetime, until: datetime, expected_minutes: int
) -> None:
    assert hours.elapsed(since, until) == timedelta(minutes=expected_minutes)


@pytest.mark.parametrize("minutes", [1, 29, 60, 61, 719, 720, 721, 3000])
def test_add_and_elapsed_agree(minutes: int) -> None:
    start = msk(27, 19, 47)
    end = WEEKDAYS_9_21.add(start, minutes)
    assert WEEKDAYS_9_21.elapsed(start, end) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("at", "working"),
    [
        (msk(27, 9, 0), True),
        (msk(27, 20, 59), True),
        (msk(27, 21, 0), False),
        (msk(28, 12, 0), False),
        (msk(30, 8, 59), False),
    ],
)
def test_is_working(at: datetime, working: bool) -> None:
    assert WEEKDAYS_9_21.is_working(at) is working
    assert BusinessHours().is_working(at) is True


def test_configuration_without_working_time_runs_around_the_clock() -> None:
    no_days = BusinessHours(enabled=True, work_days=frozenset())
    assert no_days.add(msk(27, 20, 30), 60) == msk(27, 21, 30)
    unknown_zone = BusinessHours(enabled=True, timezone="Mars/Olympus")
    assert unknown_zone.add(msk(27, 20, 30), 60) == msk(30, 9, 30)  # falls back to Moscow
