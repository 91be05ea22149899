"""What buyer chats look like in Telegram: topic names and posts (HTML parse mode).

Pure functions from data to text. Telegram counts message length in UTF-16 code units
after entity parsing (4096 for text, 1024 for captions, 128 for topic names), so lengths
here are measured the same way, on the visible text, and markup is added around escaped
chunks that already fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.texts import Html, Locale, for_marketplace, plain_text, text
from bot.texts.markup import escaped, join, link, visible
from connectors.marketplace.orders import OrderContext

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
TOPIC_NAME_LIMIT = 128
#: A buyer's public name is the marketplace's free text: kept to a line in posts.
BUYER_NAME_LIMIT = 64
#: A file named in a post in place of the file itself (the name is the buyer's too).
FILE_NAME_LIMIT = 128
#: A product's name in the context header (the marketplace's catalogue title).
PRODUCT_NAME_LIMIT = 120


def utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def clip_utf16(value: str, limit: int, ellipsis: str = "…") -> str:
    """Cut to ``limit`` UTF-16 units, never inside a surrogate pair."""
    if utf16_len(value) <= limit:
        return value
    budget = limit - utf16_len(ellipsis)
    out: list[str] = []
    used = 0
    for char in value:
        size = utf16_len(char)
        if used + size > budget:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + ellipsis


def split_utf16(value: str, limit: int) -> list[str]:
    """Split plain text into chunks of at most ``limit`` UTF-16 units.

    Prefers paragraph breaks, then line breaks, then spaces, so a long buyer message
    stays readable; a single unbroken run longer than the limit is cut hard.
    """
    chunks: list[str] = []
    rest = value
    while utf16_len(rest) > limit:
        window = _prefix_within(rest, limit)
        cut = _break_point(window)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _break_point(window: str) -> int:
    """The best place to cut: a paragraph break in the second half of the window, else a
    line break there, else the last space, else the whole window."""
    for separator in ("\n\n", "\n"):
        position = window.rfind(separator)
        if position > len(window) // 2:
            return position
    position = window.rfind(" ")
    return position if position > 0 else len(window)


def _prefix_within(value: str, limit: int) -> str:
    used = 0
    for index, char in enumerate(value):
        used += utf16_len(char)
        if used > limit:
            return value[:index]
    return value


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What the topic's first post says about the conversation."""

    order_number: str | None
    posting_number: str | None
    sku: str | None
    product_url: str | None
    seller_name: str | None  # shown only when the group serves several sellers
    #: The marketplace's product page for ``sku`` (``{id}`` replaced), when it has one.
    product_template: str | None = None
    #: The marketplace's short badge ("🔵 Ozon"), the header's first line.
    badge: str = ""
    #: The marketplace's code, for texts it words its own way (``<key>.<code>``).
    marketplace: str = ""
    #: The buyer's public name where the marketplace tells it (WB, Yandex Market).
    buyer_name: str = ""
    #: The product's name, the order's status and delivery dates, where told.
    order: OrderContext | None = None


def topic_name(
    *,
    order_number: str | None,
    buyer_id: str | None,
    seller_name: str | None,
    locale: Locale,
    buyer_name: str = "",
    badge: str = "",
) -> str:
    """Recognisable in the topic list: the order (or the buyer), and the shop if several.

    Ozon's chat API does not give the buyer's name, so the order number is the handle
    agents know; without one, the buyer's name where the marketplace gives it, else the
    tail of the buyer's id tells chats apart. ``badge`` (the marketplace's) leads the name
    where a group serves shops of several marketplaces.
    """
    if order_number:
        core = plain_text("topic.order", locale, order=order_number)
    elif buyer_name and buyer_id:  # marketplaces that tell the buyer's name (WB)
        core = plain_text("topic.buyer_named", locale, name=buyer_name, tail=buyer_id[-4:])
    elif buyer_id:
        core = plain_text("topic.buyer", locale, buyer=buyer_id[-4:])
    else:
        core = plain_text("topic.chat", locale)
    name = f"{seller_name} · {core}" if seller_name else core
    name = f"{badge} {name}" if badge else name
    return clip_utf16(name, TOPIC_NAME_LIMIT)


def context_header(context: ChatContext, locale: Locale) -> Html:
    """HTML lines with the shop, buyer, order, posting and product link (empty if nothing
    known)."""
    lines: list[str] = []
    if context.badge:
        lines.append(escaped(context.badge))
    if context.seller_name:
        lines.append(text("post.shop", locale, shop=context.seller_name))
    name = _shown_name(context.buyer_name)
    if name:
        lines.append(text("post.buyer", locale, name=name))
    if context.order_number:
        lines.append(text("post.order", locale, order=context.order_number))
    if context.posting_number:
        lines.append(text("post.posting", locale, posting=context.posting_number))
    url = context.product_url or (
        context.product_template.format(id=context.sku)
        if context.product_template and context.sku and context.sku.isdigit()
        else None
    )
    if context.order is not None and context.order.product_name:
        name = clip_utf16(" ".join(context.order.product_name.split()), PRODUCT_NAME_LIMIT)
        lines.append(text("post.product_name", locale, name=name))
    if url:
        key = for_marketplace("post.product", context.marketplace)
        lines.append(link(url, text(key, locale, sku=context.sku or "")))
    if context.order is not None:
        lines.extend(order_lines(context.order, locale))
    return join(lines)


def order_lines(order: OrderContext, locale: Locale) -> list[str]:
    """The order's status and delivery window (nothing for what the marketplace did not
    tell)."""
    lines: list[str] = []
    if order.status is not None:
        code = clip_utf16(order.status_code, 40)
        lines.append(text(f"order.status.{order.status.value}", locale, code=code))
    start, end = order.delivery_from, order.delivery_to
    if end is not None and start is not None and start != end:
        lines.append(
            text(
                "post.delivery_between", locale, start=short_date(start, locale),
                end=short_date(end, locale),
            )
        )  # fmt: skip
    elif end is not None:
        lines.append(text("post.delivery_on", locale, date=short_date(end, locale)))
    return lines


def short_date(day: date, locale: Locale) -> str:
    """A day as people write it: 05.12 in Russian, Dec 5 in English."""
    return f"{day:%d.%m}" if locale == "ru" else f"{_MONTHS[day.month - 1]} {day.day}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


AUTHOR_KEYS = {
    "customer": "author.buyer",
    "support": "author.support",
    "courier": "author.courier",
    "seller": "author.cabinet",
}


def message_posts(
    *,
    author_type: str,
    body: str,
    header: str = "",
    locale: Locale,
    limit: int = MESSAGE_LIMIT,
    status: str = "",
    marketplace: str = "",
    buyer_name: str = "",
    plain: bool = False,
) -> list[str]:
    """The HTML post(s) for one marketplace message: author line, optional context header
    (the chat's first post), optional status line (SLA), the escaped text, split to fit
    Telegram's limit. ``buyer_name`` names the buyer on their own messages where the
    marketplace tells it. ``plain``: a later message of a turn whose first message already
    carried the author and status lines: just the text (the author line if it has none)."""
    body = body.strip()
    if plain and body and not header:
        return [escaped(chunk) for chunk in split_utf16(body, limit)]
    author = _author(author_type, locale, status, marketplace, buyer_name)
    lead = f"{header}\n\n{author}" if header else author
    lead_visible = utf16_len(visible(lead))
    first_room = max(1, limit - lead_visible - 1)
    if not body:
        return [lead]
    first = split_utf16(body, first_room)[0]
    remaining = body[len(first) :].lstrip()
    posts = [f"{lead}\n{escaped(first)}"]
    if remaining:
        posts.extend(escaped(chunk) for chunk in split_utf16(remaining, limit))
    return posts


def caption(
    *,
    author_type: str,
    body: str,
    header: str = "",
    locale: Locale,
    status: str = "",
    marketplace: str = "",
    buyer_name: str = "",
    plain: bool = False,
) -> str:
    """A photo or document caption: like a post, clipped to the caption limit; ``plain``
    (a later message of a turn, see :func:`message_posts`): the text alone, maybe empty."""
    body = body.strip()
    if plain and not header:
        return escaped(clip_utf16(body, CAPTION_LIMIT))
    author = _author(author_type, locale, status, marketplace, buyer_name)
    lead = f"{header}\n\n{author}" if header else author
    room = CAPTION_LIMIT - utf16_len(visible(lead)) - 1
    return f"{lead}\n{escaped(clip_utf16(body, max(1, room)))}" if body else lead


def _author(
    author_type: str, locale: Locale, status: str, marketplace: str = "", buyer_name: str = ""
) -> str:
    """The author line, with the status line (already HTML) under it when there is one.

    A buyer is named where the marketplace tells the name (Ozon does not: "Buyer" then)."""
    name = _shown_name(buyer_name) if author_type == "customer" else ""
    if name:
        author = text("author.buyer_named", locale, name=name)
    else:
        key = AUTHOR_KEYS.get(author_type, "author.other")
        author = text(for_marketplace(key, marketplace), locale)
    return f"{author}\n<i>{status}</i>" if status else author


def _shown_name(buyer_name: str) -> str:
    """The name on one line and clipped: it is whatever the buyer typed in their profile."""
    return clip_utf16(" ".join(buyer_name.split()), BUYER_NAME_LIMIT)


def file_label(attachment: dict[str, Any]) -> str:
    """A buyer's file that cannot be shown, by name (its own, else its URL's last part),
    as a link to the marketplace's URL when that is https, so the agent knows which file it
    was and where it lives; any other URL is no place to send a person: just the name."""
    url = str(attachment.get("url") or "")
    parts = urlsplit(url)
    name = str(attachment.get("name") or "") or unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    name = clip_utf16(" ".join(name.split()), FILE_NAME_LIMIT) or "file"
    return link(url, name) if parts.scheme == "https" and parts.netloc else escaped(name)
