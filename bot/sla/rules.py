"""Priority rules: an ordered list per seller; the first enabled rule that matches decides.

Kinds (the ``sla_rules`` CHECK constraint): ``keyword`` (any of comma-separated words or
word beginnings in the buyer's text, case- and ё-insensitive), ``regex`` (Python regular
expression, case-insensitive), ``first_message`` (the first buyer turn of a chat),
``has_order`` / ``no_order`` (the chat is linked to an order or not),
``unanswered_at_least`` (N or more buyer messages wait for an answer), ``outside_hours``
(the message came outside the seller's business hours).

Admins type the regular expressions and buyers type the text, so a pattern with
catastrophic backtracking (``(a|aa)+$``) must not stall ingestion for every workspace: the
``regex`` engine runs each search with a time limit, and a search that hits it counts as
no match.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from storage.records import PRIORITIES, Priority, SlaRule

DEFAULT_PRIORITY: Priority = "normal"
RULE_KINDS = (
    "keyword",
    "regex",
    "first_message",
    "has_order",
    "no_order",
    "unanswered_at_least",
    "outside_hours",
)
_MAX_TEXT = 4000  # a pattern only ever looks at the start of a very long message
REGEX_TIMEOUT_SECONDS = 0.05

logger = logging.getLogger(__name__)


def rank(priority: str) -> int:
    """0 for urgent … 3 for low: smaller is more urgent."""
    return PRIORITIES.index(priority)


def most_urgent(*priorities: str) -> Priority:
    return PRIORITIES[min(rank(p) for p in priorities)]


@dataclass(frozen=True, slots=True)
class TurnFacts:
    """What the rules may look at for one buyer message."""

    text: str
    first_turn: bool
    has_order: bool
    unanswered: int
    outside_hours: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    priority: Priority
    rule_id: int | None


def _normalise(value: str) -> str:
    return value.casefold().replace("ё", "е")


def keywords(pattern: str) -> list[str]:
    return [w for w in (_normalise(p).strip() for p in pattern.split(",")) if w]


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> regex.Pattern[str] | None:
    try:
        return regex.compile(pattern, regex.IGNORECASE)
    except (regex.error, ValueError):
        return None


def _keyword(rule: SlaRule, facts: TurnFacts) -> bool:
    text = _normalise(facts.text[:_MAX_TEXT])
    return any(word in text for word in keywords(rule.pattern or ""))


def _regex(rule: SlaRule, facts: TurnFacts) -> bool:
    compiled = compile_regex(rule.pattern or "")
    if compiled is None:
        return False
    try:
        found = compiled.search(facts.text[:_MAX_TEXT], timeout=REGEX_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning("rule=%s: regular expression too slow, treated as no match", rule.id)
        return False
    return found is not None


_MATCHERS: dict[str, Callable[[SlaRule, TurnFacts], bool]] = {
    "keyword": _keyword,
    "regex": _regex,
    "first_message": lambda _rule, facts: facts.first_turn,
    "has_order": lambda _rule, facts: facts.has_order,
    "no_order": lambda _rule, facts: not facts.has_order,
    "unanswered_at_least": lambda rule, facts: facts.unanswered >= (rule.threshold or 1),
    "outside_hours": lambda _rule, facts: facts.outside_hours,
}


def matches(rule: SlaRule, facts: TurnFacts) -> bool:
    matcher = _MATCHERS.get(rule.kind)
    return matcher is not None and matcher(rule, facts)


def decide(rules: Sequence[SlaRule], facts: TurnFacts) -> Decision:
    """The first enabled rule in order that matches; ``normal`` when none does."""
    for rule in sorted(rules, key=lambda r: r.position):
        if rule.enabled and matches(rule, facts):
            return Decision(rule.priority, rule.id)
    return Decision(DEFAULT_PRIORITY, None)
