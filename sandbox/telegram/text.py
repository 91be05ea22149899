"""Telegram's text rules: UTF-16 lengths and the HTML subset of ``parse_mode=HTML``.

Telegram counts message lengths in UTF-16 code units after entity parsing, so a text of 4096
units made of emoji is only 2048 code points; the helpers here let validation count the same
way and reject HTML that the real server would refuse with ``can't parse entities``.
"""

from __future__ import annotations

import re

#: Tags Telegram accepts in HTML parse mode, with the attributes each may carry.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z][A-Za-z0-9-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)?\s*>")
_ATTR = re.compile(r"([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]+));")


class HtmlParseError(ValueError):
    """Invalid Telegram HTML; ``str()`` is what follows ``can't parse entities: ``."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram's limits and entity offsets use."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _check_attributes(name: str, raw: str, text: str, start: int) -> None:
    allowed = ALLOWED_TAGS[name]
    attrs = {}
    for match in _ATTR.finditer(raw):
        attr = match.group(1).lower()
        value = (match.group(2) or "").strip("\"'")
        if attr not in allowed:
            # Telegram ignores unknown attributes, except that span and code need a class.
            continue
        attrs[attr] = value
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError(
            f'Unsupported start tag "span" at byte offset {_byte_offset(text, start)}'
        )
    if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise HtmlParseError(
            f"Custom emoji entity must have emoji-id attribute at byte offset "
            f"{_byte_offset(text, start)}"
        )


def parse_html(text: str) -> str:
    """Validate ``text`` as Telegram HTML and return the plain text it renders to.

    Raises :class:`HtmlParseError` for an unsupported or unbalanced tag, a stray ``<`` or
    ``>``, or a ``&`` that does not start one of the entities Telegram knows.
    """
    plain: list[str] = []
    stack: list[tuple[str, int]] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "<":
            end = _END_TAG.match(text, index)
            if end is not None:
                name = (end.group(1) or "").lower()
                if not stack:
                    raise HtmlParseError(
                        f'Unexpected end tag "{name}" at byte offset {_byte_offset(text, index)}'
                    )
                if stack[-1][0] != name:
                    raise HtmlParseError(
                        f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"'
                    )
                stack.pop()
                index = end.end()
                continue
            match = _TAG.match(text, index)
            name = match.group(2).lower() if match else ""
            if match is None or match.group(1) or name not in ALLOWED_TAGS:
                shown = name or text[index + 1 : index + 10]
                raise HtmlParseError(
                    f'Unsupported start tag "{shown}" at byte offset {_byte_offset(text, index)}'
                )
            _check_attributes(name, match.group(3), text, index)
            stack.append((name, index))
            index = match.end()
            continue
        if char == ">":
            raise HtmlParseError(
                f"Unexpected character '>' at byte offset {_byte_offset(text, index)}; "
                "use &gt; instead"
            )
        if char == "&":
            entity = _ENTITY.match(text, index)
            decoded = _decode_entity(entity) if entity else None
            if decoded is None:
                raise HtmlParseError(
                    f"Unsupported HTML entity starting at byte offset "
                    f"{_byte_offset(text, index)}; use &amp; instead"
                )
            plain.append(decoded)
            index = entity.end() if entity else index + 1
            continue
        plain.append(char)
        index += 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(plain)


def _decode_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, named = match.groups()
    if named is not None:
        return _NAMED_ENTITIES.get(named)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)
