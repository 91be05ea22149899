"""Counted nouns read as a person would write them, at the numbers that pick each form."""

from __future__ import annotations

import pytest

from bot.texts import TEXTS, Locale, text

# key, values besides the count, the count's name, then what each locale says at 1, 2, 5, 11, 21
SENTENCES: list[tuple[str, dict[str, object], str, dict[Locale, list[str]]]] = [
    (
        "notice.batch_head", {}, "count",
        {
            "ru": ["1 чат требует", "2 чата требуют", "5 чатов требуют", "11 чатов требуют",
                   "21 чат требует"],
            "en": ["1 chat needs", "2 chats need", "5 chats need", "11 chats need",
                   "21 chats need"],
        },
    ),
    (
        "stats.row", {"name": "Анна", "share": "50%", "median": "1"}, "answered",
        {
            "ru": ["1 ответ,", "2 ответа,", "5 ответов,", "11 ответов,", "21 ответ,"],
            "en": ["1 reply,", "2 replies,", "5 replies,", "11 replies,", "21 replies,"],
        },
    ),
    (
        "reply_failed.gave_up", {"detail": "timeout"}, "attempts",
        {
            "ru": ["1 попытка не удалась", "2 попытки не удались", "5 попыток не удались",
                   "11 попыток не удались", "21 попытка не удалась"],
            "en": ["1 attempt failed", "2 attempts failed", "5 attempts failed",
                   "11 attempts failed", "21 attempts failed"],
        },
    ),
    (
        "add.progress", {"shop": "A", "imported": 0}, "found",
        {
            "ru": ["найдено 1 чат,", "найдено 2 чата,", "найдено 5 чатов,", "найдено 11 чатов,",
                   "найдено 21 чат,"],
            "en": ["found 1 chat,", "found 2 chats,", "found 5 chats,", "found 11 chats,",
                   "found 21 chats,"],
        },
    ),
    (
        "rules.kind.unanswered_at_least", {}, "threshold",
        {
            "ru": ["1 сообщения без", "2 сообщений без", "5 сообщений без", "11 сообщений без",
                   "21 сообщения без"],
            "en": ["1 unanswered message", "2 unanswered messages", "5 unanswered messages",
                   "11 unanswered messages", "21 unanswered messages"],
        },
    ),
    (
        "reply_failed.too_long", {}, "length",
        {
            "ru": ["1 символ,", "2 символа,", "5 символов,", "11 символов,", "21 символ,"],
            "en": ["1 character ", "2 characters", "5 characters", "11 characters",
                   "21 characters"],
        },
    ),
]  # fmt: skip
COUNTS = (1, 2, 5, 11, 21)


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize(
    ("key", "values", "counted", "expected"), SENTENCES, ids=[s[0] for s in SENTENCES]
)
def test_counted_sentences(
    locale: Locale,
    key: str,
    values: dict[str, object],
    counted: str,
    expected: dict[Locale, list[str]],
) -> None:
    for count, phrase in zip(COUNTS, expected[locale], strict=True):
        rendered = text(key, locale, **values, **{counted: count})
        assert phrase in rendered, (count, rendered)


def test_no_gender_or_number_hacks_remain() -> None:
    hacks = [key for key, t in TEXTS.items() if "(а)" in t["ru"] or "(s)" in t["en"]]
    assert hacks == []
