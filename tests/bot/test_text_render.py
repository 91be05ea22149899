"""The template renderer: plural forms per language, the Html marker, escaping switch."""

from __future__ import annotations

import pytest

from bot.texts import rendering
from bot.texts.rendering import Html, plural, render


@pytest.mark.parametrize(
    ("count", "form"),
    [
        (0, "чатов"),
        (1, "чат"),
        (2, "чата"),
        (4, "чата"),
        (5, "чатов"),
        (11, "чатов"),
        (12, "чатов"),
        (14, "чатов"),
        (21, "чат"),
        (22, "чата"),
        (101, "чат"),
        (111, "чатов"),
    ],
)
def test_russian_plural_forms(count: int, form: str) -> None:
    assert plural(count, ["чат", "чата", "чатов"], "ru") == form


@pytest.mark.parametrize(("count", "form"), [(0, "chats"), (1, "chat"), (2, "chats")])
def test_english_plural_forms(count: int, form: str) -> None:
    assert plural(count, ["chat", "chats"], "en") == form


def test_plural_spec_inside_a_template() -> None:
    template = "{n} {n:plural:чат требует|чата требуют|чатов требуют} внимания"
    assert render(template, "ru", {"n": 3}) == "3 чата требуют внимания"
    assert render(template, "ru", {"n": 5}) == "5 чатов требуют внимания"


def test_wrong_number_of_forms_is_refused() -> None:
    with pytest.raises(ValueError, match="3 plural forms"):
        render("{n:plural:chat|chats}", "ru", {"n": 2})


def test_values_are_escaped_unless_marked_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "ESCAPE_VALUES", True)
    out = render("{name}: {link}", "en", {"name": "<b>&", "link": Html('<a href="x">y</a>')})
    assert out == '&lt;b&gt;&amp;: <a href="x">y</a>'
