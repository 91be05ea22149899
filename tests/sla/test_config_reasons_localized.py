"""Why /rules, /targets or /hours refused the input is said in the admin's language."""

from __future__ import annotations

import re

import pytest

from bot.sla.config import ConfigError, parse_hours, parse_rule, parse_targets
from bot.sla.rule_views import refusal_reason, rule_numbers

BAD_INPUT = [
    (parse_rule, ""),
    (parse_rule, "soon keyword x"),
    (parse_rule, "urgent word"),
    (parse_rule, "urgent keyword"),
    (parse_rule, "urgent keyword " + "x" * 301),
    (parse_rule, "urgent regex ("),
    (parse_rule, "urgent unanswered 0"),
    (parse_targets, "urgent"),
    (parse_targets, "urgent soon 1h"),
    (parse_targets, "urgent 0 1h"),
    (parse_targets, "urgent 2h 1h"),
    (parse_hours, ""),
    (parse_hours, "morning"),
    (parse_hours, "25-26"),
    (parse_hours, "18-9"),
    (parse_hours, "9-18 Mars/Olympus"),
    (parse_hours, "9-18 xyz"),
    (parse_hours, "9-18 пт-пн"),
    (parse_hours, "9-18 ,"),
    (lambda args: rule_numbers(args, 3, 1), "x"),
    (lambda args: rule_numbers(args, 3, 1), "9"),
]
LATIN_WORDS = re.compile(r"\b(?:the|is|use|need|give|must|cannot|like|or|between)\b")


@pytest.mark.parametrize(("parse", "args"), BAD_INPUT)
def test_every_refusal_has_a_russian_and_an_english_reason(parse: object, args: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(args)  # type: ignore[operator]
    russian, english = refusal_reason(raised.value, "ru"), refusal_reason(raised.value, "en")
    assert russian and english and russian != english
    assert not LATIN_WORDS.search(russian), russian
    assert len(russian) <= 200 and len(english) <= 200
