"""The few pieces of Telegram HTML built outside templates: escaped runs, links, mentions.

Everything here returns :class:`Html`, so the result can go into :func:`bot.texts.text`
as a value without being escaped twice, and nothing outside ``bot/texts`` needs to
escape by hand.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from bot.texts.rendering import Html

_TAG = re.compile(r"<[^>]*>")


def escaped(value: str) -> Html:
    """``value`` (someone's text) as HTML that shows exactly that text."""
    return Html(html.escape(value))


def link(url: str, label: str) -> Html:
    """``<a href=url>label</a>``; ``label`` is escaped unless it is already :class:`Html`."""
    shown = label if isinstance(label, Html) else html.escape(label)
    return Html(f'<a href="{html.escape(url, quote=True)}">{shown}</a>')


def mention(tg_user_id: int, name: str) -> Html:
    """A link that notifies the person: their name, or their id when the name is unknown."""
    return link(f"tg://user?id={tg_user_id}", name or str(tg_user_id))


def join(parts: Iterable[str], separator: str = "\n") -> Html:
    """Pieces that are each HTML already (rendered texts, links), joined as HTML."""
    return Html(separator.join(parts))


def visible(value: str) -> str:
    """What a person sees of an HTML text: tags dropped, entities decoded (for lengths and
    for the places Telegram shows plain text, such as a callback answer)."""
    return html.unescape(_TAG.sub("", value))
