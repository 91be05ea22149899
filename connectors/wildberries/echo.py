"""Recognise our own send in WB's events stream, to settle a send whose outcome is unknown.

WB returns no message id, so a lost answer can only be settled by looking for the echo: an
event with ``sender: seller`` and ``source: seller-public-api`` in the same chat, at or after
the moment we sent, carrying our text and our files. Whether WB echoes a message with text and
files as one event or as several is not documented, so both are accepted: the text must be on
one echo and the files may be spread over the echoes. Images may come back without a name, so
an image is matched by name when there is one and otherwise counted. An identical message sent
through the API just before (within the clock-skew allowance) is indistinguishable; then
"delivered" is preferred over a possible duplicate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from connectors.wildberries.models import Event, Sender
from connectors.wildberries.rules import sniff_type

API_SOURCE = "seller-public-api"


@dataclass(frozen=True, slots=True)
class SentFile:
    """What we sent of a file, enough to recognise it: its name and whether it is a picture."""

    name: str
    is_image: bool

    @classmethod
    def of(cls, name: str, content: bytes) -> SentFile:
        return cls(name=name, is_image=sniff_type(content) in ("image/jpeg", "image/png"))


@dataclass(frozen=True, slots=True)
class Echo:
    """``found`` with the ids of the events that make up our message (empty when not)."""

    found: bool
    event_ids: tuple[str, ...] = ()


def is_api_echo(event: Event) -> bool:
    """A seller message sent through the API (ours, or another tool's with the same token)."""
    return event.sender is Sender.SELLER and event.source == API_SOURCE


def is_portal_reply(event: Event) -> bool:
    """A seller message written anywhere but the API (the WB seller portal, an app)."""
    return event.sender is Sender.SELLER and event.source != API_SOURCE


def find_echo(
    events: Iterable[Event],
    *,
    chat_id: str,
    since: datetime,
    text: str | None,
    files: Collection[SentFile] = (),
    exclude: Collection[str] = (),
) -> Echo:
    """Is the message (``text`` and ``files``) among the API echoes of ``chat_id`` since
    ``since``? ``exclude`` holds event ids already known as other replies."""
    candidates = [
        e
        for e in events
        if e.chat_id == chat_id
        and is_api_echo(e)
        and e.event_id not in exclude
        and (e.created_at is None or e.created_at >= since)
    ]
    used: list[str] = []
    wanted = (text or "").strip()
    if wanted:
        carrier = next((e for e in candidates if e.text.strip() == wanted), None)
        if carrier is None:
            return Echo(found=False)
        used.append(carrier.event_id)
    names = [f.name for e in candidates for f in e.attachments.files]
    unnamed_images = sum(len(e.attachments.images) for e in candidates)
    for item in files:
        if item.name in names:
            names.remove(item.name)
        elif item.is_image and unnamed_images > 0:
            unnamed_images -= 1
        else:
            return Echo(found=False)
    if files:
        used.extend(
            e.event_id
            for e in candidates
            if (e.attachments.files or e.attachments.images) and e.event_id not in used
        )
    return Echo(found=True, event_ids=tuple(used))
