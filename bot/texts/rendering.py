"""How a text template becomes a message: values escaped for Telegram HTML, plural forms.

Templates are Telegram HTML written by us; the values put into them are not (buyer names,
shop names, order numbers, model output). Escaping here, in one place, means a caller can
no longer forget it. A value that is already HTML (a link we built, a rendered block) is
marked with :class:`Html` and goes in as it is; what :func:`render` returns is marked so,
which lets one rendered text be a value of another without being escaped twice.

Some places Telegram shows as plain text (button labels, forum topic names, callback
answers, chart labels); :func:`render_plain` fills those, where escaping would show
``&amp;`` to the person.

Plural forms are part of the template, so a translator sees them next to the sentence:
``"{n} {n:plural:чат|чата|чатов}"`` (Russian: one, few, many) and
``"{n} {n:plural:chat|chats}"`` (English: one, other). The number itself is printed by a
separate ``{n}`` so a template may also say "ни одного" without it.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping, Sequence
from typing import Any

from bot.texts.locale import Locale

PLURAL_SPEC = "plural:"

PLURAL_FORMS: Mapping[Locale, int] = {"ru": 3, "en": 2}


class Html(str):
    """A value that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


def plural_index(count: int, locale: Locale) -> int:
    """Index of the plural form for ``count``: ru one/few/many, en one/other."""
    count = abs(count)
    if locale == "ru":
        if count % 10 == 1 and count % 100 != 11:
            return 0
        if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
            return 1
        return 2
    return 0 if count == 1 else 1


def plural(count: int, forms: Sequence[str], locale: Locale) -> str:
    """The form of a word for ``count``; ``forms`` as in a template's ``plural:`` spec."""
    if len(forms) != PLURAL_FORMS[locale]:
        raise ValueError(f"{locale} needs {PLURAL_FORMS[locale]} plural forms, got {list(forms)}")
    return forms[plural_index(count, locale)]


class _Renderer(string.Formatter):
    def __init__(self, locale: Locale, *, escape: bool) -> None:
        super().__init__()
        self._locale: Locale = locale
        self._escape = escape

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith(PLURAL_SPEC):
            forms = format_spec[len(PLURAL_SPEC) :].split("|")
            return plural(int(value), forms, self._locale)
        rendered = format(value, format_spec)
        if not self._escape or isinstance(value, Html):
            return rendered
        return html.escape(rendered)


def render(template: str, locale: Locale, values: Mapping[str, object]) -> Html:
    """``template`` (Telegram HTML) with ``values`` inserted, escaped unless :class:`Html`."""
    return Html(_Renderer(locale, escape=True).vformat(template, (), dict(values)))


def render_plain(template: str, locale: Locale, values: Mapping[str, object]) -> str:
    """``template`` with ``values`` inserted as they are: for text Telegram does not parse."""
    return _Renderer(locale, escape=False).vformat(template, (), dict(values))
