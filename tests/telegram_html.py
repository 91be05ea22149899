"""A small validator of Telegram's HTML parse mode, for tests of what the bot sends.

Telegram refuses a whole message whose HTML it cannot parse ("can't parse entities"), so
a stray ``<`` from a shop name or an unclosed tag loses the message. The rules checked here
are the documented ones: only the supported tags, properly nested and closed; ``<``,
``>`` and ``&`` outside a tag or an entity are not allowed; only ``&lt; &gt; &amp; &quot;``
and numeric entities.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip
_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _tag_problem(tag: re.Match[str], open_tags: list[str]) -> str | None:
    """Checks one tag against the ones still open (and updates them)."""
    closing, name, attributes = tag.group(1), tag.group(2), tag.group(3)
    if name not in ALLOWED_TAGS:
        return f"tag <{name}> is not supported"
    if not closing:
        open_tags.append(name)
        return "<a> without href" if name == "a" and "href=" not in attributes else None
    if not open_tags or open_tags[-1] != name:
        return f"</{name}> closes {open_tags[-1:] or 'nothing'}"
    open_tags.pop()
    return None


def html_problems(value: str) -> list[str]:
    """What Telegram would refuse in ``value``; empty when it is valid."""
    problems: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(value):
        char = value[position]
        found = (
            _TAG.match(value, position)
            if char == "<"
            else _ENTITY.match(value, position)
            if char == "&"
            else None
        )
        if found is not None:
            problem = _tag_problem(found, open_tags) if char == "<" else None
            position = found.end()
        elif char in "<&>":
            problem = f"raw {char!r} at {position}: {value[position : position + 20]!r}"
            position += 1
        else:
            problem = None
            position += 1
        if problem:
            problems.append(problem)
    if open_tags:
        problems.append(f"unclosed tags: {open_tags}")
    return problems
