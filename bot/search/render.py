"""/find's answer: one block per matching chat (a link to its topic, the shop and buyer,
order and SKU, the matched words in bold, the latest internal notes), bounded to fit one
Telegram message."""

from __future__ import annotations

from bot.sla.format import topic_link
from bot.texts import Html, Locale, markup, text
from storage.search_repo import MATCH_END, MATCH_START, FoundChat, SearchResult

SNIPPET_CHARS = 120
NOTE_CHARS = 90
MESSAGE_BUDGET = 3800  # visible characters, under Telegram's 4096 with room for "more"


def clip(value: str, limit: int) -> str:
    """One line of at most ``limit`` characters (an ellipsis where it was cut)."""
    line = " ".join(value.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def highlighted(snippet: str, limit: int = SNIPPET_CHARS) -> Html:
    """The snippet as one line of HTML with the matched words bold, cut to ``limit``
    visible characters without leaving a bold run open."""
    line = " ".join(snippet.split())
    length = len(line) - line.count(MATCH_START) - line.count(MATCH_END)
    cut = length > limit
    room = limit - 1 if cut else length
    parts: list[str] = []
    shown, bold = 0, False
    for ch in line:
        if ch in (MATCH_START, MATCH_END):
            if bold != (ch == MATCH_START):
                bold = not bold
                parts.append("<b>" if bold else "</b>")
            continue
        if shown >= room:
            break
        parts.append(markup.escaped(ch))
        shown += 1
    if bold:
        parts.append("</b>")
    if cut:
        parts.append("…")
    return Html("".join(parts).replace("<b></b>", ""))


def _details(chat: FoundChat, locale: Locale) -> list[str]:
    found = []
    if chat.order_number:
        found.append(text("find.order", locale, order=chat.order_number))
    if chat.posting_number and chat.posting_number != chat.order_number:
        found.append(text("find.posting", locale, posting=chat.posting_number))
    if chat.sku:
        found.append(text("find.sku", locale, sku=chat.sku))
    return found


def chat_block(n: int, chat: FoundChat, locale: Locale) -> str:
    buyer = chat.buyer_name or text("find.buyer_unknown", locale)
    title: str = text("find.title", locale, shop=chat.shop, buyer=buyer)
    if chat.tg_chat_id is not None and chat.thread_id is not None:
        title = markup.link(topic_link(chat.tg_chat_id, chat.thread_id), Html(title))
    lines = [text("find.row", locale, n=n, title=Html(title))]
    details = _details(chat, locale)
    if details:
        lines.append(text("find.details", locale, details=markup.join(details, " · ")))
    if chat.snippet.strip():
        lines.append(text("find.snippet", locale, snippet=highlighted(chat.snippet)))
    for note in chat.notes:
        body = clip(note.text, NOTE_CHARS)
        if note.author:
            lines.append(text("find.note", locale, author=note.author, note=body))
        else:
            lines.append(text("find.note_anonymous", locale, note=body))
    return "\n".join(lines)


def render_results(query: str, result: SearchResult, locale: Locale) -> str:
    """The head, the chats newest first while they fit, then how many more there are."""
    if not result.chats:
        return text("find.nothing", locale, query=query)
    blocks = [text("find.head", locale, query=query, total=result.total)]
    used = len(markup.visible(blocks[0]))
    shown = 0
    for n, chat in enumerate(result.chats, start=1):
        block = chat_block(n, chat, locale)
        size = len(markup.visible(block)) + 2
        if used + size > MESSAGE_BUDGET:
            break
        blocks.append(block)
        used += size
        shown += 1
    if result.total > shown:
        blocks.append(text("find.more", locale, count=result.total - shown))
    return "\n\n".join(blocks)
