"""The emulated world: cabinets (businesses) with their stores, Api-Keys with scopes, chats
with their messages and files, and an emulated clock. No HTTP here.

Where the reference leaves a choice, the emulator makes one and names it:

* ``messageIdFrom`` in history is **inclusive** by default (``history_from_inclusive``);
  clients must dedupe by id either way.
* history pages run oldest → newest; chat lists run by ``updatedAt``, newest first.
* message ids are one increasing sequence for the whole emulator (int64 in REST).
* sending into a ``FINISHED`` chat → 400 ``CHAT_FINISHED`` "Chat is finished".
* a chat's status: new chat ``NEW``; after a buyer message ``WAITING_FOR_PARTNER``; after a
  seller message ``WAITING_FOR_CUSTOMER``; arbitration ``WAITING_FOR_ARBITER`` (type
  ``ARBITRAGE``); finished ``FINISHED``.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol

from sandbox.wildberries.faults import Fault, FaultBook

SEND_SCOPES = frozenset({"ALL_METHODS", "COMMUNICATION"})
READ_SCOPES = SEND_SCOPES | {"ALL_METHODS_READ_ONLY"}
CONTEXT_TYPES = ("ORDER", "RETURN", "DIRECT")
MSK = timedelta(hours=3)


class Observer(Protocol):
    """Who hears of buyer events (the push simulator)."""

    def chat_created(self, chat: ChatRecord) -> None: ...

    def message_sent(self, message: MessageRecord, business_id: int) -> None: ...

    def arbitrage(self, chat: ChatRecord, *, started: bool) -> None: ...


class UnknownBusinessError(LookupError):
    pass


class UnknownChatError(LookupError):
    pass


class ApiFailure(Exception):
    """An answer the API gives instead of a result (rendered with Yandex's error wrapper)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(slots=True)
class KeyRecord:
    token: str
    name: str
    scopes: frozenset[str]
    business_ids: frozenset[int]

    @property
    def can_read(self) -> bool:
        return bool(self.scopes & READ_SCOPES)

    @property
    def can_send(self) -> bool:
        return bool(self.scopes & SEND_SCOPES)


@dataclass(slots=True)
class StoredFile:
    file_id: str
    name: str
    content: bytes
    content_type: str
    #: A file Yandex will not hand over (the download answers 403).
    refused: bool = False


@dataclass(slots=True)
class MessageRecord:
    message_id: int
    chat_id: int
    sender: str
    created_at: datetime
    text: str | None = None
    files: list[StoredFile] = field(default_factory=list)


@dataclass(slots=True)
class ChatRecord:
    chat_id: int
    business_id: int
    context_type: str
    created_at: datetime
    updated_at: datetime
    chat_type: str = "CHAT"
    status: str = "NEW"
    campaign_id: int | None = None
    order_id: int | None = None
    return_id: int | None = None
    customer_name: str | None = None
    customer_public_id: str | None = None
    messages: list[MessageRecord] = field(default_factory=list)


@dataclass(slots=True)
class OrderRecord:
    """What ``POST /v1/businesses/{businessId}/orders`` tells about an order (the fields
    the bot reads; dates ``YYYY-MM-DD``, ``to_date`` may be empty)."""

    order_id: int
    campaign_id: int
    offer_name: str = ""
    status: str = "PROCESSING"
    substatus: str = "STARTED"
    from_date: str = ""
    to_date: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(slots=True)
class BusinessRecord:
    business_id: int
    name: str
    campaign_ids: list[int]


@dataclass(frozen=True, slots=True)
class Upload:
    """A file a buyer attaches (control API or tests)."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"
    refused: bool = False


_MSK_TZ = timezone(MSK)


def iso(when: datetime) -> str:
    """Moscow time with its offset, as Yandex's examples print dates (with milliseconds:
    the emulator's choice; clients must also cope with whole seconds)."""
    return when.astimezone(_MSK_TZ).isoformat(timespec="milliseconds")


def encode_token(offset: int) -> str:
    raw = json.dumps({"nextId": offset}).encode()
    return base64.b64encode(raw).decode("ascii")


def decode_token(token: str) -> int:
    try:
        value = json.loads(base64.b64decode(token.encode("ascii"), validate=True))
        offset = int(value["nextId"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeError):
        raise ApiFailure(400, "BAD_REQUEST", "Invalid page_token") from None
    if offset < 0:
        raise ApiFailure(400, "BAD_REQUEST", "Invalid page_token")
    return offset


class YmState:
    """The emulated Yandex Market; every method is synchronous and cheap."""

    def __init__(self, *, history_from_inclusive: bool = True) -> None:
        self.history_from_inclusive = history_from_inclusive
        self.faults = FaultBook()
        self.observer: Observer | None = None
        self.reset()

    def reset(self) -> None:
        self.businesses: dict[int, BusinessRecord] = {}
        self.keys: dict[str, KeyRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, StoredFile] = {}
        #: (businessId, orderId) → the order ``getBusinessOrders`` describes.
        self.orders: dict[tuple[int, int], OrderRecord] = {}
        self._clock_offset = timedelta()
        self._chat_ids = itertools.count(8_400_001)
        self._message_ids = itertools.count(300_001)
        self._order_ids = itertools.count(55_000_001)
        self._last_time = datetime.min.replace(tzinfo=UTC)
        self.faults.clear()

    def add_fault(self, kind: str, *, business_id: int | None = None, **options: Any) -> Fault:
        """A fault on the next matching calls; ``"420"`` is the 4-parallel cap's answer
        (the shared fault book names it after WB's 429)."""
        return self.faults.add(
            "429" if kind == "420" else kind,
            seller_id=str(business_id) if business_id is not None else None,
            **options,
        )

    # ------------------------------------------------------------ clock

    def now(self) -> datetime:
        return datetime.now(UTC) + self._clock_offset

    def advance(self, seconds: float) -> datetime:
        self._clock_offset += timedelta(seconds=seconds)
        return self.now()

    def _stamp(self) -> datetime:
        """Strictly increasing times, so ``updatedAt`` orders chats without ties."""
        now = max(self.now(), self._last_time + timedelta(milliseconds=1))
        self._last_time = now
        return now

    # ------------------------------------------------------------ cabinets and keys

    def add_business(
        self, business_id: int, *, name: str = "", campaign_ids: list[int] | None = None
    ) -> BusinessRecord:
        record = BusinessRecord(business_id, name or f"Кабинет {business_id}",
                                list(campaign_ids or [business_id * 10 + 1]))  # fmt: skip
        self.businesses[business_id] = record
        return record

    def business(self, business_id: int) -> BusinessRecord:
        try:
            return self.businesses[business_id]
        except KeyError:
            raise UnknownBusinessError(f"unknown business {business_id}") from None

    def issue_key(
        self,
        business_ids: list[int],
        *,
        scopes: list[str] | None = None,
        token: str | None = None,
        name: str = "desk",
    ) -> KeyRecord:
        for business_id in business_ids:
            self.business(business_id)
        value = token or f"ACMA:{secrets.token_urlsafe(24)}:{secrets.token_hex(4)}"
        record = KeyRecord(value, name, frozenset(scopes or ["COMMUNICATION"]),
                           frozenset(business_ids))  # fmt: skip
        self.keys[value] = record
        return record

    def authenticate(self, header: str | None) -> KeyRecord:
        if header is None or not header.strip():
            raise ApiFailure(401, "UNAUTHORIZED", "Credentials are not specified")
        value = header.strip()
        if value.lower().startswith(("bearer ", "oauth ")):
            raise ApiFailure(401, "UNAUTHORIZED", "Api-Key token prefix invalid")
        key = self.keys.get(value)
        if key is None:
            raise ApiFailure(401, "UNAUTHORIZED", "Api-Key token is invalid")
        return key

    def campaigns_of(self, key: KeyRecord) -> list[tuple[int, BusinessRecord]]:
        return [
            (campaign, self.businesses[b])
            for b in sorted(key.business_ids)
            if b in self.businesses
            for campaign in self.businesses[b].campaign_ids
        ]

    # ------------------------------------------------------------ chats

    def chat(self, business_id: int, chat_id: int) -> ChatRecord:
        chat = self.chats.get(chat_id)
        if chat is None or chat.business_id != business_id:
            raise ApiFailure(404, "NOT_FOUND", f"Chat {chat_id} not found")
        return chat

    def open_chat(
        self,
        business_id: int,
        *,
        context_type: str = "ORDER",
        order_id: int | None = None,
        return_id: int | None = None,
        customer_name: str | None = "Покупатель",
        customer_public_id: str | None = None,
        campaign_id: int | None = None,
    ) -> ChatRecord:
        business = self.business(business_id)
        if context_type not in CONTEXT_TYPES:
            raise ValueError(f"context type must be one of {CONTEXT_TYPES}")
        now = self._stamp()
        chat = ChatRecord(
            chat_id=next(self._chat_ids),
            business_id=business_id,
            context_type=context_type,
            created_at=now,
            updated_at=now,
            customer_name=customer_name,
            customer_public_id=customer_public_id or secrets.token_hex(5),
        )
        if context_type in ("ORDER", "RETURN"):
            chat.campaign_id = campaign_id or business.campaign_ids[0]
            chat.order_id = order = order_id or next(self._order_ids)
            if context_type == "RETURN":
                chat.return_id = return_id or order + 7_000_000
        self.chats[chat.chat_id] = chat
        if self.observer is not None:
            self.observer.chat_created(chat)
        return chat

    def describe_order(
        self,
        business_id: int,
        order_id: int,
        *,
        offer_name: str = "",
        status: str = "",
        substatus: str = "",
        from_date: str = "",
        to_date: str = "",
    ) -> OrderRecord:
        """Let ``getBusinessOrders`` describe an order (a chat's, usually); orders never
        described are unknown to it, as orders older than its 30 days are."""
        business = self.business(business_id)
        chat = next((c for c in self.chats.values() if c.order_id == order_id), None)
        campaign = chat.campaign_id if chat and chat.campaign_id else business.campaign_ids[0]
        order = self.orders.get((business_id, order_id))
        if order is None:
            order = self.orders[(business_id, order_id)] = OrderRecord(
                order_id, campaign, created_at=self._stamp()
            )
        order.offer_name = offer_name or order.offer_name
        order.status = status or order.status
        order.substatus = substatus or order.substatus
        order.from_date = from_date or order.from_date
        order.to_date = to_date or order.to_date
        return order

    def business_orders(self, business_id: int, filters: dict[str, Any]) -> list[OrderRecord]:
        """``getBusinessOrders`` filtered by ``orderIds`` and ``campaignIds`` (the only
        filters the emulator knows), in id order."""
        self.business(business_id)
        wanted = set(filters.get("orderIds") or [])
        campaigns = set(filters.get("campaignIds") or [])
        found = [
            o
            for (b, i), o in self.orders.items()
            if b == business_id and (not wanted or i in wanted)
            and (not campaigns or o.campaign_id in campaigns)
        ]  # fmt: skip
        return sorted(found, key=lambda o: o.order_id)

    def _append(
        self, chat: ChatRecord, sender: str, text: str | None, uploads: list[Upload]
    ) -> MessageRecord:
        now = self._stamp()
        files = []
        for upload in uploads:
            stored = StoredFile(secrets.token_hex(8), upload.name, upload.content,
                                upload.content_type, upload.refused)  # fmt: skip
            self.files[stored.file_id] = stored
            files.append(stored)
        record = MessageRecord(next(self._message_ids), chat.chat_id, sender, now, text, files)
        chat.messages.append(record)
        chat.updated_at = now
        if self.observer is not None:
            self.observer.message_sent(record, chat.business_id)
        return record

    def buyer_writes(
        self,
        business_id: int,
        *,
        text: str | None = None,
        chat_id: int | None = None,
        files: list[Upload] | None = None,
        **context: Any,
    ) -> MessageRecord:
        """A buyer's message; without ``chat_id`` a new chat (``context``: see open_chat)."""
        chat = (
            self.chat(business_id, chat_id)
            if chat_id is not None
            else self.open_chat(business_id, **context)
        )
        first = not chat.messages
        message = self._append(chat, "CUSTOMER", text, list(files or []))
        if not first and chat.status not in ("WAITING_FOR_ARBITER", "FINISHED"):
            chat.status = "WAITING_FOR_PARTNER"
        return message

    def market_writes(
        self, business_id: int, chat_id: int, text: str, *, sender: str = "MARKET"
    ) -> MessageRecord:
        """A ``MARKET`` (automatic) or ``SUPPORT`` (staff) message."""
        if sender not in ("MARKET", "SUPPORT"):
            raise ValueError("sender must be MARKET or SUPPORT")
        return self._append(self.chat(business_id, chat_id), sender, text, [])

    def partner_writes(
        self, business_id: int, chat_id: int, text: str | None, files: list[Upload]
    ) -> MessageRecord:
        """A seller message (ours through the API, or one typed in the cabinet)."""
        chat = self.chat(business_id, chat_id)
        if chat.status == "FINISHED":
            raise ApiFailure(400, "CHAT_FINISHED", "Chat is finished")
        message = self._append(chat, "PARTNER", text, files)
        if chat.status != "WAITING_FOR_ARBITER":
            chat.status = "WAITING_FOR_CUSTOMER"
        return message

    def start_arbitrage(self, business_id: int, chat_id: int) -> ChatRecord:
        chat = self.chat(business_id, chat_id)
        if chat.context_type == "DIRECT":
            raise ValueError("DIRECT chats have no arbitration")
        chat.chat_type = "ARBITRAGE"
        chat.status = "WAITING_FOR_ARBITER"
        self._append(chat, "MARKET", "Начат арбитраж по чату", [])
        if self.observer is not None:
            self.observer.arbitrage(chat, started=True)
        return chat

    def finish_arbitrage(self, business_id: int, chat_id: int) -> ChatRecord:
        chat = self.chat(business_id, chat_id)
        self._append(chat, "MARKET", "Арбитраж завершён", [])
        chat.status = "FINISHED"
        if self.observer is not None:
            self.observer.arbitrage(chat, started=False)
        return chat

    def set_status(self, business_id: int, chat_id: int, status: str) -> ChatRecord:
        chat = self.chat(business_id, chat_id)
        chat.status = status
        return chat

    def create_chat(self, business_id: int, context_type: str, context_id: int) -> ChatRecord:
        """``chats/new``: the existing chat for this order or return, else a new one."""
        if context_type not in ("ORDER", "RETURN"):
            raise ApiFailure(400, "BAD_REQUEST", "Only ORDER and RETURN chats can be created")
        field_name = "order_id" if context_type == "ORDER" else "return_id"
        for chat in self.chats.values():
            if (
                chat.business_id == business_id
                and chat.context_type == context_type
                and getattr(chat, field_name) == context_id
            ):
                return chat
        if context_type == "ORDER":
            return self.open_chat(business_id, context_type="ORDER", order_id=context_id)
        return self.open_chat(business_id, context_type="RETURN", return_id=context_id)

    def list_chats(self, business_id: int, filters: dict[str, Any]) -> list[ChatRecord]:
        """Chats matching the ``GetChatsRequest`` filters, newest ``updatedAt`` first."""
        statuses = set(filters.get("statuses") or [])
        types = set(filters.get("types") or [])
        context_types = set(filters.get("contextTypes") or [])
        order_ids = set(filters.get("orderIds") or [])
        contexts = {(c["type"], c["id"]) for c in filters.get("contexts") or []}
        found = []
        for chat in self.chats.values():
            if chat.business_id != business_id:
                continue
            if statuses and chat.status not in statuses:
                continue
            if types and chat.chat_type not in types:
                continue
            if context_types and chat.context_type not in context_types:
                continue
            if order_ids and chat.order_id not in order_ids:
                continue
            if contexts and not (
                ("ORDER", chat.order_id) in contexts or ("RETURN", chat.return_id) in contexts
            ):
                continue
            found.append(chat)
        found.sort(key=lambda c: (c.updated_at, c.chat_id), reverse=True)
        return found

    def history(
        self, business_id: int, chat_id: int, message_id_from: int | None
    ) -> list[MessageRecord]:
        chat = self.chat(business_id, chat_id)
        if message_id_from is None:
            return list(chat.messages)
        if self.history_from_inclusive:
            return [m for m in chat.messages if m.message_id >= message_id_from]
        return [m for m in chat.messages if m.message_id > message_id_from]

    def message(self, business_id: int, chat_id: int, message_id: int) -> MessageRecord:
        chat = self.chat(business_id, chat_id)
        for message in chat.messages:
            if message.message_id == message_id:
                return message
        raise ApiFailure(404, "NOT_FOUND", f"Message {message_id} not found")

    def sent_by_partner(self, business_id: int, chat_id: int | None = None) -> list[MessageRecord]:
        return [
            m
            for chat in self.chats.values()
            if chat.business_id == business_id and (chat_id is None or chat.chat_id == chat_id)
            for m in chat.messages
            if m.sender == "PARTNER"
        ]

    def file_for(self, key: KeyRecord, file_id: str) -> StoredFile:
        stored = self.files.get(file_id)
        owner = next(
            (c.business_id for c in self.chats.values()
             for m in c.messages for f in m.files if f.file_id == file_id),
            None,
        )  # fmt: skip
        if stored is None or owner not in key.business_ids:
            raise ApiFailure(404, "NOT_FOUND", "File not found")
        if stored.refused:
            raise ApiFailure(403, "FORBIDDEN", "Access to the file is denied")
        return stored
