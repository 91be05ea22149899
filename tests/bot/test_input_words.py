"""The words people type after a command (bot.texts.input_words): every word a parser
accepts is listed in the help that command shows, in both languages, and every word the
help lists is one the parser accepts, with the value the vocabulary gives it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest

from bot.admin.onboarding import SellerDraft, parse_one_line
from bot.drafts.ai_settings import CLEAR
from bot.drafts.ai_settings import usage as ai_usage
from bot.sla import config
from bot.sla.config import ConfigError, parse_days, parse_hours, parse_minutes, parse_priority
from bot.sla.queue_commands import QueueAsk, View, parse_filter
from bot.sla.queue_commands import usage as queue_usage
from bot.sla.rule_commands import VERBS
from bot.sla.rule_views import hours_help, refusal_reason, rules_help, targets_help
from bot.sla.stats import parse_period
from bot.sla.stats import usage as stats_usage
from bot.texts import Locale, text
from bot.texts import input_words as vocab
from bot.texts.input_words import Vocabulary, accepted
from bot.texts.locale import LOCALES

Help = Callable[[Locale], str]

# Which help lists which vocabulary.
LISTED: list[tuple[str, Vocabulary[object], Help]] = [
    ("priorities in /rules", vocab.PRIORITIES, rules_help),
    ("priorities in /targets", vocab.PRIORITIES, targets_help),
    ("rule kinds", vocab.RULE_KINDS, rules_help),
    ("rule verbs", vocab.RULE_VERBS, rules_help),
    ("duration units", vocab.DURATION_UNITS, targets_help),
    ("weekdays", vocab.WEEKDAYS, hours_help),
    ("every day", vocab.EVERY_DAY, hours_help),
    ("hours on/off", vocab.HOURS_SWITCH, hours_help),
    (
        "priority refusal",
        vocab.PRIORITIES,
        lambda locale: refusal_reason(ConfigError("x", key="priority", word="x"), locale),
    ),
    (
        "verb refusal",
        vocab.RULE_VERBS,
        lambda locale: refusal_reason(ConfigError("x", key="verb", word="x"), locale),
    ),
]


def listed(word: str, shown: str) -> bool:
    """``word`` appears in ``shown`` as a whole word (not inside "first_message")."""
    pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
    return re.search(pattern, html.unescape(shown), re.IGNORECASE) is not None


@pytest.mark.parametrize(("what", "words", "shown"), LISTED, ids=[w for w, _, _ in LISTED])
@pytest.mark.parametrize("locale", LOCALES)
def test_every_accepted_word_is_in_the_help(
    what: str, words: Vocabulary[object], shown: Help, locale: Locale
) -> None:
    rendered = shown(locale)
    missing = [word for word in accepted(words) if not listed(word, rendered)]
    assert not missing, (what, locale, rendered)


# Helps that list only the words of the person's language (issue 16: a Russian help shows
# no English words); the other language's words are still accepted.
LISTED_OWN: list[tuple[str, Vocabulary[object], Help]] = [
    ("queue views", vocab.QUEUE_VIEWS, queue_usage),
    ("stats periods", vocab.STATS_PERIODS, stats_usage),
]


@pytest.mark.parametrize(("what", "words", "shown"), LISTED_OWN, ids=[w for w, _, _ in LISTED_OWN])
@pytest.mark.parametrize("locale", LOCALES)
def test_a_help_lists_the_words_of_its_language_only(
    what: str, words: Vocabulary[object], shown: Help, locale: Locale
) -> None:
    rendered = shown(locale)
    missing = [word for word in words[locale] if not listed(word, rendered)]
    assert not missing, (what, locale, rendered)
    own = list(words[locale])
    foreign = [
        w
        for w in accepted(words)
        if not any(w in mine for mine in own) and listed(w, rendered)  # "7" is in "7 дней"
    ]
    assert not foreign, (what, locale, rendered)


def test_the_listed_words_of_the_help_texts_are_the_vocabularies() -> None:
    """The reverse direction: the lists in the help are generated, so what they show is
    exactly a vocabulary (checked on one: nothing else sits between its separators)."""
    shown = html.unescape(stats_usage("ru")).removeprefix("Период: /stats ")
    entries = [entry.split(" | ") for entry in shown.split(", ")]
    assert sorted(w for entry in entries for w in entry) == sorted(vocab.STATS_PERIODS["ru"])


@pytest.mark.parametrize("word", sorted(vocab.QUEUE_VIEWS_FORMER))
def test_the_former_unread_words_still_work(word: str) -> None:
    assert parse_filter(word) == QueueAsk(View.UNCLAIMED)
    assert parse_filter("без_ответственного") == QueueAsk(View.UNCLAIMED)


@pytest.mark.parametrize("locale", LOCALES)
def test_an_unknown_kind_is_answered_with_one_accepted_word_per_kind(locale: Locale) -> None:
    """The rule kinds' refusal is kept short: one word per kind, each one accepted."""
    reason = refusal_reason(ConfigError("x", key="kind", word="x"), locale)
    # "…; бывают: слова, регулярка, …" / "…; use keyword, regex, …"
    listed_words = html.unescape(reason).split("; ")[-1].split(" ", 1)[1].split(", ")
    kinds = accepted(vocab.RULE_KINDS)
    assert sorted(kinds[word] for word in listed_words) == sorted(set(kinds.values()))


def both_cases(words: Vocabulary[object]) -> list[tuple[str, object]]:
    pairs = list(accepted(words).items())
    return pairs + [(word.upper(), value) for word, value in pairs]


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.PRIORITIES))
def test_priority_words(word: str, value: object) -> None:
    assert parse_priority(word) == value


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.RULE_KINDS))
def test_rule_kind_words(word: str, value: object) -> None:
    rest = "3" if value == "unanswered_at_least" else "брак"
    assert config.parse_rule(f"high {word} {rest}").kind == value


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.RULE_VERBS))
def test_rule_verb_words(word: str, value: object) -> None:
    assert VERBS[word.lower()] == value  # rules() looks a verb up lower-cased


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.WEEKDAYS))
def test_weekday_words(word: str, value: object) -> None:
    assert parse_days(word) == (value,)


@pytest.mark.parametrize(("word", "_"), both_cases(vocab.EVERY_DAY))
def test_every_day_words(word: str, _: object) -> None:
    assert parse_days(word) == (1, 2, 3, 4, 5, 6, 7)


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.HOURS_SWITCH))
def test_hours_switch_words(word: str, value: object) -> None:
    assert parse_hours(word).enabled is value


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.DURATION_UNITS))
def test_duration_units(word: str, value: object) -> None:
    assert parse_minutes(f"2{word}") == (120 if value == "h" else 2)


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.QUEUE_VIEWS))
def test_queue_view_words(word: str, value: object) -> None:
    assert parse_filter(word) == QueueAsk(View(str(value)))


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.STATS_PERIODS))
def test_stats_period_words(word: str, value: object) -> None:
    assert parse_period(word) == value


def test_a_word_cannot_mean_two_things() -> None:
    clash: Vocabulary[str] = {"ru": {"все": "all"}, "en": {"ВСЕ": "mine"}}
    with pytest.raises(ValueError, match="two things"):
        accepted(clash)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_ai_text_usage_says_how_to_clear(locale: Locale) -> None:
    """/ai_tone and /ai_instructions take free text; the one word they treat specially
    (``-`` clears the setting) is in their usage."""
    assert f"{CLEAR}</code>" in ai_usage("/ai_tone", locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_add_seller_usage_names_every_marketplace_word(locale: Locale) -> None:
    """Written by hand (one example line per marketplace), so checked word by word."""
    shown = text("add.usage.marketplaces", locale)
    assert [w for w in accepted(vocab.MARKETPLACES) if not listed(w, shown)] == []


@pytest.mark.parametrize(("word", "value"), both_cases(vocab.MARKETPLACES))
def test_marketplace_words(word: str, value: object) -> None:
    key = "123 key-key-key-key" if value == "ozon" else "token-token"  # Ozon: Client-Id too
    parsed = parse_one_line(f"/add_seller {word} {key}")
    assert isinstance(parsed, SellerDraft) and parsed.marketplace == value
