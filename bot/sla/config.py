"""Parsing what admins type in /rules, /targets and /hours (pure; errors name the problem).

Russian and English words are both accepted: ``/rules add срочно слова брак, сломан``,
``/targets urgent 30m 1h``, ``/hours 09:00-21:00 пн-пт Europe/Moscow``; the words live in
:mod:`bot.texts.input_words`, next to the help texts that list them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sla.rules import compile_regex
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted
from storage.records import PRIORITIES, Priority
from storage.sla_repo import RuleSpec

_PRIORITY_NAMES: dict[str, Priority] = {p: p for p in PRIORITIES}
# What people type (bot.texts.input_words), lower-cased → the parser's value; a
# vocabulary value that is not one of ours fails here, at import.
PRIORITY_WORDS: dict[str, Priority] = {
    word: _PRIORITY_NAMES[value] for word, value in accepted(vocab.PRIORITIES).items()
}
KIND_WORDS: dict[str, str] = accepted(vocab.RULE_KINDS)
DAY_WORDS: dict[str, int] = accepted(vocab.WEEKDAYS)
EVERY_DAY_WORDS: frozenset[str] = frozenset(accepted(vocab.EVERY_DAY))
HOURS_SWITCH_WORDS: dict[str, bool] = accepted(vocab.HOURS_SWITCH)
_MAX_PATTERN = 300


def _units(unit: str) -> str:
    """A regex alternation of the words for one duration unit, longest first."""
    found = [w for w, value in accepted(vocab.DURATION_UNITS).items() if value == unit]
    return "|".join(re.escape(w) for w in sorted(found, key=len, reverse=True))


_DURATION_RE = re.compile(rf"^(?:(\d+)\s*(?:{_units('h')}))?\s*(?:(\d+)\s*(?:{_units('m')})?)?$")
_TIME_RANGE_RE = re.compile(r"^(\d{1,2}):?(\d{2})?\s*-\s*(\d{1,2}):?(\d{2})?$")


class ConfigError(ValueError):
    """Something the admin typed cannot be used; the message says what (in English, for
    logs), ``key`` names the ``sla.error.*`` text that says it in the admin's language,
    and ``values`` fill it in."""

    def __init__(self, message: str, *, key: str = "", **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


def parse_priority(word: str) -> Priority:
    found = PRIORITY_WORDS.get(word.lower())
    if found is None:
        raise ConfigError(
            f"priority {word!r}: use urgent, high, normal or low", key="priority", word=word
        )
    return found


def parse_rule(args: str) -> RuleSpec:
    """``<priority> <kind> [pattern | N]``."""
    parts = args.strip().split(maxsplit=1)
    if len(parts) < 2:
        raise ConfigError("need a priority and a kind", key="need_kind")
    priority = parse_priority(parts[0])
    kind, rest = _kind(parts[1])
    if kind in ("keyword", "regex"):
        if not rest:
            raise ConfigError("words or a pattern are needed", key="need_pattern")
        if len(rest) > _MAX_PATTERN:
            raise ConfigError(
                f"the pattern is longer than {_MAX_PATTERN} characters",
                key="pattern_long",
                limit=_MAX_PATTERN,
            )
        if kind == "regex" and compile_regex(rest) is None:
            raise ConfigError("the regular expression is invalid", key="regex")
        return RuleSpec(kind=kind, priority=priority, pattern=rest)
    if kind == "unanswered_at_least":
        if not rest.isdigit() or int(rest) < 1:
            raise ConfigError("give the number of messages, e.g. unanswered 3", key="need_count")
        return RuleSpec(kind=kind, priority=priority, threshold=int(rest))
    return RuleSpec(kind=kind, priority=priority)


def _kind(words: str) -> tuple[str, str]:
    """The rule kind ``words`` start with (the longest phrase: "первое сообщение" before
    "первое") and the words after it."""
    split = words.split()
    for phrase in sorted(KIND_WORDS, key=len, reverse=True):
        size = len(phrase.split())
        if [w.lower() for w in split[:size]] == phrase.split():
            rest = words.split(maxsplit=size)
            return KIND_WORDS[phrase], rest[size].strip() if len(rest) > size else ""
    raise ConfigError(f"kind {split[0]!r} is unknown", key="kind", word=split[0])


def parse_minutes(word: str) -> int:
    """ "30", "30m", "1h", "1ч30м", "2h 15m" → minutes (1 min .. 30 days)."""
    match = _DURATION_RE.match(word.strip().lower())
    if not match or not any(match.groups()):
        raise ConfigError(f"{word!r} is not a duration like 30m or 4h", key="duration", word=word)
    hours, minutes = (int(g) if g else 0 for g in match.groups())
    total = hours * 60 + minutes
    if not 1 <= total <= 30 * 24 * 60:
        raise ConfigError(f"{word!r} must be between 1 minute and 30 days", key="range", word=word)
    return total


def parse_targets(args: str) -> tuple[Priority, int, int]:
    parts = args.split()
    if len(parts) != 3:
        raise ConfigError("need a priority, a target and a hard limit", key="need_targets")
    priority = parse_priority(parts[0])
    target, hard = parse_minutes(parts[1]), parse_minutes(parts[2])
    if hard < target:
        raise ConfigError("the hard limit cannot be shorter than the target", key="hard_shorter")
    return priority, target, hard


@dataclass(frozen=True, slots=True)
class HoursSpec:
    enabled: bool
    timezone: str | None = None
    work_days: tuple[int, ...] | None = None
    start: time | None = None
    end: time | None = None


def parse_days(word: str) -> tuple[int, ...]:
    """ "пн-пт", "mon-sun", "пн,ср,пт", "1-5", "все"/"daily"."""
    value = word.lower()
    if value in EVERY_DAY_WORDS:
        return tuple(range(1, 8))
    days: set[int] = set()
    for chunk in value.split(","):
        ends = [_day(p) for p in chunk.split("-")]
        if len(ends) == 1:
            days.add(ends[0])
        elif len(ends) == 2 and ends[0] <= ends[1]:
            days.update(range(ends[0], ends[1] + 1))
        else:
            raise ConfigError(f"days {word!r}: use e.g. mon-fri", key="days", word=word)
    return tuple(sorted(days))


def _day(word: str) -> int:
    word = word.strip()
    if word.isdigit() and 1 <= int(word) <= 7:
        return int(word)
    found = DAY_WORDS.get(word[:3]) or DAY_WORDS.get(word[:2])
    if found is None:
        raise ConfigError(f"{word!r} is not a day", key="day", word=word)
    return found


def _time(hour: str, minute: str | None) -> time:
    h, m = int(hour), int(minute or 0)
    if h == 24 and m == 0:
        return time(23, 59)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ConfigError(
            f"{hour}:{minute or '00'} is not a time", key="time", word=f"{hour}:{minute or '00'}"
        )
    return time(h, m)


def parse_hours(args: str) -> HoursSpec:
    """``off`` | ``on`` | ``HH:MM-HH:MM [days] [Time/Zone]`` (any order after the times)."""
    parts = args.split()
    if not parts:
        raise ConfigError("nothing to change", key="nothing")
    switch = HOURS_SWITCH_WORDS.get(parts[0].lower())
    if switch is not None:
        return HoursSpec(enabled=switch)
    match = _TIME_RANGE_RE.match(parts[0])
    if not match:
        raise ConfigError("start with working hours like 09:00-21:00, or off", key="hours_first")
    start, end = _time(match[1], match[2]), _time(match[3], match[4])
    if start >= end:
        raise ConfigError("the working day must end after it starts", key="day_order")
    days: tuple[int, ...] | None = None
    zone: str | None = None
    for word in parts[1:]:
        if "/" in word or word.upper() == "UTC":
            try:
                ZoneInfo(word)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"time zone {word!r} is unknown", key="zone", word=word
                ) from None
            zone = word
        else:
            days = parse_days(word)
    if days is not None and not days:
        raise ConfigError("at least one working day is needed", key="no_days")
    return HoursSpec(enabled=True, timezone=zone, work_days=days, start=start, end=end)
