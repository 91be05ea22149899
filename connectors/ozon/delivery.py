"""Decide from chat history whether a send whose outcome is unknown actually went through.

A read timeout or 5xx on ``/v1/chat/send/*`` may come *after* Ozon stored the message; a blind
retry would then show the buyer the same message twice. Instead we look for our own message in
recent history. Limitation: an identical text (or an unnamed image) sent by the seller within the
clock-skew window just before is indistinguishable; we then prefer "delivered" / "unknown" over
a possible duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

from connectors.ozon.models import ChatMessage

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".heic"})
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


class Delivery(Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"


def looks_like_image(name: str, content: bytes) -> bool:
    """Ozon shows images inline (``is_image``), so an image send is recognised by that flag."""
    lowered = name.lower()
    if any(lowered.endswith(ext) for ext in IMAGE_EXTENSIONS):
        return True
    is_webp = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    return is_webp or content.startswith(_IMAGE_MAGIC)


def _ours(messages: Iterable[ChatMessage], since: datetime) -> list[ChatMessage]:
    return [m for m in messages if m.is_from_seller and m.created_at >= since]


def find_sent_text(messages: Iterable[ChatMessage], *, since: datetime, text: str) -> Delivery:
    """FOUND if a seller message created at/after ``since`` carries exactly ``text``."""
    wanted = text.strip()
    for message in _ours(messages, since):
        if "\n".join(message.data).strip() == wanted or message.content.text.strip() == wanted:
            return Delivery.FOUND
    return Delivery.NOT_FOUND


def find_sent_file(
    messages: Iterable[ChatMessage], *, since: datetime, name: str, is_image: bool
) -> Delivery:
    """FOUND if a recent seller message names the file; for an unnamed image, if exactly one."""
    ours = _ours(messages, since)
    for message in ours:
        if name in "\n".join(message.data) or any(f.name == name for f in message.content.files):
            return Delivery.FOUND
    if not is_image:
        return Delivery.NOT_FOUND
    images = [m for m in ours if m.is_image or m.content.images]
    if len(images) == 1:
        return Delivery.FOUND
    return Delivery.AMBIGUOUS if images else Delivery.NOT_FOUND
