"""The emulated world as plain slotted dataclasses (no I/O, no framework imports).

Slots keep a benchmark world (100 sellers x 5,000 chats) small in memory.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from operator import attrgetter


class UserType(StrEnum):
    """``user.type`` in Capitalised Latin form, as v3 history emits it."""

    CUSTOMER = "Customer"
    SELLER = "Seller"
    SUPPORT = "Support"
    NOTIFICATION_USER = "NotificationUser"


class ChatType(StrEnum):
    """``chat.chat_type`` in UPPER_SNAKE form, as v3 list emits it."""

    BUYER_SELLER = "BUYER_SELLER"
    SELLER_SUPPORT = "SELLER_SUPPORT"
    SELLER_API_UPDATES = "SELLER_API_UPDATES"


class ChatStatus(StrEnum):
    OPENED = "OPENED"
    CLOSED = "CLOSED"


#: ``user.id`` of Ozon's own senders (numeric strings like every other user id).
NOTIFICATION_USER_ID = "1"
SUPPORT_USER_ID = "2"

_message_id = attrgetter("id")


@dataclass(slots=True)
class StoredFile:
    """An attachment kept in memory and served by ``GET /v2/chat/file/<path>``."""

    path: str
    name: str
    content: bytes
    content_type: str


@dataclass(slots=True)
class Message:
    """One chat message. Exactly one of ``text`` / ``attachment`` is set."""

    id: int
    user_type: UserType
    user_id: str
    created_at: datetime
    text: str | None = None
    attachment: StoredFile | None = None
    is_image: bool = False
    order_number: str = ""
    sku: str = ""


@dataclass(slots=True)
class SentRecord:
    """Something the seller sent through the Seller API, for assertions in tests."""

    chat_id: str
    message_id: str
    kind: str  # "text" | "file"
    text: str | None
    file_name: str | None
    file_bytes: bytes | None
    at: datetime


@dataclass(slots=True)
class Posting:
    """A posting the seller can open a chat for with ``/v1/chat/start``."""

    posting_number: str
    order_number: str
    sku: str
    chat_id: str | None = None
    #: What ``/v3/posting/fbs/get`` tells about it (the product, the status, the dates of
    #: ``analytics_data.delivery_date_begin``/``_end``, RFC 3339).
    product_name: str = ""
    status: str = "awaiting_packaging"
    delivery_date_begin: str = ""
    delivery_date_end: str = ""


@dataclass(slots=True)
class Chat:
    """A chat with its messages (ascending ids) and the seller's read position.

    ``activity`` is the chat's unique "last activity" key: the id of its newest message, or an
    id reserved when the chat was created empty. It orders ``/v3/chat/list``.
    """

    id: str
    type: ChatType
    created_at: datetime
    activity: int
    status: ChatStatus = ChatStatus.OPENED
    buyer_id: str = ""
    order_number: str = ""
    sku: str = ""
    messages: list[Message] = field(default_factory=list)
    #: Every message with an id <= read_upto has been marked read by the seller.
    read_upto: int = 0
    unread: int = 0
    last_customer_at: datetime | None = None
    #: Set when the seller opened the chat with ``/v1/chat/start`` (starts a reply window).
    started_at: datetime | None = None

    def is_read(self, message: Message) -> bool:
        """The seller's own messages are never unread."""
        return message.user_type is UserType.SELLER or message.id <= self.read_upto

    def last_message_id(self) -> int:
        return self.messages[-1].id if self.messages else 0

    def first_unread_message_id(self) -> int:
        if not self.unread:
            return 0
        start = bisect.bisect_right(self.messages, self.read_upto, key=_message_id)
        for message in self.messages[start:]:
            if message.user_type is not UserType.SELLER:
                return message.id
        return 0

    def unread_between(self, low: int, high: int) -> int:
        """How many counted-as-unread messages have ``low < id <= high``."""
        start = bisect.bisect_right(self.messages, low, key=_message_id)
        stop = bisect.bisect_right(self.messages, high, key=_message_id)
        return sum(1 for m in self.messages[start:stop] if m.user_type is not UserType.SELLER)


@dataclass(slots=True)
class Seller:
    """A seller account: credentials, subscription, chats, files and what it sent.

    ``activity_keys`` is kept sorted ascending, with ``activity_chats`` in step (new activity
    always gets the largest key, so updates are an append plus one removal), which makes keyset
    pagination a bisect plus a slice walk.
    """

    client_id: str
    api_key: str
    premium: bool
    name: str
    system_chat_id: str = ""
    chats: dict[str, Chat] = field(default_factory=dict)
    activity_keys: list[int] = field(default_factory=list)
    #: ``activity_chats[i]`` is the chat whose activity key is ``activity_keys[i]``.
    activity_chats: list[Chat] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)
    postings: dict[str, Posting] = field(default_factory=dict)
    sent: list[SentRecord] = field(default_factory=list)
    total_unread: int = 0
    message_count: int = 0

    @property
    def user_id(self) -> str:
        """``user.id`` of the seller's own messages."""
        return self.client_id

    def add_chat(self, chat: Chat) -> None:
        self.chats[chat.id] = chat
        self._insert_activity(chat)

    def touch(self, chat: Chat, activity: int) -> None:
        """Move a chat to the top of the activity order."""
        index = bisect.bisect_left(self.activity_keys, chat.activity)
        if index < len(self.activity_keys) and self.activity_chats[index] is chat:
            del self.activity_keys[index]
            del self.activity_chats[index]
        chat.activity = activity
        self._insert_activity(chat)

    def _insert_activity(self, chat: Chat) -> None:
        if not self.activity_keys or chat.activity > self.activity_keys[-1]:
            self.activity_keys.append(chat.activity)
            self.activity_chats.append(chat)
        else:
            index = bisect.bisect_right(self.activity_keys, chat.activity)
            self.activity_keys.insert(index, chat.activity)
            self.activity_chats.insert(index, chat)
