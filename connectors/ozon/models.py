"""Pydantic models that normalise what Ozon sends.

Ozon's docs and live responses disagree on casing, id types and even shape (v2 flat vs v3
nested chat items), so every model here is lenient on input and strict on output: ids are
always ``str``, enums are always our members (``UNKNOWN`` for values we have never seen, so a new
Ozon chat type cannot break a whole page), datetimes are always aware UTC.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from connectors.ozon.markdown import MessageContent, parse_markdown

logger = logging.getLogger(__name__)

# Synthetic ids of unreadable items whose own id could not be read either.
UNREADABLE_ID_PREFIX = "unreadable-"

# Cyrillic letters that look like Latin ones; Ozon's own examples spell "Сustomer" with U+0421.
_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТХаеорсух", "ABEKMHOPCTXaeopcyx")
_NON_ALNUM = re.compile(r"[^A-Z0-9]")


@functools.lru_cache(maxsize=512)
def _enum_key(value: str) -> str:
    """Normalised spelling; cached, since Ozon repeats the same few spellings endlessly."""
    return _NON_ALNUM.sub("", value.translate(_HOMOGLYPHS).upper())


@functools.cache
def _members_by_key(enum: type[StrEnum]) -> dict[str, StrEnum]:
    return {_enum_key(member.value): member for member in enum}


class _LenientEnum(StrEnum):
    """StrEnum matched ignoring case, underscores and Cyrillic look-alikes; unknown → UNKNOWN."""

    @classmethod
    def parse(cls, value: Any) -> Self:
        if isinstance(value, cls):
            return value
        key = _enum_key(str(value)) if value is not None else ""
        member = _members_by_key(cls).get(key)
        return member if member is not None else cls["UNKNOWN"]  # type: ignore[return-value]


class ChatType(_LenientEnum):
    UNSPECIFIED = "UNSPECIFIED"
    SELLER_SUPPORT = "SELLER_SUPPORT"
    BUYER_SELLER = "BUYER_SELLER"
    BUYER_SELLER_SELECT = "BUYER_SELLER_SELECT"
    SELLER_NOTIFICATION = "SELLER_NOTIFICATION"
    SELLER_API_UPDATES = "SELLER_API_UPDATES"
    SELLER_API_NOTIFICATIONS = "SELLER_API_NOTIFICATIONS"
    SELLER_NOTIFICATION_LOGISTICS = "SELLER_NOTIFICATION_LOGISTICS"
    SELLER_NOTIFICATION_UPDATE_CONTENT = "SELLER_NOTIFICATION_UPDATE_CONTENT"
    SELLER_PERSONAL_MANAGER_UNITY_CRM = "SELLER_PERSONAL_MANAGER_UNITY_CRM"
    SELLER_BUSINESS_DEVELOPMENT_GROUP = "SELLER_BUSINESS_DEVELOPMENT_GROUP"
    UNKNOWN = "UNKNOWN"


class ChatStatus(_LenientEnum):
    UNSPECIFIED = "UNSPECIFIED"
    OPENED = "OPENED"
    CLOSED = "CLOSED"
    UNKNOWN = "UNKNOWN"


class AuthorType(_LenientEnum):
    CUSTOMER = "Customer"
    SELLER = "Seller"
    SUPPORT = "Support"
    NOTIFICATION_USER = "NotificationUser"
    CHAT_BOT = "ChatBot"
    CRM = "Crm"
    COURIER = "Courier"
    UNKNOWN = "Unknown"


def _id_str(value: Any) -> Any:
    """Ids arrive as JSON strings or numbers (uint64, beyond 2^53): keep them as exact strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _optional_id(value: Any) -> Any:
    """Ozon writes "0", 0 or "" for "none" (no unread message, no SKU, no order)."""
    value = _id_str(value)
    return None if value in (None, "", "0") else value


def _utc(value: Any) -> Any:
    """Seller API works in UTC: a naive timestamp is UTC, an aware one is converted to UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


Id = Annotated[str, BeforeValidator(_id_str)]
OptionalId = Annotated[str | None, BeforeValidator(_optional_id)]
UtcDatetime = Annotated[datetime, BeforeValidator(_utc)]
ChatTypeField = Annotated[ChatType, BeforeValidator(ChatType.parse)]
ChatStatusField = Annotated[ChatStatus, BeforeValidator(ChatStatus.parse)]
AuthorTypeField = Annotated[AuthorType, BeforeValidator(AuthorType.parse)]

_CONFIG = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class ChatSummary(BaseModel):
    """One chat row of ``/v3/chat/list`` (nested ``chat``) or a flat v2-style item."""

    model_config = _CONFIG
    chat_id: Id
    status: ChatStatusField = Field(ChatStatus.UNSPECIFIED, alias="chat_status")
    type: ChatTypeField = Field(ChatType.UNSPECIFIED, alias="chat_type")
    created_at: Annotated[datetime | None, BeforeValidator(_utc)] = None
    first_unread_message_id: OptionalId = None
    last_message_id: OptionalId = None
    unread_count: int = 0

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("chat"), dict):
            return {**{k: v for k, v in data.items() if k != "chat"}, **data["chat"]}
        return data

    @property
    def is_buyer_chat(self) -> bool:
        """Only these types are conversations with buyers; the rest are Ozon system chats."""
        return self.type in (ChatType.BUYER_SELLER, ChatType.BUYER_SELLER_SELECT)


class ChatPage(BaseModel):
    """One page of ``/v3/chat/list``; ``cursor`` is None when Ozon sent none."""

    model_config = _CONFIG
    chats: list[ChatSummary] = []
    cursor: Annotated[str | None, BeforeValidator(lambda v: _id_str(v) or None)] = None
    has_next: bool = False
    total_unread_count: int = 0


class ChatMessage(BaseModel):
    """One message of ``/v3/chat/history`` with ``user`` and ``context`` flattened."""

    model_config = _CONFIG
    message_id: Id
    author_type: AuthorTypeField = AuthorType.UNKNOWN
    author_id: Annotated[str | None, BeforeValidator(_id_str)] = None
    created_at: UtcDatetime
    is_read: bool = False
    is_image: bool = False
    moderate_image_status: Annotated[str | None, BeforeValidator(lambda v: v or None)] = None
    data: list[str] = []
    content: MessageContent = MessageContent()
    order_number: Annotated[str | None, BeforeValidator(_optional_id)] = None
    sku: Annotated[str | None, BeforeValidator(_optional_id)] = None
    #: The item failed validation; only what could be read is kept (see ``placeholder``).
    unreadable: bool = False

    @classmethod
    def placeholder(cls, raw: Any, *, received_at: datetime) -> ChatMessage:
        """What can be salvaged from a history item that failed validation.

        Its id (when readable) keeps order and the cursor working; without one, a stable
        synthetic id from the item's bytes makes a repeated read store it once.
        """
        item = raw if isinstance(raw, dict) else {}
        raw_user = item.get("user")
        user = raw_user if isinstance(raw_user, dict) else {}
        message_id = _id_str(item.get("message_id", item.get("messageId")))
        if not (isinstance(message_id, str) and message_id.isdigit()):
            digest = hashlib.sha256(
                json.dumps(raw, sort_keys=True, default=str).encode()
            ).hexdigest()
            message_id = UNREADABLE_ID_PREFIX + digest[:24]
        try:
            created_at = _utc(item.get("created_at"))
        except (TypeError, ValueError):
            created_at = None
        author_id = _id_str(user.get("id"))
        return cls(
            message_id=message_id,
            author_type=AuthorType.parse(user.get("type")),
            author_id=author_id if isinstance(author_id, str) else None,
            created_at=created_at if isinstance(created_at, datetime) else received_at,
            unreadable=True,
        )

    @property
    def has_marketplace_id(self) -> bool:
        """False for a synthetic id: it must never become a chat's cursor."""
        return not self.message_id.startswith(UNREADABLE_ID_PREFIX)

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        if "message_id" not in out and "messageId" in out:
            out["message_id"] = out["messageId"]
        user = out.get("user")
        if isinstance(user, dict):
            out.setdefault("author_type", user.get("type"))
            out.setdefault("author_id", user.get("id"))
        context = out.get("context")
        if isinstance(context, dict):
            out.setdefault("order_number", context.get("order_number"))
            out.setdefault("sku", context.get("sku"))
        raw = out.get("data")
        if raw is None:
            raw = []
        elif isinstance(raw, str):
            raw = [raw]
        out["data"] = raw
        if "content" not in out and all(isinstance(item, str) for item in raw):
            out["content"] = parse_markdown(raw)
        return out

    @property
    def is_from_buyer(self) -> bool:
        return self.author_type is AuthorType.CUSTOMER

    @property
    def is_from_seller(self) -> bool:
        return self.author_type is AuthorType.SELLER


class HistoryPage(BaseModel):
    """One page of ``/v3/chat/history``, in the order Ozon returned it.

    Items are validated one by one: one malformed message becomes a placeholder
    (``unreadable``) instead of failing the page, so it cannot block its chat.
    """

    model_config = _CONFIG
    messages: list[ChatMessage] = []
    has_next: bool = False

    @model_validator(mode="before")
    @classmethod
    def _items_one_by_one(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            return data
        return {**data, "messages": [_message_or_placeholder(raw) for raw in data["messages"]]}


def _message_or_placeholder(raw: Any) -> ChatMessage:
    try:
        return ChatMessage.model_validate(raw)
    except ValidationError as exc:
        placeholder = ChatMessage.placeholder(raw, received_at=datetime.now(UTC))
        logger.warning(
            "ozon history item %s unreadable (%d validation errors); stored as a placeholder",
            placeholder.message_id, exc.error_count(),
        )  # fmt: skip
        return placeholder


@dataclass(frozen=True)
class DownloadedFile:
    """An attachment fetched with the seller's credentials (browsers cannot fetch it directly)."""

    content: bytes
    content_type: str
    name: str


class PostingProduct(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sku: int = 0
    name: str = ""


class PostingAnalytics(BaseModel):
    model_config = ConfigDict(extra="ignore")

    delivery_date_begin: datetime | None = None
    delivery_date_end: datetime | None = None


class PostingDetails(BaseModel):
    """``/v3/posting/fbs/get``'s ``result``, the fields the topic's header shows."""

    model_config = ConfigDict(extra="ignore")

    posting_number: str = ""
    status: str = ""
    products: list[PostingProduct] = Field(default_factory=list)
    analytics_data: PostingAnalytics | None = None
