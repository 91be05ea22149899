"""The words people type after a command, per language, next to the words the bot says.

Each vocabulary maps, per locale, a word someone may type to the value its parser works
with. A parser accepts every word of every locale (a Russian team types English words
too, and the other way round), case-insensitively: :func:`accepted`. The help texts that
list these words are filled from the same tables (:func:`spelled`), so a word cannot be
accepted without being documented, nor documented without being accepted
(``tests/bot/test_input_words.py``). Values are plain strings (or ISO weekday numbers) so
this floor imports no feature; each parser turns them into its own types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from bot.texts.locale import LOCALES, Locale

T = TypeVar("T")
#: Between the synonyms of one value in a help text ("/" would split "24/7").
BETWEEN_SYNONYMS = " | "

#: Per locale: the word as typed → the parser's value.
Vocabulary = Mapping[Locale, Mapping[str, T]]

#: A chat's priority in /rules add and /targets (storage.records.Priority).
PRIORITIES: Vocabulary[str] = {
    "ru": {
        "срочно": "urgent",
        "срочный": "urgent",
        "высокий": "high",
        "обычный": "normal",
        "низкий": "low",
    },
    "en": {"urgent": "urgent", "high": "high", "normal": "normal", "low": "low"},
}

#: The kind of a /rules add rule (storage.records.SlaRule.kind); a kind may be several
#: words ("первое сообщение"), the longest one the arguments start with wins.
RULE_KINDS: Vocabulary[str] = {
    "ru": {
        "ключевые слова": "keyword",
        "слова": "keyword",
        "слово": "keyword",
        "шаблон": "regex",
        "регулярка": "regex",
        "первое сообщение": "first_message",
        "первое": "first_message",
        "с заказом": "has_order",
        "заказ": "has_order",
        "с_заказом": "has_order",
        "без заказа": "no_order",
        "без_заказа": "no_order",
        "без ответа": "unanswered_at_least",
        "без_ответа": "unanswered_at_least",
        "вне рабочего времени": "outside_hours",
        "вне_часов": "outside_hours",
        "ночью": "outside_hours",
    },
    "en": {
        "keyword": "keyword",
        "keywords": "keyword",
        "regex": "regex",
        "first": "first_message",
        "first_message": "first_message",
        "order": "has_order",
        "has_order": "has_order",
        "no_order": "no_order",
        "unanswered": "unanswered_at_least",
        "unanswered_at_least": "unanswered_at_least",
        "outside_hours": "outside_hours",
    },
}

#: What /rules is asked to do (also the audit action).
RULE_VERBS: Vocabulary[str] = {
    "ru": {"добавить": "add", "переместить": "move", "удалить": "del", "сброс": "reset"},
    "en": {
        "add": "add",
        "move": "move",
        "del": "del",
        "delete": "del",
        "remove": "del",
        "reset": "reset",
    },
}

#: Weekdays in /hours (ISO numbers, 1 = Monday). A longer word is read by its first three
#: (or two) letters, so "monday" and "среда" are understood too.
WEEKDAYS: Vocabulary[int] = {
    "ru": {"пн": 1, "вт": 2, "ср": 3, "чт": 4, "пт": 5, "сб": 6, "вс": 7},
    "en": {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7},
}

#: Every day of the week, in /hours.
EVERY_DAY: Vocabulary[str] = {
    "ru": {"все": "all", "ежедневно": "all"},
    "en": {"daily": "all", "all": "all"},
}

#: /hours off and /hours on.
HOURS_SWITCH: Vocabulary[bool] = {
    "ru": {"выкл": False, "нет": False, "вкл": True, "да": True},
    "en": {"off": False, "24/7": False, "on": True},
}

#: /digest off and /digest on (bot.digest.settings).
DIGEST_SWITCH: Vocabulary[bool] = {
    "ru": {"выкл": False, "вкл": True},
    "en": {"off": False, "on": True},
}

#: Units of a duration in /targets ("30m", "1ч30м"): hours or minutes.
DURATION_UNITS: Vocabulary[str] = {
    "ru": {"ч": "h", "м": "m", "мин": "m"},
    "en": {"h": "h", "m": "m", "min": "m"},
}

#: The views of /queue (bot.sla.queue_commands.View); anything else is a shop. "unclaimed"
#: (nobody owns the chat) was once called "unread": :data:`QUEUE_VIEWS_FORMER` keeps
#: those words working without showing them. A "_" may stand for a space when typed.
QUEUE_VIEWS: Vocabulary[str] = {
    "ru": {
        "все": "all",
        "срочные": "urgent",
        "просроченные": "overdue",
        "просрочены": "overdue",
        "без ответственного": "unclaimed",
        "свободные": "unclaimed",
        "мои": "mine",
    },
    "en": {
        "all": "all",
        "urgent": "urgent",
        "overdue": "overdue",
        "unclaimed": "unclaimed",
        "mine": "mine",
    },
}

#: Former /queue words, still accepted, no longer listed (they named the view wrongly).
QUEUE_VIEWS_FORMER: Mapping[str, str] = {"unread": "unclaimed", "непрочитанные": "unclaimed"}

#: The period of /stats (bot.sla.stats.PERIODS); digits count as English.
STATS_PERIODS: Vocabulary[str] = {
    "ru": {
        "сегодня": "today",
        "день": "today",
        "7 дней": "7d",
        "неделя": "7d",
        "30 дней": "30d",
        "месяц": "30d",
    },
    "en": {
        "today": "today",
        "7d": "7d",
        "7": "7d",
        "week": "7d",
        "30d": "30d",
        "30": "30d",
        "month": "30d",
    },
}

#: The marketplace in /add_seller (bot.admin.onboarding.MARKETPLACES): the same Latin
#: names in both languages. ``add.usage.marketplaces`` is written out by hand (its
#: examples need one line per marketplace, and the /add_seller handlers render usage
#: texts without values); the test checks it names every word here.
MARKETPLACES: Vocabulary[str] = {
    "ru": {},
    "en": {
        "ozon": "ozon",
        "wildberries": "wildberries",
        "wb": "wildberries",
        "ym": "ym",
        "yandex": "ym",
        "yandex_market": "ym",
    },
}


def accepted(vocabulary: Vocabulary[T]) -> dict[str, T]:
    """Every word of every locale, lower-cased → its value: what a parser accepts. Refuses
    (at import) a word that two locales give different values."""
    merged: dict[str, T] = {}
    for locale in LOCALES:
        for word, value in vocabulary[locale].items():
            key = word.lower()
            if key in merged and merged[key] != value:
                raise ValueError(f"{key!r} means two things: {merged[key]!r}, {value!r}")
            merged[key] = value
    return merged


def _grouped(vocabulary: Vocabulary[T], locale: Locale) -> dict[T, list[str]]:
    """value → its words, values in the order ``locale`` lists them, its own words first."""
    order = [locale, *(other for other in LOCALES if other != locale)]
    words: dict[T, list[str]] = {}
    for each in order:
        for word, value in vocabulary[each].items():
            synonyms = words.setdefault(value, [])
            if word not in synonyms:
                synonyms.append(word)
    return words


def spelled(
    vocabulary: Vocabulary[T], locale: Locale, hints: Mapping[T, str] | None = None
) -> str:
    """The words of ``vocabulary`` for a help text in ``locale``: one entry per value, its
    synonyms joined by " | " with the locale's own words first, entries joined by ", ";
    ``hints`` add a note after a value's words (``без_ответа | unanswered N``). Plain text:
    :func:`bot.texts.text` escapes it."""
    hints = hints or {}
    entries = []
    for value, synonyms in _grouped(vocabulary, locale).items():
        hint = hints.get(value)
        entries.append(BETWEEN_SYNONYMS.join(synonyms) + (f" {hint}" if hint else ""))
    return ", ".join(entries)


def spelled_own(
    vocabulary: Vocabulary[T], locale: Locale, hints: Mapping[T, str] | None = None
) -> str:
    """As :func:`spelled`, but only ``locale``'s own words (the other locales' words are
    still accepted, just not shown: a Russian help lists no English words). A value the
    locale has no word for is shown by the other locales' words."""
    own: dict[T, list[str]] = {}
    for word, value in vocabulary[locale].items():
        own.setdefault(value, []).append(word)
    hints = hints or {}
    entries = []
    for value, synonyms in _grouped(vocabulary, locale).items():
        shown = own.get(value) or synonyms
        hint = hints.get(value)
        entries.append(BETWEEN_SYNONYMS.join(shown) + (f" {hint}" if hint else ""))
    return ", ".join(entries)


def normalized(typed: str) -> str:
    """What someone typed as a vocabulary key: lower case, "_" for a space, single spaces
    ("Без_ответственного" and "без  ответственного" both find "без ответственного")."""
    return " ".join(typed.replace("_", " ").lower().split())


def spelled_one(vocabulary: Vocabulary[T], locale: Locale, value: T) -> str:
    """The words for one ``value`` ("выкл | нет | off | 24/7"), the locale's own first."""
    return BETWEEN_SYNONYMS.join(_grouped(vocabulary, locale)[value])


def named(vocabulary: Vocabulary[T], locale: Locale) -> str:
    """One word per value, the locale's own where it has one: the short list a refusal
    ends with (the command's help lists every synonym)."""
    return ", ".join(synonyms[0] for synonyms in _grouped(vocabulary, locale).values())
