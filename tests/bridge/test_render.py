"""Rendering: UTF-16 limits, escaping, topic names, first post with context."""

from __future__ import annotations

import html

import pytest

from bot.bridge.render import (
    CAPTION_LIMIT,
    ChatContext,
    caption,
    clip_utf16,
    context_header,
    message_posts,
    split_utf16,
    topic_name,
    utf16_len,
)
from bot.texts import text as text_of
from connectors.ozon.adapter import OZON_RULES
from tests.support.texts import has, says

BUYER = says("author.buyer").template  # the author line of a buyer's post (no fields)


def visible(markup: str) -> str:
    """What Telegram counts: the text after HTML entity parsing."""
    out, inside = [], False
    for char in markup:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return html.unescape("".join(out))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("abc", 3), ("привет", 6), ("👍", 2), ("a👍b", 4), ("", 0), ("🇷🇺", 4)],
)
def test_utf16_length_counts_like_telegram(value: str, expected: int) -> None:
    assert utf16_len(value) == expected


def test_clip_never_splits_a_surrogate_pair() -> None:
    clipped = clip_utf16("ab" + "😀" * 10, 7)
    assert utf16_len(clipped) <= 7
    assert clipped.endswith("…")
    clipped.encode("utf-8")  # a half surrogate pair would fail here


def test_split_respects_the_limit_and_loses_no_words() -> None:
    paragraph = ("Слово " * 300).strip()
    body = paragraph + "\n\n" + paragraph
    chunks = split_utf16(body, 1000)
    assert all(utf16_len(chunk) <= 1000 for chunk in chunks)
    assert " ".join(chunks).split() == body.split()


def test_split_prefers_a_paragraph_break_to_a_later_space() -> None:
    first = "а" * 700
    body = first + "\n\n" + "б " * 400
    chunks = split_utf16(body, 1000)
    assert chunks[0] == first


def test_split_of_emoji_text_counts_utf16_units() -> None:
    chunks = split_utf16("😀" * 3000, 4096)  # 6000 units
    assert [utf16_len(c) for c in chunks] == [4096, 1904]


def test_short_text_is_one_chunk_and_empty_text_stays_one() -> None:
    assert split_utf16("Привет", 4096) == ["Привет"]
    assert split_utf16("", 4096) == [""]


def test_buyer_text_is_escaped() -> None:
    [post] = message_posts(author_type="customer", body="<script> & 5 > 3", locale="ru")
    assert "&lt;script&gt; &amp; 5 &gt; 3" in post
    assert post.startswith(BUYER)


def test_a_long_message_is_split_and_every_post_fits() -> None:
    body = "Очень длинный вопрос про доставку. " * 400  # ~14 000 characters
    posts = message_posts(author_type="customer", body=body, locale="ru")
    assert len(posts) >= 4
    assert all(utf16_len(visible(post)) <= 4096 for post in posts)
    joined = " ".join(visible(p) for p in posts).replace(visible(BUYER) + "\n", "")
    assert joined.split() == body.split()


def test_first_post_carries_the_context_header_once() -> None:
    context = ChatContext(
        order_number="47873153-0052",
        posting_number=None,
        sku="987654321",
        product_url=None,
        seller_name=None,
        product_template=OZON_RULES.product_url,
    )
    header = context_header(context, "ru")
    [post] = message_posts(author_type="customer", body="Где заказ?", header=header, locale="ru")
    assert "47873153-0052" in post
    assert 'href="https://www.ozon.ru/product/987654321/"' in post
    assert post.count(BUYER) == 1 and not has(post, says("post.buyer"))  # no buyer named twice
    assert post.endswith("Где заказ?")


def test_shop_is_named_only_when_given() -> None:
    with_shop = ChatContext("1-1", None, None, None, "Мой <магазин>")
    assert has(context_header(with_shop, "ru"), says("post.shop", shop="Мой <магазин>"))
    assert "Мой &lt;магазин&gt;" in context_header(with_shop, "ru")  # escaped
    assert not has(context_header(ChatContext("1-1", None, None, None, None), "ru"),
                   says("post.shop"))  # fmt: skip


def test_the_marketplace_badge_leads_the_header_escaped() -> None:
    context = ChatContext("1-1", None, None, None, None, badge="🟣 WB <x>")
    assert context_header(context, "ru").splitlines()[0] == "🟣 WB &lt;x&gt;"


def test_product_url_from_the_conversation_wins_and_is_attribute_escaped() -> None:
    context = ChatContext(None, None, "1", 'https://www.ozon.ru/product/x?a=1&b="2"', None)
    header = context_header(context, "en")
    assert 'href="https://www.ozon.ru/product/x?a=1&amp;b=&quot;2&quot;"' in header


@pytest.mark.parametrize(
    ("order", "buyer", "shop", "expected"),
    [  # expected: (text key, its fields, what precedes it)
        ("47873153-0052", "115568", None, ("topic.order", {"order": "47873153-0052"}, "")),
        (None, "115568", None, ("topic.buyer", {"buyer": "5568"}, "")),  # the id's last digits
        (None, None, None, ("topic.chat", {}, "")),
        ("1-1", None, "Обувь", ("topic.order", {"order": "1-1"}, "Обувь · ")),  # the shop first
    ],
)
def test_topic_names(
    order: str | None, buyer: str | None, shop: str | None,
    expected: tuple[str, dict[str, str], str],
) -> None:  # fmt: skip
    key, fields, prefix = expected
    assert topic_name(order_number=order, buyer_id=buyer, seller_name=shop, locale="ru") == (
        prefix + text_of(key, "ru", **fields)
    )


def test_topic_name_fits_128_units() -> None:
    name = topic_name(order_number="9" * 200, buyer_id=None, seller_name="😀" * 40, locale="en")
    assert 1 <= utf16_len(name) <= 128


def test_caption_is_clipped_to_the_caption_limit() -> None:
    text = caption(author_type="customer", body="фото " * 500, locale="ru")
    assert utf16_len(visible(text)) <= CAPTION_LIMIT
