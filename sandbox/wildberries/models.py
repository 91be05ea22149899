"""The emulated world's records: sellers' chats, events, stored files and what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Moderation(StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    REFUSED = "refused"


class Sender(StrEnum):
    CLIENT = "client"
    SELLER = "seller"
    WB = "wb"


@dataclass(slots=True)
class StoredFile:
    """An attachment; ``pending_polls`` downloads answer 202 before it becomes ``then``."""

    download_id: str
    seller_id: str
    name: str
    content: bytes
    content_type: str
    uploaded: str
    moderation: Moderation = Moderation.APPROVED
    pending_polls: int | None = None
    then: Moderation = Moderation.APPROVED
    retry_seconds: int = 30

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@dataclass(slots=True)
class ChatRecord:
    chat_id: str
    seller_id: str
    reply_sign: str
    client_name: str
    created_ms: int
    good_card: dict[str, Any] | None = None
    last_text: str = ""
    last_ms: int = 0


@dataclass(slots=True)
class EventRecord:
    event_id: str
    chat_id: str
    sender: Sender
    source: str
    ts_ms: int
    text: str | None
    files: list[StoredFile] = field(default_factory=list)
    is_new_chat: bool = False
    reply_sign: str | None = None
    client_name: str = ""
    good_card: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SentRecord:
    """A message the seller sent through the API, as the emulator stored it."""

    seller_id: str
    chat_id: str
    event_id: str
    text: str | None
    files: tuple[StoredFile, ...]
    ts_ms: int
