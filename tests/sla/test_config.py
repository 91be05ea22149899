"""What admins type for rules, targets and business hours (table-driven)."""

from __future__ import annotations

from datetime import time

import pytest

from bot.sla.config import (
    ConfigError,
    HoursSpec,
    parse_days,
    parse_hours,
    parse_minutes,
    parse_rule,
    parse_targets,
)
from storage.sla_repo import RuleSpec


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("urgent keyword брак, сломан", RuleSpec("keyword", "urgent", "брак, сломан")),
        ("срочно слова не тот товар", RuleSpec("keyword", "urgent", "не тот товар")),
        ("high regex ^где\\s", RuleSpec("regex", "high", "^где\\s")),
        ("high first", RuleSpec("first_message", "high")),
        ("низкий без_заказа", RuleSpec("no_order", "low")),
        ("high unanswered 3", RuleSpec("unanswered_at_least", "high", threshold=3)),
        ("normal outside_hours", RuleSpec("outside_hours", "normal")),
    ],
)
def test_parse_rule(args: str, expected: RuleSpec) -> None:
    assert parse_rule(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        "",
        "urgent",
        "asap keyword x",
        "urgent sometimes",
        "urgent keyword",
        "high regex ([",
        "high unanswered zero",
        "high unanswered 0",
        "urgent keyword " + "x" * 400,
    ],
)
def test_parse_rule_refuses(args: str) -> None:
    with pytest.raises(ConfigError):
        parse_rule(args)


@pytest.mark.parametrize(
    ("word", "minutes"),
    [
        ("30", 30),
        ("30m", 30),
        ("45мин", 45),
        ("1h", 60),
        ("4ч", 240),
        ("1ч30м", 90),
        ("2h15m", 135),
    ],
)
def test_parse_minutes(word: str, minutes: int) -> None:
    assert parse_minutes(word) == minutes


@pytest.mark.parametrize("word", ["", "soon", "0", "h", "100000h"])
def test_parse_minutes_refuses(word: str) -> None:
    with pytest.raises(ConfigError):
        parse_minutes(word)


def test_parse_targets() -> None:
    assert parse_targets("urgent 30m 1h") == ("urgent", 30, 60)
    with pytest.raises(ConfigError):
        parse_targets("urgent 2h 1h")  # hard limit shorter than the target
    with pytest.raises(ConfigError):
        parse_targets("urgent 30m")


@pytest.mark.parametrize(
    ("word", "days"),
    [
        ("пн-пт", (1, 2, 3, 4, 5)),
        ("mon-sun", (1, 2, 3, 4, 5, 6, 7)),
        ("пн,ср,пт", (1, 3, 5)),
        ("1-5", (1, 2, 3, 4, 5)),
        ("все", (1, 2, 3, 4, 5, 6, 7)),
        ("сб-вс", (6, 7)),
    ],
)
def test_parse_days(word: str, days: tuple[int, ...]) -> None:
    assert parse_days(word) == days


@pytest.mark.parametrize(
    ("args", "spec"),
    [
        ("off", HoursSpec(enabled=False)),
        ("on", HoursSpec(enabled=True)),
        (
            "09:00-21:00 пн-пт Europe/Moscow",
            HoursSpec(True, "Europe/Moscow", (1, 2, 3, 4, 5), time(9), time(21)),
        ),
        ("10-19 сб-вс", HoursSpec(True, None, (6, 7), time(10), time(19))),
        ("08:30-24:00", HoursSpec(True, None, None, time(8, 30), time(23, 59))),
    ],
)
def test_parse_hours(args: str, spec: HoursSpec) -> None:
    assert parse_hours(args) == spec


@pytest.mark.parametrize(
    "args",
    ["", "sometimes", "21:00-09:00", "09:00-21:00 Mars/Base", "09:00-21:00 пн-xx", "25:00-26:00"],
)
def test_parse_hours_refuses(args: str) -> None:
    with pytest.raises(ConfigError):
        parse_hours(args)
