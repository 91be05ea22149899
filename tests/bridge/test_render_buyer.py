"""Rendering the buyer: their public name where the marketplace tells it (WB, Yandex
Market), today's "Buyer" where it does not (Ozon); and a buyer's file that cannot be shown,
named and linked to the marketplace."""

from __future__ import annotations

import pytest

from bot.bridge.render import (
    BUYER_NAME_LIMIT,
    CAPTION_LIMIT,
    ChatContext,
    caption,
    context_header,
    file_label,
    message_posts,
    utf16_len,
)
from bot.texts import Locale, text
from bot.texts.markup import visible
from tests.support.texts import says


def test_a_named_buyer_is_shown_by_name_escaped() -> None:
    [post] = message_posts(
        author_type="customer", body="Где заказ?", locale="ru", buyer_name="Мария <b>"
    )
    assert post.startswith(text("author.buyer_named", "ru", name="Мария <b>"))
    assert "Мария &lt;b&gt;" in post and "<b>Мария &lt;b&gt;</b>" in post
    assert post.endswith("Где заказ?")


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_without_a_name_the_author_line_is_todays(locale: Locale) -> None:
    [post] = message_posts(author_type="customer", body="?", locale=locale)
    assert post.startswith(text("author.buyer", locale))
    assert post not in says("author.buyer_named", locale)


def test_a_blank_name_falls_back_to_buyer() -> None:
    [post] = message_posts(author_type="customer", body="?", locale="ru", buyer_name="  \n ")
    assert post.startswith(text("author.buyer", "ru"))


def test_only_the_buyers_own_messages_carry_the_name() -> None:
    [post] = message_posts(
        author_type="support", body="Проверим", locale="ru", marketplace="ym", buyer_name="Мария"
    )
    assert "Мария" not in post and post.startswith(text("author.support.ym", "ru"))


def test_a_long_or_multiline_name_stays_one_short_line() -> None:
    name = "Очень\nдлинное имя " * 30
    [post] = message_posts(author_type="customer", body="Вопрос", locale="ru", buyer_name=name)
    author = visible(post.splitlines()[0])
    assert utf16_len(author) <= BUYER_NAME_LIMIT + 20
    assert post.splitlines()[1] == "Вопрос"


def test_a_caption_names_the_buyer_and_still_fits() -> None:
    shown = caption(author_type="customer", body="фото " * 500, locale="ru", buyer_name="Алёна")
    assert shown in says("author.buyer_named", name="Алёна")
    assert utf16_len(visible(shown)) <= CAPTION_LIMIT


def test_the_first_posts_header_names_the_buyer_where_known() -> None:
    named = ChatContext("1-1", None, None, None, None, marketplace="ym", buyer_name="Пётр & Co")
    header = context_header(named, "ru")
    assert text("post.buyer", "ru", name="Пётр & Co") in header
    assert "Пётр &amp; Co" in header
    unnamed = ChatContext("1-1", None, None, None, None)
    assert context_header(unnamed, "ru") not in says("post.buyer")


def test_a_file_with_an_https_url_is_a_named_link() -> None:
    label = file_label(
        {"name": "чек <1>.pdf", "url": "https://api.partner.market.yandex.ru/f?a=1&b=2"}
    )
    assert label == (
        '<a href="https://api.partner.market.yandex.ru/f?a=1&amp;b=2">чек &lt;1&gt;.pdf</a>'
    )


def test_a_file_without_a_name_is_named_by_its_urls_last_part() -> None:
    label = file_label({"url": "https://cdn.example/chat/files/%D1%84%D0%BE%D1%82%D0%BE.jpg"})
    assert visible(label) == "фото.jpg" and label.startswith('<a href="https://cdn.example/')


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/files/a.png", "javascript:alert(1)", ""])
def test_a_file_elsewhere_is_only_named(url: str) -> None:
    label = file_label({"name": "a <b>.png", "url": url})
    assert label == "a &lt;b&gt;.png"


def test_a_file_without_name_or_url_is_still_named() -> None:
    assert file_label({}) == "file"
