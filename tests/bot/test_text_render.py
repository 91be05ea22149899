"""The template renderer: plural forms per language, escaping, the Html marker."""

from __future__ import annotations

import pytest

from bot.texts import markup, plain_text, text
from bot.texts.rendering import Html, plural, render, render_plain


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


def test_values_are_escaped_unless_marked_html() -> None:
    out = render("{name}: {link}", "en", {"name": "<b>&", "link": Html('<a href="x">y</a>')})
    assert out == '&lt;b&gt;&amp;: <a href="x">y</a>'


def test_a_rendered_text_goes_into_another_unescaped_once() -> None:
    inner = text("topic.order", "en", order="A&B")
    assert isinstance(inner, Html)
    outer = text("stats.head", "en", period=inner)
    assert "Order A&amp;B" in outer and "&amp;amp;" not in outer


def test_plain_text_keeps_values_as_they_are() -> None:
    assert render_plain("{name} ({n} {n:plural:chat|chats})", "en", {"name": "A & B", "n": 1}) == (
        "A & B (1 chat)"
    )
    assert plain_text("topic.order", "en", order="<1&2>").endswith("<1&2>")


def test_markup_helpers_escape_what_they_insert() -> None:
    assert markup.escaped("<i>") == "&lt;i&gt;"
    assert markup.link('https://x/?a=1&b="2"', "A & B") == (
        '<a href="https://x/?a=1&amp;b=&quot;2&quot;">A &amp; B</a>'
    )
    assert markup.link("https://x", Html("<b>y</b>")) == '<a href="https://x"><b>y</b></a>'
    assert markup.mention(7, "") == '<a href="tg://user?id=7">7</a>'
    assert markup.join([Html("<b>a</b>"), Html("b")], ", ") == "<b>a</b>, b"
    assert markup.visible("<b>A &amp; B</b>") == "A & B"
