"""Matchers built from text keys, so tests check *which* message the bot sent, not its
wording: a reworded sentence or a fixed plural form leaves the tests alone, while a wrong
message (another key) still fails them.

``says(key)`` matches the key's template with every ``{field}`` as a wildcard;
``says(key, name="Обувь")`` pins the given fields (as inserted raw or HTML-escaped, so the
tests do not care whether ``text()`` escapes yet). Use it wherever a substring went::

    await aw.wait_private(aw.boris, says("setup.bound"))
    assert answer["text"] in says("refused")      # ``in`` with the matcher on the right
    assert has(text, says("refused", "en"))       # or substrings and matchers alike
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from typing import Any

from bot.texts import TEXTS, Locale
from bot.texts.rendering import render

_WILDCARD = r"(?s:.*?)"


def _value_pattern(field: str, spec: str, locale: Locale, value: object) -> str:
    shown = render("{" + field + (":" + spec if spec else "") + "}", locale, {field: value})
    variants = {shown, html.escape(shown), html.escape(shown, quote=False)}
    return "(?:" + "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)) + ")"


def template_pattern(template: str, locale: Locale, values: dict[str, object]) -> str:
    parts: list[str] = []
    for literal, field, spec, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field in values:
            parts.append(_value_pattern(field, spec or "", locale, values[field]))
        else:
            parts.append(_WILDCARD)
    return "".join(parts)


@dataclass(frozen=True)
class TextMatch:
    """One text key (in one locale) as a pattern over a message's text."""

    key: str
    locale: Locale
    pattern: re.Pattern[str]

    @property
    def template(self) -> str:
        """The template itself (equal to the message when it has no fields)."""
        return TEXTS[self.key][self.locale]

    def found_in(self, text: str | None) -> bool:
        return text is not None and self.pattern.search(text) is not None

    def __contains__(self, text: object) -> bool:  # ``message_text in says(...)``
        return isinstance(text, str) and self.found_in(text)

    def __repr__(self) -> str:
        return f"says({self.key!r}, {self.locale!r})"


def says(key: str, locale: Locale = "ru", /, **values: object) -> TextMatch:
    """A matcher for the text ``key`` in ``locale`` (default Russian, the bot's default)."""
    template = TEXTS[key][locale]  # KeyError: the key was renamed or removed
    return TextMatch(key, locale, re.compile(template_pattern(template, locale, values)))


def has(text: str | None, expected: str | TextMatch) -> bool:
    """Whether ``text`` contains ``expected`` (a substring, or a text key's matcher)."""
    if text is None:
        return False
    if isinstance(expected, TextMatch):
        return expected.found_in(text)
    return expected in text


def said(texts: Any, expected: str | TextMatch) -> bool:
    """Whether any of ``texts`` contains ``expected``."""
    return any(has(t, expected) for t in texts)
