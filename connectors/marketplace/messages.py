"""What every marketplace adapter hands the core: chats, messages and files, in our words.

No marketplace's field names appear here. An adapter translates its own payloads into these
classes once, at its edge, so sync, relay and verification read one shape whichever
marketplace a chat is on.

Message ids are strings that **order by (length, then lexically)** in the order the
marketplace stored the messages (see :func:`message_order`): Ozon's decimal uint64 ids do
so as they are; an adapter whose ids do not (Wildberries' event UUIDs) builds ids that do,
e.g. a fixed-width timestamp before the marketplace's own id. The core relies on that
order for a chat's cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Author(StrEnum):
    """Who wrote a message; the values are how storage names authors."""

    BUYER = "customer"
    SELLER = "seller"
    SUPPORT = "support"
    SYSTEM = "system"
    CHATBOT = "chatbot"
    CRM = "crm"
    COURIER = "courier"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class FileRef:
    """An attachment that is not an inline image: its name and where the adapter fetches it."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a chat, either side.

    ``images`` and ``files`` hold what :meth:`SellerChannel.download` accepts; ``links``
    are URLs left in the text (product pages). ``unreadable`` marks an item the adapter
    could not parse: only what could be read is kept, and ``placeable`` is False when even
    its id is synthetic (it is stored once but never becomes a cursor).
    """

    message_id: str
    author: Author
    created_at: datetime
    text: str = ""
    author_id: str | None = None
    images: tuple[str, ...] = ()
    files: tuple[FileRef, ...] = ()
    links: tuple[str, ...] = ()
    is_image: bool = False
    order_number: str | None = None
    sku: str | None = None
    #: A product page the message links to (the chat's product, when it has none yet).
    product_url: str | None = None
    unreadable: bool = False
    placeable: bool = True
    #: Set by the marketplace when it tells seller replies apart (WB: ``source``);
    #: ``True`` when this seller message surely came from the seller API (ours).
    via_api: bool | None = None

    @property
    def is_from_buyer(self) -> bool:
        return self.author is Author.BUYER

    @property
    def is_from_seller(self) -> bool:
        return self.author is Author.SELLER

    @property
    def shows_image(self) -> bool:
        return self.is_image or bool(self.images)


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """A chat as the marketplace lists it.

    ``latest`` is the marketplace's marker of the chat's newest activity (Ozon: its last
    message id), compared with the stored cursor to tell a changed chat from an idle one.
    When ``latest_is_bound`` the marketplace lists only *when* the chat was last active
    (Yandex Market's ``updatedAt``): ``latest`` is then a message id built from that time
    that sorts at or below the newest message, and the chat changed when it sorts above
    the stored cursor (:func:`has_news`).
    ``extra`` holds marketplace-specific fields the adapter needs later (WB's reply
    signature, a goods card id); the core stores it per chat without reading it.
    """

    chat_id: str
    chat_type: str = "BUYER_SELLER"
    closed: bool = False
    is_buyer_chat: bool = True
    latest: str | None = None
    buyer_name: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    latest_is_bound: bool = False


@dataclass(frozen=True, slots=True)
class ChatPage:
    """One page of a chat listing ordered by recent activity; ``cursor`` for the next."""

    chats: list[ChatInfo]
    cursor: str | None = None
    has_next: bool = False


@dataclass(frozen=True, slots=True)
class ChatEvents:
    """One chat's part of an event batch: what is known of the chat and its new messages."""

    chat: ChatInfo
    messages: list[Message]


@dataclass(frozen=True, slots=True)
class EventBatch:
    """What an event stream produced since a cursor; ``next_cursor`` resumes after it.

    ``done`` is True when the stream had nothing more (the caller stops reading); the
    caller commits ``next_cursor`` together with what it stored from ``chats``.
    """

    chats: list[ChatEvents]
    next_cursor: str | None
    done: bool


@dataclass(frozen=True, slots=True)
class Downloaded:
    """An attachment's bytes, fetched with the seller's credentials."""

    content: bytes
    content_type: str
    name: str


@dataclass(frozen=True, slots=True)
class NotReady:
    """The marketplace holds the file back for now (moderation): ask again later."""

    retry_after_seconds: float


@dataclass(frozen=True, slots=True)
class Refused:
    """The marketplace will never hand the file over: it failed moderation
    (``"moderation"``) or the file host refuses it for good (``"unavailable"``)."""

    reason: str = "moderation"


Download = Downloaded | NotReady | Refused


def message_order(message_id: str) -> tuple[int, str]:
    """The order of message ids under the port's rule: by length, then lexically."""
    return len(message_id), message_id


def has_news(chat: ChatInfo, cursor: str | None) -> bool:
    """Whether a listed chat has activity the stored ``cursor`` does not cover."""
    if cursor is None or chat.latest is None:
        return True
    if chat.latest_is_bound:
        return message_order(chat.latest) > message_order(cursor)
    return chat.latest != cursor
