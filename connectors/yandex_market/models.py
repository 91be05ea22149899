"""Pydantic models of what Yandex Market's chat API returns.

Lenient on input: an enum value we have never seen becomes ``UNKNOWN`` instead of failing
the page (Yandex's best-practice page asks for exactly that), ids are normalised to ``int``
at the boundary (the push sends ``messageId`` as a string), times are aware. Field names are
ours; Yandex's spellings are aliases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class _Lenient(StrEnum):
    @classmethod
    def parse(cls, value: Any) -> Any:
        text = str(value).strip().upper() if value is not None else ""
        return next((m for m in cls if m.value == text), cls("UNKNOWN"))


class ContextType(_Lenient):
    ORDER = "ORDER"
    RETURN = "RETURN"
    DIRECT = "DIRECT"
    UNKNOWN = "UNKNOWN"


class ChatType(_Lenient):
    CHAT = "CHAT"
    ARBITRAGE = "ARBITRAGE"
    UNKNOWN = "UNKNOWN"


class ChatStatus(_Lenient):
    NEW = "NEW"
    WAITING_FOR_CUSTOMER = "WAITING_FOR_CUSTOMER"
    WAITING_FOR_PARTNER = "WAITING_FOR_PARTNER"
    WAITING_FOR_ARBITER = "WAITING_FOR_ARBITER"
    WAITING_FOR_MARKET = "WAITING_FOR_MARKET"
    FINISHED = "FINISHED"
    UNKNOWN = "UNKNOWN"


#: The statuses a seller must act on: the fast poll lists only these.
ACTIVE_STATUSES = (ChatStatus.NEW, ChatStatus.WAITING_FOR_PARTNER)
#: The others, listed by the slower sweep (status changes push does not report).
OTHER_STATUSES = (
    ChatStatus.WAITING_FOR_CUSTOMER,
    ChatStatus.WAITING_FOR_ARBITER,
    ChatStatus.WAITING_FOR_MARKET,
    ChatStatus.FINISHED,
)


class Sender(_Lenient):
    PARTNER = "PARTNER"
    CUSTOMER = "CUSTOMER"
    MARKET = "MARKET"
    SUPPORT = "SUPPORT"
    UNKNOWN = "UNKNOWN"


class Scope(StrEnum):
    """Api-Key scopes (``ApiKeyScopeType``) that matter for chats."""

    ALL_METHODS = "ALL_METHODS"
    ALL_METHODS_READ_ONLY = "ALL_METHODS_READ_ONLY"
    COMMUNICATION = "COMMUNICATION"


#: Scopes that may send into chats; a read-only key can read but never answer.
SEND_SCOPES = frozenset({Scope.ALL_METHODS.value, Scope.COMMUNICATION.value})
READ_SCOPES = SEND_SCOPES | {Scope.ALL_METHODS_READ_ONLY.value}


def _int_or_none(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isdigit() else None
    return value


def _time(value: Any) -> Any:
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def _list(value: Any) -> Any:
    return [] if value is None else value


def _text(value: Any) -> Any:
    return "" if value is None else value


OptInt = Annotated[int | None, BeforeValidator(_int_or_none)]
Id = Annotated[int, BeforeValidator(_int_or_none)]
Time = Annotated[datetime, BeforeValidator(_time)]
Text = Annotated[str, BeforeValidator(_text)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class Customer(_Model):
    """The buyer's Yandex public name and id (PII: shown to agents, never logged)."""

    name: str | None = None
    public_id: str | None = Field(default=None, alias="publicId")


class ChatContext(_Model):
    """What a chat is about: an order, a return (both with their store) or a product."""

    type: Annotated[ContextType, BeforeValidator(ContextType.parse)] = ContextType.UNKNOWN
    customer: Customer | None = None
    campaign_id: OptInt = Field(default=None, alias="campaignId")
    order_id: OptInt = Field(default=None, alias="orderId")
    return_id: OptInt = Field(default=None, alias="returnId")


class Chat(_Model):
    """One chat of ``POST /chats`` or ``GET /chat``; ``updated_at`` is its last message's time."""

    chat_id: Id = Field(alias="chatId")
    context: ChatContext = Field(default_factory=ChatContext)
    type: Annotated[ChatType, BeforeValidator(ChatType.parse)] = ChatType.UNKNOWN
    status: Annotated[ChatStatus, BeforeValidator(ChatStatus.parse)] = ChatStatus.UNKNOWN
    created_at: Time | None = Field(default=None, alias="createdAt")
    updated_at: Time | None = Field(default=None, alias="updatedAt")
    #: Deprecated top-level copy of ``context.orderId``.
    legacy_order_id: OptInt = Field(default=None, alias="orderId")

    @property
    def order_id(self) -> int | None:
        return self.context.order_id or self.legacy_order_id

    @property
    def is_arbitrage(self) -> bool:
        return self.type is ChatType.ARBITRAGE or self.status is ChatStatus.WAITING_FOR_ARBITER


class ChatsPage(_Model):
    chats: Annotated[list[Chat], BeforeValidator(_list)] = Field(default_factory=list)
    next_page_token: str | None = None


class Attachment(_Model):
    """A file of a message (``payload`` item): downloaded with the seller's key."""

    name: Text = ""
    url: Text = ""
    size: OptInt = None


class ChatMessage(_Model):
    """One message of history or ``GET /chats/message``: text, files, or (a sticker) neither."""

    message_id: Id = Field(alias="messageId")
    created_at: Time = Field(alias="createdAt")
    sender: Annotated[Sender, BeforeValidator(Sender.parse)] = Sender.UNKNOWN
    text: Text = Field(default="", alias="message")
    payload: Annotated[list[Attachment], BeforeValidator(_list)] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.text.strip() and not self.payload


class HistoryPage(_Model):
    context: ChatContext = Field(default_factory=ChatContext)
    messages: Annotated[list[ChatMessage], BeforeValidator(_list)] = Field(default_factory=list)
    next_page_token: str | None = None


class TokenInfo(_Model):
    """``POST /v2/auth/token``: the key's name and scopes (UPPER_SNAKE)."""

    name: Text = ""
    scopes: frozenset[str] = frozenset()

    @property
    def can_read(self) -> bool:
        return bool(self.scopes & READ_SCOPES)

    @property
    def can_send(self) -> bool:
        return bool(self.scopes & SEND_SCOPES)


class Business(_Model):
    """A cabinet (``businessId``) reached through one of the key's campaigns (stores)."""

    business_id: int
    name: str = ""
    campaign_ids: tuple[int, ...] = ()


class OrderItem(_Model):
    """``BusinessOrderItemDTO``: the product's name is all the header shows."""

    offer_name: Text = Field(default="", alias="offerName")


class OrderDeliveryDates(_Model):
    """``BusinessOrderDeliveryDatesDTO``: ``toDate`` absent means ``fromDate``."""

    from_date: date | None = Field(default=None, alias="fromDate")
    to_date: date | None = Field(default=None, alias="toDate")


class OrderDelivery(_Model):
    dates: OrderDeliveryDates = Field(default_factory=OrderDeliveryDates)


class BusinessOrder(_Model):
    """``BusinessOrderDTO`` of ``POST /v1/businesses/{businessId}/orders``: the fields the
    topic's header shows (status, products, delivery window)."""

    order_id: int = Field(alias="orderId")
    status: Text = ""
    substatus: Text = ""
    items: Annotated[list[OrderItem], BeforeValidator(_list)] = Field(default_factory=list)
    delivery: OrderDelivery = Field(default_factory=OrderDelivery)


class Download(_Model):
    content: bytes
    content_type: str
    name: str | None = None
