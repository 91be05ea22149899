"""Priority rules: order decides, each kind matches what it says, defaults make sense."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.sla.hours import BusinessHours
from bot.sla.policy import SlaPolicy, escalates
from bot.sla.rules import TurnFacts, decide
from storage.records import SlaRule
from storage.sla_defaults import DEFAULT_RULES

T = datetime(2026, 11, 27, 12, tzinfo=UTC)


def rule(  # noqa: PLR0917 - mirrors the table columns
    position: int,
    kind: str,
    priority: str,
    pattern: str | None = None,
    threshold: int | None = None,
    enabled: bool = True,
) -> SlaRule:
    return SlaRule(position + 100, 1, position, kind, pattern, threshold, priority, enabled, T)  # type: ignore[arg-type]


def facts(
    text: str = "Здравствуйте",
    *,
    first: bool = False,
    order: bool = True,
    unanswered: int = 1,
    outside: bool = False,
) -> TurnFacts:
    return TurnFacts(text, first, order, unanswered, outside)


DEFAULTS = [
    rule(i, r.kind, r.priority, r.pattern, r.threshold) for i, r in enumerate(DEFAULT_RULES)
]


@pytest.mark.parametrize(
    ("message", "first", "unanswered", "expected"),
    [
        ("Пришёл БРАК, коробка порвана", False, 1, "urgent"),
        ("Вы прислали не тот товар", False, 1, "urgent"),
        ("Буду писать в Роспотребнадзор", False, 1, "urgent"),
        ("Где мой заказ? Не пришёл", False, 1, "high"),
        ("Хочу оформить возврат", True, 1, "high"),
        ("Какой размер выбрать?", True, 1, "high"),  # a new chat
        ("Ну что там?", False, 3, "high"),  # three unanswered messages
        ("Спасибо, всё отлично!", False, 1, "low"),
        ("Благодарю, всё пришло целым", False, 1, "low"),
        ("Спасибо! А курьер заберёт сам?", False, 1, "normal"),  # thanks, but a question
        ("Рукав порван, что делать?", False, 1, "urgent"),
        ("Экран треснул при распаковке", False, 1, "urgent"),
        ("Спасибо, но пришёл брак", False, 1, "urgent"),  # the urgent rule comes first
        ("Подскажите, пожалуйста, цвет", False, 1, "normal"),
        # Thanks without a question in a new chat: low, not "first message → high".
        ("Спасибо большое, всё отлично!", True, 1, "low"),
        ("Спасибо! А когда доставка?", True, 1, "high"),  # a question: the new chat decides
        # A wrong colour or size is a wrong item.
        ("Пришёл другого цвета", False, 1, "urgent"),
        ("Не тот размер", True, 1, "urgent"),
        ("Прислали другой цвет", False, 1, "urgent"),
        ("Размер не тот, что заказывала", False, 1, "urgent"),
        ("А есть другого цвета?", False, 1, "normal"),  # a question about the range
    ],
)
def test_default_rules(message: str, first: bool, unanswered: int, expected: str) -> None:
    assert (
        decide(DEFAULTS, facts(message, first=first, unanswered=unanswered)).priority == expected
    )


def test_the_first_matching_rule_in_order_decides_not_the_highest() -> None:
    low_first = [rule(0, "keyword", "low", "спасибо"), rule(1, "keyword", "urgent", "брак")]
    decision = decide(low_first, facts("спасибо, но брак"))
    assert (decision.priority, decision.rule_id) == ("low", 100)
    reordered = [rule(0, "keyword", "urgent", "брак"), rule(1, "keyword", "low", "спасибо")]
    assert decide(reordered, facts("спасибо, но брак")).priority == "urgent"
    # Position, not list order, is what counts.
    assert decide(list(reversed(reordered)), facts("спасибо, но брак")).priority == "urgent"


def test_disabled_rules_are_skipped_and_nothing_matching_is_normal() -> None:
    rules = [rule(0, "keyword", "urgent", "брак", enabled=False)]
    assert decide(rules, facts("брак")).priority == "normal"
    assert decide([], facts("брак")).rule_id is None


@pytest.mark.parametrize(
    ("kind", "pattern", "threshold", "case", "matches"),
    [
        ("keyword", "ёлка, сломан", None, facts("ЕЛКА пришла"), True),
        ("keyword", "сломан", None, facts("всё цело"), False),
        ("regex", r"\bзаказ\s*№?\s*\d{5,}", None, facts("Заказ № 123456 где?"), True),
        ("regex", r"^\d+$", None, facts("не число"), False),
        ("regex", "([", None, facts("[("), False),  # an invalid pattern never matches
        ("first_message", None, None, facts(first=True), True),
        ("first_message", None, None, facts(first=False), False),
        ("has_order", None, None, facts(order=True), True),
        ("no_order", None, None, facts(order=True), False),
        ("no_order", None, None, facts(order=False), True),
        ("unanswered_at_least", None, 2, facts(unanswered=2), True),
        ("unanswered_at_least", None, 2, facts(unanswered=1), False),
        ("outside_hours", None, None, facts(outside=True), True),
        ("outside_hours", None, None, facts(outside=False), False),
    ],
)
def test_each_kind(
    kind: str, pattern: str | None, threshold: int | None, case: TurnFacts, matches: bool
) -> None:
    decision = decide([rule(0, kind, "high", pattern, threshold)], case)
    assert (decision.priority == "high") is matches


@pytest.mark.parametrize(
    ("current", "candidate", "up"),
    [("normal", "urgent", True), ("urgent", "low", False), ("high", "high", False)],
)
def test_a_turn_priority_only_goes_up(current: str, candidate: str, up: bool) -> None:
    assert escalates(current, candidate) is up


def test_deadlines_use_targets_hours_and_the_reply_window() -> None:
    policy = SlaPolicy(rules=[], targets={}, hours=BusinessHours())
    start = datetime(2026, 11, 27, 10, tzinfo=UTC)
    deadline, hard = policy.deadlines(priority="urgent", started_at=start, window_ends_at=None)
    assert (deadline - start, hard - start) == (timedelta(minutes=30), timedelta(hours=1))
    window = start.replace(hour=11)
    low, low_hard = policy.deadlines(priority="low", started_at=start, window_ends_at=window)
    assert low == low_hard == window  # Ozon's window caps both


def test_a_catastrophic_regex_is_cut_short_and_the_next_rule_decides() -> None:
    """An admin's pattern with nested repetition must not stall ingestion for everyone."""
    rules = [rule(0, "regex", "urgent", r"(a|aa)+$"), rule(1, "keyword", "high", "a")]
    decision = decide(rules, facts("a" * 3000 + "!"))
    assert decision.priority == "high"
