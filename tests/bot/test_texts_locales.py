"""Every text key, in both languages, rendered with sample values: Russian that reads as a
person wrote it, English without Cyrillic.

Each key is rendered with every count field at 1, 2, 5 and 21 (the numbers that pick each
Russian form, 21 catching "21 чатов") and sample words for the rest. What a person sees
(tags dropped, entities decoded) is then checked: no untranslated Latin words in Russian
beyond a short allowlist, a number is followed by the noun form it needs, no «(а)» gender
brackets, the bot speaks as «я» (never «бот» about itself), no «отв.»-style abbreviations,
and English has no Cyrillic. The durations the SLA texts print are checked the same way.

Keys owned by other helpers of the same issue that still fail are in
``PENDING_OTHER_HELPERS``: they are skipped here, and the lead empties the list at merge.
"""

from __future__ import annotations

import re
import string
from datetime import timedelta

import pytest

from bot.sla.format import duration
from bot.texts import TEXTS, Locale, text
from bot.texts.markup import visible
from bot.texts.rendering import PLURAL_SPEC

COUNTS = (1, 2, 5, 21)
SAMPLE: dict[Locale, str] = {"ru": "Уютный дом", "en": "Cozy Home"}

# Fields that hold a number wherever they appear (besides any field with a plural spec):
# counts, sizes, limits and the parts of a duration.
NUMERIC_FIELDS = frozenset(
    {
        "accepted", "answered", "attempts", "count", "d", "decided", "done", "found", "h",
        "imported", "length", "limit", "m", "n", "remembered", "s", "size", "threshold",
        "total", "turns", "waiting",
    }
)  # fmt: skip

# Latin words a Russian text may show, each for a reason a Russian reader accepts:
ALLOWED_LATIN = frozenset(
    {
        # brands and product names, written so in Russian too
        "Ozon", "Wildberries", "WB", "Yandex", "Market", "Telegram", "DeepSeek",
        "BotFather", "Premium", "Plus", "Pro",
        # names the marketplace cabinets and the admin's settings use verbatim
        "API", "Api-Key", "Client-Id", "Seller", "ID", "id", "HTTPS", "JSON", "push", "Push",
        "SKU", "PDF", "FBS", "FBO", "JPEG", "PNG",
        # environment variables and files an owner edits (shown as they must be typed)
        "ADMIN_IDS", "OZON_PUSH_PORT", "FERNET_KEYS", "env",
        # a time-zone name is typed in its IANA spelling
        "Europe", "Moscow",
        # the support term Russian teams use as is
        "SLA",
    }
)  # fmt: skip

# The nouns the texts count, as (nominative/accusative forms for one, few, many) and
# (genitive for one, for the rest): after «после», «из», «до», «больше»… a count takes
# the genitive («после 1 попытки», «не меньше 21 сообщения»).
NOUNS: dict[str, tuple[tuple[set[str], set[str], set[str]], tuple[str, str]]] = {
    "чат": (({"чат"}, {"чата"}, {"чатов"}), ("чата", "чатов")),
    "сообщение": (({"сообщение"}, {"сообщения"}, {"сообщений"}), ("сообщения", "сообщений")),
    "минута": (({"минута", "минуту"}, {"минуты"}, {"минут"}), ("минуты", "минут")),
    "секунда": (({"секунда", "секунду"}, {"секунды"}, {"секунд"}), ("секунды", "секунд")),
    "час": (({"час"}, {"часа"}, {"часов"}), ("часа", "часов")),
    "день": (({"день"}, {"дня"}, {"дней"}), ("дня", "дней")),
    "ответ": (({"ответ"}, {"ответа"}, {"ответов"}), ("ответа", "ответов")),
    "магазин": (({"магазин"}, {"магазина"}, {"магазинов"}), ("магазина", "магазинов")),
    "сотрудник": (({"сотрудник"}, {"сотрудника"}, {"сотрудников"}), ("сотрудника", "сотрудников")),
    "попытка": (({"попытка", "попытку"}, {"попытки"}, {"попыток"}), ("попытки", "попыток")),
    "символ": (({"символ"}, {"символа"}, {"символов"}), ("символа", "символов")),
    "файл": (({"файл"}, {"файла"}, {"файлов"}), ("файла", "файлов")),
    "обращение": (({"обращение"}, {"обращения"}, {"обращений"}), ("обращения", "обращений")),
    "правило": (({"правило"}, {"правила"}, {"правил"}), ("правила", "правил")),
    "черновик": (({"черновик"}, {"черновика"}, {"черновиков"}), ("черновика", "черновиков")),
    "тема": (({"тема", "тему"}, {"темы"}, {"тем"}), ("темы", "тем")),
    "раз": (({"раз"}, {"раза"}, {"раз"}), ("раза", "раз")),
}  # fmt: skip
GENITIVE_BEFORE = frozenset(
    {"после", "из", "от", "до", "для", "без", "около", "больше", "меньше", "более", "менее",
     "дольше", "длиннее", "свыше", "кроме"}
)  # fmt: skip

GENDER_BRACKETS = re.compile(r"\w\((?:а|ла|ая|ой|ый|на|ь|ое|ы)\)|\w/(?:а|ла|ая)\b")
ABBREVIATIONS = re.compile(r"\b(?:отв|сообщ|мин|сек|шт|ч|д)\.(?!\w)|\d\s+д\b|\bp\d\d\b")
SELF_AS_BOT = re.compile(r"\bбот(?:а|у|ом|е)?\b", re.IGNORECASE)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

# «бот» meaning a bot other than this one: a draft that mentions a bot or AI is held.
NOT_ABOUT_ITSELF = frozenset({"guard.automation"})

# Keys other helpers of issue 16 rewrite in this session (see the module docstring).
PENDING_OTHER_HELPERS: frozenset[str] = frozenset()

_FORMATTER = string.Formatter()


def fields(key: str) -> dict[str, bool]:
    """name → whether it holds a number, from both locales' templates."""
    found: dict[str, bool] = {}
    for locale in ("ru", "en"):
        for _, name, spec, _ in _FORMATTER.parse(TEXTS[key][locale]):
            if name is not None:
                counted = bool(spec and spec.startswith(PLURAL_SPEC)) or name in NUMERIC_FIELDS
                found[name] = found.get(name, False) or counted
    return found


def renderings(key: str, locale: Locale) -> list[str]:
    """What a person sees of ``key`` at each sample count (code blocks, which show what to
    type, left out)."""
    shown = []
    for count in COUNTS:
        values = {
            name: count if numeric else SAMPLE[locale] for name, numeric in fields(key).items()
        }
        html = re.sub(r"<code>.*?</code>", " ", text(key, locale, **values), flags=re.S)
        shown.append(visible(html))
    return shown


def latin_words(shown: str) -> set[str]:
    without = re.sub(r"\S+://\S+|@\w+|(?<!\w)/\w+|\{\w*\}", " ", shown)
    return {w for w in LATIN_WORD.findall(without) if w not in ALLOWED_LATIN}


def _noun_problems(shown: str) -> list[str]:
    words = re.findall(r"\d+|[А-Яа-яЁё]+", shown)
    problems = []
    for at, number in enumerate(words[:-1]):
        before, word = words[at - 1] if at else "", words[at + 1]
        if not number.isdigit():
            continue
        lemma = next((n for n, (nom, gen) in NOUNS.items()
                      if word.lower() in set().union(*nom, gen)), None)  # fmt: skip
        if lemma is None:
            continue
        count = int(number)
        one = count % 10 == 1 and count % 100 != 11
        few = 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14
        nominative, genitive = NOUNS[lemma]
        allowed = set(nominative[0] if one else nominative[1] if few else nominative[2])
        if before.lower() in GENITIVE_BEFORE:
            allowed = {genitive[0] if one else genitive[1]}
        if word.lower() not in allowed:
            problems.append(f"«{before} {number} {word}»")
    return problems


def russian_problems(key: str) -> list[str]:
    problems: list[str] = []
    for shown in renderings(key, "ru"):
        if latin := latin_words(shown):
            problems.append(f"Latin words {sorted(latin)}")
        problems += _noun_problems(shown)
        problems += [f"gender form «{m}»" for m in GENDER_BRACKETS.findall(shown)]
        problems += [f"abbreviation «{m}»" for m in ABBREVIATIONS.findall(shown)]
        if key not in NOT_ABOUT_ITSELF and (found := SELF_AS_BOT.search(shown)):
            problems.append(f"calls itself «{found.group()}»")
    return sorted(set(problems))


def english_problems(key: str) -> list[str]:
    return sorted({f"Cyrillic in «{s}»" for s in renderings(key, "en") if CYRILLIC.search(s)})


KEYS = sorted(TEXTS)


@pytest.mark.parametrize("key", KEYS)
def test_every_key_reads_right_in_both_languages(key: str) -> None:
    assert set(TEXTS[key]) == {"ru", "en"}, f"{key}: locales {sorted(TEXTS[key])}"
    assert all(TEXTS[key][locale].strip() for locale in ("ru", "en")), key
    if key in PENDING_OTHER_HELPERS:
        pytest.skip("rewritten by another helper of issue 16")
    assert russian_problems(key) == [], (key, renderings(key, "ru")[0])
    assert english_problems(key) == [], key


def test_the_pending_list_names_only_keys_that_exist_and_still_fail() -> None:
    """Once a helper's fix is merged its keys leave the list: a key that passes fails here."""
    assert sorted(PENDING_OTHER_HELPERS - TEXTS.keys()) == []
    passing = [k for k in PENDING_OTHER_HELPERS if not russian_problems(k) + english_problems(k)]
    assert passing == []


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (timedelta(minutes=25), "25 мин", "25 min"),
        (timedelta(hours=3, minutes=10), "3 ч 10 мин", "3 h 10 min"),
        (timedelta(hours=2), "2 ч", "2 h"),
        (timedelta(days=1), "1 день", "1 day"),
        (timedelta(days=1, minutes=40), "1 день", "1 day"),
        (timedelta(days=2, hours=3), "2 дня 3 ч", "2 days 3 h"),
        (timedelta(days=5, hours=1), "5 дней 1 ч", "5 days 1 h"),
        (timedelta(days=21), "21 день", "21 days"),
    ],
)
def test_durations_are_written_out_in_days(value: timedelta, ru: str, en: str) -> None:
    """One style everywhere: days spelled out with their plural, hours and minutes as the
    usual «ч» and «мин», and no empty part («1 д 0 ч» was the old output)."""
    assert duration(value, "ru") == ru
    assert duration(value, "en") == en


def test_the_checks_catch_what_the_issue_quoted() -> None:
    """The checker itself: each phrase the issue quoted is caught, its fix is not."""
    assert _noun_problems("3 чатов требуют внимания") and _noun_problems("найдено 1 чатов")
    assert not _noun_problems("3 чата требуют") and not _noun_problems("после 1 попытки")
    assert not _noun_problems("не меньше 21 сообщения без ответа")
    assert GENDER_BRACKETS.search("Вера отпустил(а) чат")
    assert GENDER_BRACKETS.search("передал(а)")
    assert ABBREVIATIONS.search("3 отв.") and ABBREVIATIONS.search("1 д 0 ч")
    assert ABBREVIATIONS.search("p90 2 ч") and not ABBREVIATIONS.search("25 мин")
    assert SELF_AS_BOT.search("Бот пробует снова") and not SELF_AS_BOT.search("работает")
    assert latin_words("Фильтры: urgent, overdue") == {"urgent", "overdue"}
    assert latin_words("/queue mine в Ozon https://x.y/z") == {"mine"}


def test_priorities_are_adjectives_that_agree() -> None:
    """«приоритет» is masculine: every priority word agrees with it («🔴 срочный», not the
    adverb «срочно» beside «высокий»)."""
    words = {p: visible(text(f"prio.{p}", "ru")).split()[-1] for p in PRIORITIES}
    assert all(w.endswith(("ый", "ий", "ой")) for w in words.values()), words


PRIORITIES = ("urgent", "high", "normal", "low")
