"""Recognising our own replies among a chat's messages (no marketplace returns an id).

A text is found by its text, a document by its name; an image, which marketplaces show
without a name, is the one seller image after the attempt that is not already known as
another reply (one reply of a chat is in flight at a time). Several such images are
AMBIGUOUS: a person decides, never a blind resend. Limitation: an identical text sent by
the seller in the cabinet just before is indistinguishable; "delivered" is preferred to
a possible duplicate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from connectors.marketplace.messages import Message

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".heic"})
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


class Delivery(Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the chat says about one reply: the outcome and, when found, the message id."""

    outcome: Delivery
    message_id: str | None = None


def looks_like_image(name: str, content: bytes = b"") -> bool:
    """Marketplaces show images inline, so an image reply is recognised as an image."""
    lowered = name.lower()
    if any(lowered.endswith(ext) for ext in IMAGE_EXTENSIONS):
        return True
    is_webp = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    return is_webp or content.startswith(_IMAGE_MAGIC)


def _ours(
    messages: Iterable[Message], since: datetime, exclude: Collection[str], api_only: bool
) -> list[Message]:
    return [
        m
        for m in messages
        if m.is_from_seller
        and m.created_at >= since
        and m.message_id not in exclude
        and not (api_only and m.via_api is False)
    ]


def verify_text(
    messages: Iterable[Message],
    *,
    since: datetime,
    text: str,
    exclude: Collection[str] = (),
    api_only: bool = False,
) -> Verdict:
    """FOUND (with the message) if a seller message at/after ``since`` carries ``text``."""
    wanted = text.strip()
    for message in _ours(messages, since, exclude, api_only):
        if message.text.strip() == wanted:
            return Verdict(Delivery.FOUND, message.message_id)
    return Verdict(Delivery.NOT_FOUND)


def verify_file(
    messages: Iterable[Message],
    *,
    since: datetime,
    name: str,
    is_image: bool,
    exclude: Collection[str] = (),
    api_only: bool = False,
) -> Verdict:
    """A document by its name; an image as the only new seller image (else AMBIGUOUS)."""
    ours = _ours(messages, since, exclude, api_only)
    named = [m for m in ours if any(f.name == name for f in m.files)]
    if named:
        return Verdict(Delivery.FOUND, named[0].message_id)
    if not is_image:
        return Verdict(Delivery.NOT_FOUND)
    images = [m for m in ours if m.shows_image]
    if len(images) == 1:
        return Verdict(Delivery.FOUND, images[0].message_id)
    return Verdict(Delivery.AMBIGUOUS if images else Delivery.NOT_FOUND)
