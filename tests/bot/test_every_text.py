"""Every template, in both languages, rendered with hostile values: still valid Telegram HTML.

A value (a shop name, a buyer's text, a model's draft) is someone else's text; it must come
out escaped whatever it holds, and a template must keep its tags balanced. The same pass
checks that both languages ask for the same values and give each counted noun the forms
its language needs (Russian three, English two), at the numbers that pick every form.
"""

from __future__ import annotations

import string

import pytest

from bot.texts import TEXTS, Html, text
from bot.texts.rendering import PLURAL_FORMS, PLURAL_SPEC
from tests.telegram_html import html_problems

HOSTILE = "<b>&\"'"
HOSTILE_ESCAPED = "&lt;b&gt;&amp;&quot;&#x27;"
SAMPLE_COUNTS = (1, 2, 5, 11, 21)
_FORMATTER = string.Formatter()


def fields(template: str) -> dict[str, str]:
    """name → format spec of every value the template asks for."""
    found: dict[str, str] = {}
    for _, name, given, _ in _FORMATTER.parse(template):
        if name is not None:
            spec = given or ""
            # a counted field is a number wherever it appears
            found[name] = spec if spec.startswith(PLURAL_SPEC) else found.get(name, spec)
    return found


def values_for(template: str, count: int) -> dict[str, object]:
    return {
        name: count if spec.startswith(PLURAL_SPEC) else HOSTILE
        for name, spec in fields(template).items()
    }


KEYS = sorted(TEXTS)


@pytest.mark.parametrize("key", KEYS)
def test_every_template_is_valid_html_with_hostile_values(key: str) -> None:
    for locale in ("ru", "en"):
        template = TEXTS[key][locale]
        for count in SAMPLE_COUNTS:
            values = values_for(template, count)
            rendered = text(key, locale, **values)
            assert isinstance(rendered, Html)
            assert html_problems(rendered) == [], (locale, count, rendered)
            if any(value == HOSTILE for value in values.values()):
                assert HOSTILE_ESCAPED in rendered, (locale, rendered)
                assert HOSTILE not in rendered, (locale, rendered)


@pytest.mark.parametrize("key", KEYS)
def test_both_languages_ask_for_the_same_values(key: str) -> None:
    ru, en = (set(fields(TEXTS[key][locale])) for locale in ("ru", "en"))
    assert ru == en, f"{key}: ru {sorted(ru)} vs en {sorted(en)}"


@pytest.mark.parametrize("key", KEYS)
def test_counted_nouns_have_the_forms_of_their_language(key: str) -> None:
    for locale in ("ru", "en"):
        for _, name, spec, _ in _FORMATTER.parse(TEXTS[key][locale]):
            if name is not None and spec and spec.startswith(PLURAL_SPEC):
                forms = spec[len(PLURAL_SPEC) :].split("|")
                assert len(forms) == PLURAL_FORMS[locale], (key, locale, forms)
                assert all(form.strip() for form in forms), (key, locale, forms)


def test_the_validator_catches_what_telegram_refuses() -> None:
    assert html_problems('<b>ok</b> <a href="x">y</a> &lt;&amp;&#39;') == []
    assert html_problems("<b>open") == ["unclosed tags: ['b']"]
    assert html_problems("<b><i>x</b></i>")
    assert html_problems("<div>x</div>")
    assert html_problems("a < b")
    assert html_problems("Q&A")
    assert html_problems("<a>no link</a>")
