"""Decide from chat history whether a send whose outcome is unknown actually went through.

A read timeout or 5xx on ``/v1/chat/send/*`` may come *after* Ozon stored the message; a blind
retry would then show the buyer the same message twice. Instead we look for our own message in
recent history. Limitation: an identical text (or an unnamed image) sent by the seller within the
clock-skew window just before is indistinguishable; we then prefer "delivered" / "unknown" over
a possible duplicate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

# The port's verdict types, so the core compares Ozon's answers with its own enum.
from connectors.marketplace.matching import (
    IMAGE_EXTENSIONS,
    Delivery,
    Verdict,
    looks_like_image,
)
from connectors.ozon.models import ChatMessage

__all__ = [
    "IMAGE_EXTENSIONS",
    "Delivery",
    "Verdict",
    "find_sent_file",
    "find_sent_text",
    "looks_like_image",
    "verify_file",
    "verify_text",
]


def _ours(
    messages: Iterable[ChatMessage], since: datetime, exclude: Collection[str] = ()
) -> list[ChatMessage]:
    return [
        m
        for m in messages
        if m.is_from_seller and m.created_at >= since and m.message_id not in exclude
    ]


def _text_of(message: ChatMessage) -> tuple[str, str]:
    return "\n".join(message.data).strip(), message.content.text.strip()


def _names_file(message: ChatMessage, name: str) -> bool:
    """Ozon shows a document as ``[name (12KB)](url)``: the label, minus the size, is the name."""
    return any(f.name == name for f in message.content.files)


def _is_image(message: ChatMessage) -> bool:
    return message.is_image or bool(message.content.images)


def verify_text(
    messages: Iterable[ChatMessage], *, since: datetime, text: str, exclude: Collection[str] = ()
) -> Verdict:
    """FOUND (with the message) if a seller message at/after ``since`` carries ``text``."""
    wanted = text.strip()
    for message in _ours(messages, since, exclude):
        if wanted in _text_of(message):
            return Verdict(Delivery.FOUND, message.message_id)
    return Verdict(Delivery.NOT_FOUND)


def verify_file(
    messages: Iterable[ChatMessage],
    *,
    since: datetime,
    name: str,
    is_image: bool,
    exclude: Collection[str] = (),
) -> Verdict:
    """A document is found by its name. An image has no name in history: with one reply of a
    chat in flight at a time, exactly one seller image after ``since`` (not already known as
    another reply, see ``exclude``) is ours; none means not sent; several are AMBIGUOUS."""
    ours = _ours(messages, since, exclude)
    named = [m for m in ours if _names_file(m, name)]
    if named:
        return Verdict(Delivery.FOUND, named[0].message_id)
    if not is_image:
        return Verdict(Delivery.NOT_FOUND)
    images = [m for m in ours if _is_image(m)]
    if len(images) == 1:
        return Verdict(Delivery.FOUND, images[0].message_id)
    return Verdict(Delivery.AMBIGUOUS if images else Delivery.NOT_FOUND)


def find_sent_text(messages: Iterable[ChatMessage], *, since: datetime, text: str) -> Delivery:
    """FOUND if a seller message created at/after ``since`` carries exactly ``text``."""
    return verify_text(messages, since=since, text=text).outcome


def find_sent_file(
    messages: Iterable[ChatMessage], *, since: datetime, name: str, is_image: bool
) -> Delivery:
    """FOUND if a recent seller message names the file; for an unnamed image, if exactly one."""
    return verify_file(messages, since=since, name=name, is_image=is_image).outcome
