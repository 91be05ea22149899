"""The in-memory Ozon world and every rule of the chat API, as plain synchronous methods.

Tests drive the world directly (``buyer_writes``, ``advance_clock`` ...) and the HTTP layer
calls the Seller API methods (``list_chats``, ``send_message`` ...). Rules that the Seller API
enforces raise :class:`~sandbox.ozon.errors.ApiError` here, so both paths agree.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from . import errors
from .faults import Fault, FaultBook
from .ids import FIRST_BUYER_ID, FIRST_MESSAGE_ID, IdSequence, new_chat_id, new_file_token
from .ids import utc_now as _utc_now
from .markdown import content_type_for, document_path, image_path, is_image_name
from .models import (
    NOTIFICATION_USER_ID,
    SUPPORT_USER_ID,
    Chat,
    ChatStatus,
    ChatType,
    Message,
    Posting,
    Seller,
    SentRecord,
    StoredFile,
    UserType,
)
from .notifications import NotificationBook

#: Where file links point until a server publishes its own URL.
DEFAULT_PUBLIC_BASE_URL = "https://api-seller.ozon.ru"
REPLY_WINDOW = timedelta(hours=48)
TEXT_MAX_LENGTH = 1000
LIST_LIMIT_MAX = 100
HISTORY_LIMIT_DEFAULT = 50
HISTORY_LIMIT_MAX = 1000

SYSTEM_CHAT_GREETING = (
    "**Seller API updates**\n\n"
    "Здесь будут появляться новости об изменениях в Seller API. "
    "Подробнее в [документации](https://docs.ozon.ru/api/seller/)."
)
SEED_TEXT = "Здравствуйте! Когда будет отправка заказа?"


@dataclass(slots=True)
class ChatPage:
    """One page of ``/v3/chat/list``."""

    chats: list[Chat]
    cursor: str
    has_next: bool
    total_unread_count: int


class UnknownSellerError(LookupError):
    """Raised by direct (test/control) calls naming a Client-Id that was never added."""


class EmulatorState:
    """Every seller, chat, message and file of the emulated Ozon, plus faults and time.

    ``clock`` supplies the base "now" (default: the UTC wall clock); :meth:`advance_clock`
    adds an offset to it. ``history_inclusive`` selects whether ``/v3/chat/history`` includes
    the message named by ``from_message_id`` (the reference leaves it open).
    """

    def __init__(
        self,
        clock: Callable[[], datetime] | None = None,
        history_inclusive: bool = False,
    ) -> None:
        self._clock = clock or _utc_now
        self._initial_history_inclusive = history_inclusive
        self.public_base_url = DEFAULT_PUBLIC_BASE_URL
        self.faults = FaultBook()
        #: Called with ``(url, payload)`` for every push notification; the server posts it.
        self.push_listener: Callable[[str, dict[str, Any]], None] | None = None
        #: Push subscriptions made through ``/v1/notification/*`` (sandbox/ozon/notifications).
        self.notifications = NotificationBook()
        self.reset()

    def reset(self) -> None:
        """Forget everything (sellers, faults, clock offset) but keep this object's identity."""
        self.history_inclusive = self._initial_history_inclusive
        self._offset = timedelta(0)
        self._sellers: dict[str, Seller] = {}
        self._push_urls: dict[str, str] = {}
        self.notifications.reset()
        self._ids = IdSequence(FIRST_MESSAGE_ID)
        self._buyer_ids = IdSequence(FIRST_BUYER_ID)
        self.faults.clear()
        #: Chats whose history answers 400 (Ozon refusing one chat), by (client_id, chat_id).
        self.broken_chats: dict[tuple[str, str], str] = {}
        #: Message ids rendered so that they fail validation (a malformed history item).
        self.unreadable_messages: set[int] = set()

    # ------------------------------------------------------------------ time

    def now(self) -> datetime:
        """The emulated current time (UTC)."""
        return self._clock() + self._offset

    def advance_clock(self, seconds: float) -> None:
        """Move emulated time forward (e.g. past the 48 h reply window)."""
        self._offset += timedelta(seconds=seconds)

    # --------------------------------------------------------------- sellers

    def add_seller(
        self, client_id: str, api_key: str, *, premium: bool = True, name: str = ""
    ) -> None:
        """Create a seller, with the ``SELLER_API_UPDATES`` system chat real accounts have."""
        client_id = str(client_id)
        if client_id in self._sellers:
            raise ValueError(f"seller {client_id} already exists")
        seller = Seller(client_id=client_id, api_key=api_key, premium=premium, name=name)
        self._sellers[client_id] = seller
        system = self._new_chat(seller, ChatType.SELLER_API_UPDATES, self.now())
        seller.system_chat_id = system.id
        self._append(
            seller,
            system,
            UserType.NOTIFICATION_USER,
            NOTIFICATION_USER_ID,
            system.created_at,
            text=SYSTEM_CHAT_GREETING,
        )

    def set_premium(self, client_id: str, premium: bool) -> None:
        self.seller(client_id).premium = premium

    def set_api_key(self, client_id: str, api_key: str) -> None:
        """Replace the key; the old one then fails as invalid (a revoked key)."""
        self.seller(client_id).api_key = api_key

    def seller(self, client_id: str) -> Seller:
        """The seller record; raises :class:`UnknownSellerError`."""
        try:
            return self._sellers[str(client_id)]
        except KeyError:
            raise UnknownSellerError(f"unknown seller {client_id}") from None

    def find_seller(self, client_id: str) -> Seller | None:
        return self._sellers.get(client_id)

    def sellers(self) -> list[Seller]:
        return list(self._sellers.values())

    def add_posting(
        self,
        client_id: str,
        posting_number: str,
        *,
        order_number: str = "",
        sku: str = "",
        product_name: str = "",
        status: str = "",
        delivery_date_begin: str = "",
        delivery_date_end: str = "",
    ) -> None:
        """Register a posting so that ``/v1/chat/start`` can open a chat for it and
        ``/v3/posting/fbs/get`` describes it (product, status, delivery dates)."""
        if not posting_number:
            raise ValueError("posting_number must not be empty")
        seller = self.seller(client_id)
        posting = seller.postings.get(posting_number)
        if posting is None:
            posting = seller.postings[posting_number] = Posting(
                posting_number, order_number or _order_of(posting_number), sku
            )
        else:
            posting.order_number = order_number or posting.order_number
            posting.sku = sku or posting.sku
        posting.product_name = product_name or posting.product_name
        posting.status = status or posting.status
        posting.delivery_date_begin = delivery_date_begin or posting.delivery_date_begin
        posting.delivery_date_end = delivery_date_end or posting.delivery_date_end

    def posting(self, client_id: str, posting_number: str) -> Posting:
        """``/v3/posting/fbs/get``: a known posting, else Ozon's 404."""
        if not posting_number:
            raise errors.required("posting_number")
        posting = self.seller(client_id).postings.get(posting_number)
        if posting is None:
            raise errors.not_found(errors.MSG_POSTING_NOT_FOUND)
        return posting

    # ------------------------------------------------------- world: buyers

    def buyer_writes(
        self,
        client_id: str,
        *,
        text: str | None = None,
        image: bytes | None = None,
        image_name: str = "photo.jpg",
        file: tuple[str, bytes] | None = None,
        chat_id: str | None = None,
        buyer_id: str | None = None,
        order_number: str = "",
        sku: str = "",
        posting_number: str = "",
        at: datetime | None = None,
    ) -> tuple[str, str]:
        """A buyer writes text and/or an image and/or a file; returns (chat_id, last message id).

        Without ``chat_id`` a new ``BUYER_SELLER`` chat is opened. Writing into a closed chat
        reopens it, as a new buyer message does on Ozon. Each part becomes its own message, in
        the order text, image, file.
        """
        if text is None and image is None and file is None:
            raise ValueError("buyer_writes needs text, image or file")
        seller = self.seller(client_id)
        created_at = at or self.now()
        if chat_id is None:
            chat = self._new_chat(seller, ChatType.BUYER_SELLER, created_at)
        else:
            chat = self._chat(seller, chat_id)
            chat.status = ChatStatus.OPENED
        if buyer_id:
            chat.buyer_id = buyer_id
        elif not chat.buyer_id:
            chat.buyer_id = str(self._buyer_ids.next())
        if posting_number:
            self.add_posting(client_id, posting_number, order_number=order_number, sku=sku)
            posting = seller.postings[posting_number]
            order_number = order_number or posting.order_number
            if posting.chat_id is None:
                posting.chat_id = chat.id
        chat.order_number = order_number or chat.order_number
        chat.sku = sku or chat.sku
        parts: list[tuple[str | None, StoredFile | None, bool]] = []
        if text is not None:
            parts.append((text, None, False))
        if image is not None:
            path = image_path(new_file_token(), image_name)
            parts.append((None, self._store_file(seller, path, image_name, image), True))
        if file is not None:
            name, content = file
            path = document_path(new_file_token(), name)
            parts.append((None, self._store_file(seller, path, name, content), False))
        message_id = 0
        for part_text, attachment, is_image in parts:
            message_id = self._append(
                seller,
                chat,
                UserType.CUSTOMER,
                chat.buyer_id,
                created_at,
                text=part_text,
                attachment=attachment,
                is_image=is_image,
                order_number=chat.order_number,
                sku=chat.sku,
            ).id
        if chat.last_customer_at is None or created_at > chat.last_customer_at:
            chat.last_customer_at = created_at
        self._push(
            client_id,
            {
                "message_type": "TYPE_NEW_MESSAGE",
                "chat_id": chat.id,
                "chat_type": "Buyer_Seller",
                "message_id": str(message_id),
                "created_at": created_at.isoformat().replace("+00:00", "Z"),
                "user": {"id": chat.buyer_id, "type": "Customer"},
                "data": [text] if text else [],
            },
        )
        return chat.id, str(message_id)

    def buyers_follow_up(
        self, client_id: str, count: int, *, text: str = "Есть новости по заказу?", seed: int = 0
    ) -> list[str]:
        """``count`` random buyer chats of the seller get one more buyer message (benchmarks).

        Deterministic for a given ``seed``, so two benchmark runs touch the same chats.
        """
        seller = self.seller(client_id)
        buyer_chats = [chat_id for chat_id in seller.chats if chat_id != seller.system_chat_id]
        chosen = random.Random(seed).sample(buyer_chats, min(count, len(buyer_chats)))
        for chat_id in chosen:
            self.buyer_writes(client_id, chat_id=chat_id, text=text)
        return chosen

    def client_ids(self) -> list[str]:
        return list(self._sellers)

    def support_writes(self, client_id: str, chat_id: str, text: str) -> str:
        """An Ozon support agent writes into a chat (counts as unread for the seller)."""
        seller = self.seller(client_id)
        chat = self._chat(seller, chat_id)
        message = self._append(
            seller, chat, UserType.SUPPORT, SUPPORT_USER_ID, self.now(), text=text
        )
        return str(message.id)

    def seller_writes_in_cabinet(self, client_id: str, chat_id: str, text: str) -> str:
        """A Seller message typed in the Ozon web cabinet (not via the API, no API checks)."""
        seller = self.seller(client_id)
        chat = self._chat(seller, chat_id)
        message = self._append(
            seller, chat, UserType.SELLER, seller.user_id, self.now(), text=text
        )
        return str(message.id)

    def close_chat(self, client_id: str, chat_id: str) -> None:
        chat = self._chat(self.seller(client_id), chat_id)
        chat.status = ChatStatus.CLOSED
        self._push(
            client_id,
            {"message_type": "TYPE_CHAT_CLOSED", "chat_id": chat.id, "chat_type": "Buyer_Seller"},
        )

    # ------------------------------------------------------------------ push

    def set_push_url(self, client_id: str, url: str | None) -> None:
        """Where Ozon pushes this seller's chat events (None: no pushes, the default)."""
        self.seller(client_id)
        if url:
            self._push_urls[client_id] = url
        else:
            self._push_urls.pop(client_id, None)

    def _push(self, client_id: str, payload: dict[str, Any]) -> None:
        """Documented push shape: docs casing for chat_type, seller_id as an integer."""
        url = self._push_urls.get(client_id) or self.notifications.chat_push_url(client_id)
        if url is None or self.push_listener is None:
            return
        seller_id: int | str = int(client_id) if client_id.isdigit() else client_id
        self.push_listener(url, {**payload, "seller_id": seller_id})

    def seed_chats(
        self,
        client_id: str,
        count: int,
        *,
        messages_per_chat: int = 1,
        age: timedelta = timedelta(hours=1),
    ) -> list[str]:
        """Bulk-create ``count`` open buyer chats with unread buyer messages, for benchmarks.

        Chats are spread evenly over the last ``age`` (oldest first), so all are still inside
        the reply window by default. Returns the new chat ids, oldest first.
        """
        if count < 0 or messages_per_chat < 1:
            raise ValueError("count must be >= 0 and messages_per_chat >= 1")
        seller = self.seller(client_id)
        now = self.now()
        step = age / count if count else age
        created: list[str] = []
        customer = UserType.CUSTOMER
        for index in range(count):
            at = now - age + step * index
            chat = self._new_chat(seller, ChatType.BUYER_SELLER, at)
            chat.buyer_id = buyer = str(self._buyer_ids.next())
            chat.order_number = order = f"{40_000_000 + index}-0001"
            for _ in range(messages_per_chat):
                chat.messages.append(
                    Message(self._ids.next(), customer, buyer, at, SEED_TEXT, order_number=order)
                )
            chat.unread = messages_per_chat
            chat.last_customer_at = at
            seller.touch(chat, chat.messages[-1].id)
            created.append(chat.id)
        seller.total_unread += count * messages_per_chat
        seller.message_count += count * messages_per_chat
        return created

    # --------------------------------------------------- Seller API: reads

    def list_chats(
        self,
        client_id: str,
        *,
        limit: int,
        chat_status: str = "ALL",
        unread_only: bool = False,
        cursor: str = "",
    ) -> ChatPage:
        """``/v3/chat/list``: newest activity first, keyset-paginated by an opaque cursor.

        The cursor names the last chat returned, so walking the pages while nothing changes
        gives every chat exactly once.
        """
        if not 1 <= limit <= LIST_LIMIT_MAX:
            raise errors.bad_request(f"limit must be between 1 and {LIST_LIMIT_MAX}")
        status = _parse_status_filter(chat_status)
        seller = self.seller(client_id)
        keys = seller.activity_keys
        if cursor:
            if not cursor.isdigit():
                raise errors.bad_request(errors.MSG_BAD_CURSOR)
            position = bisect.bisect_left(keys, int(cursor))
        else:
            position = len(keys)
        page: list[Chat] = []
        has_next = False
        for index in range(position - 1, -1, -1):
            chat = seller.activity_chats[index]
            if status is not None and chat.status is not status:
                continue
            if unread_only and not chat.unread:
                continue
            if len(page) == limit:
                has_next = True
                break
            page.append(chat)
        next_cursor = str(page[-1].activity) if has_next else ""
        return ChatPage(page, next_cursor, has_next, seller.total_unread)

    def history(
        self,
        client_id: str,
        chat_id: str,
        *,
        direction: str = "Backward",
        from_message_id: int | None = None,
        limit: int = HISTORY_LIMIT_DEFAULT,
        message_ids: Collection[int] | None = None,
    ) -> tuple[Chat, list[Message], bool]:
        """``/v3/chat/history``: (chat, messages in the requested order, has_next).

        ``Backward`` (default) goes newest→oldest starting at the newest message, or before
        ``from_message_id``; ``Forward`` goes oldest→newest after ``from_message_id`` (required).
        """
        forward = _parse_direction(direction)
        if limit == 0:
            limit = HISTORY_LIMIT_DEFAULT
        if not 1 <= limit <= HISTORY_LIMIT_MAX:
            raise errors.bad_request(f"limit must be between 1 and {HISTORY_LIMIT_MAX}")
        if forward and from_message_id is None:
            raise errors.required("from_message_id")
        chat = self._chat(self.seller(client_id), chat_id)
        self._refuse_if_broken(client_id, chat_id)
        messages = chat.messages
        if message_ids:
            wanted = set(message_ids)
            messages = [m for m in messages if m.id in wanted]
        inclusive = self.history_inclusive
        if forward:
            start = _index_after(messages, from_message_id, inclusive=inclusive)
            return chat, messages[start : start + limit], start + limit < len(messages)
        if from_message_id is None:
            end = len(messages)
        else:
            end = _index_after(messages, from_message_id, inclusive=not inclusive)
        begin = max(0, end - limit)
        return chat, messages[begin:end][::-1], begin > 0

    def break_chat(self, client_id: str, chat_id: str, reason: str = "chat is broken") -> None:
        """Make this chat's history answer 400 until :meth:`mend_chat` (one bad chat)."""
        self.broken_chats[(client_id, chat_id)] = reason

    def mend_chat(self, client_id: str, chat_id: str) -> None:
        self.broken_chats.pop((client_id, chat_id), None)

    def make_unreadable(self, message_id: str | int) -> None:
        """Render this message in history with fields that fail validation."""
        self.unreadable_messages.add(int(message_id))

    def _refuse_if_broken(self, client_id: str, chat_id: str) -> None:
        reason = self.broken_chats.get((client_id, chat_id))
        if reason is not None:
            raise errors.bad_request(reason)

    def get_file(self, client_id: str, path: str) -> StoredFile:
        """A stored attachment of this seller; 404 for anything else."""
        stored = self.seller(client_id).files.get(path)
        if stored is None:
            raise errors.not_found()
        return stored

    # -------------------------------------------------- Seller API: writes

    def send_message(self, client_id: str, chat_id: str, text: str) -> str:
        """``/v1/chat/send/message``: checks length, chat, status and the reply window."""
        if not 1 <= len(text) <= TEXT_MAX_LENGTH:
            raise errors.bad_request(errors.MSG_TEXT_LENGTH)
        seller = self.seller(client_id)
        chat = self._chat(seller, chat_id)
        self._check_can_reply(chat)
        now = self.now()
        message = self._append(seller, chat, UserType.SELLER, seller.user_id, now, text=text)
        seller.sent.append(SentRecord(chat.id, str(message.id), "text", text, None, None, now))
        return str(message.id)

    def send_file(self, client_id: str, chat_id: str, name: str, content: bytes) -> str:
        """``/v1/chat/send/file``: pictures become image messages, anything else a file link."""
        seller = self.seller(client_id)
        chat = self._chat(seller, chat_id)
        self._check_can_reply(chat)
        token = new_file_token()
        image = is_image_name(name)
        path = image_path(token, name) if image else document_path(token, name)
        stored = self._store_file(seller, path, name, content)
        now = self.now()
        message = self._append(
            seller, chat, UserType.SELLER, seller.user_id, now, attachment=stored, is_image=image
        )
        seller.sent.append(SentRecord(chat.id, str(message.id), "file", None, name, content, now))
        return str(message.id)

    def mark_read(self, client_id: str, chat_id: str, from_message_id: int | None = None) -> int:
        """``/v2/chat/read``: mark that message and all before it read; return unread left.

        Without ``from_message_id`` the whole chat is marked read.
        """
        seller = self.seller(client_id)
        chat = self._chat(seller, chat_id)
        last = chat.last_message_id()
        # Clamp so an id "from the future" cannot pre-mark messages that do not exist yet.
        upto = last if from_message_id is None else min(from_message_id, last)
        if upto > chat.read_upto:
            newly_read = chat.unread_between(chat.read_upto, upto)
            chat.read_upto = upto
            chat.unread -= newly_read
            seller.total_unread -= newly_read
        return chat.unread

    def start_chat(self, client_id: str, posting_number: str) -> str:
        """``/v1/chat/start``: the chat of a known posting, created (empty) if needed."""
        if not posting_number:
            raise errors.required("posting_number")
        seller = self.seller(client_id)
        posting = seller.postings.get(posting_number)
        if posting is None:
            raise errors.bad_request(errors.MSG_POSTING_NOT_FOUND)
        if posting.chat_id is not None and posting.chat_id in seller.chats:
            return posting.chat_id
        now = self.now()
        chat = self._new_chat(seller, ChatType.BUYER_SELLER, now)
        chat.buyer_id = str(self._buyer_ids.next())
        chat.order_number = posting.order_number
        chat.sku = posting.sku
        chat.started_at = now
        posting.chat_id = chat.id
        return chat.id

    # ------------------------------------------------------ test inspection

    def sent_by_seller(self, client_id: str, chat_id: str | None = None) -> list[SentRecord]:
        """What the seller sent through the API, oldest first, optionally for one chat."""
        sent = self.seller(client_id).sent
        if chat_id is None:
            return list(sent)
        return [record for record in sent if record.chat_id == chat_id]

    def chat(self, client_id: str, chat_id: str) -> Chat:
        """The chat record (404 :class:`ApiError` if unknown)."""
        return self._chat(self.seller(client_id), chat_id)

    def add_fault(
        self,
        kind: str,
        *,
        count: int | None = None,
        seconds: float | None = None,
        until: datetime | None = None,
        path: str | None = None,
        client_id: str | None = None,
        skip: int = 0,
    ) -> Fault:
        """Make the next ``count`` matching Seller API calls (or all until ``until``) misbehave.

        Kinds: ``"429"``, ``"500"``, ``"slow"`` (delay ``seconds``), ``"drop"``,
        ``"accept_then_drop"``, ``"hold"`` (answer withheld until ``fault.release()`` or
        the client disconnects), ``"fail_mid_upload"`` (``/v1/chat/send/file`` only).
        ``until`` is compared with the emulated clock; the first ``skip`` matching calls
        pass untouched.
        """
        return self.faults.add(
            kind,
            count=count,
            seconds=seconds,
            until=until,
            path=path,
            client_id=client_id,
            skip=skip,
        )

    def clear_faults(self) -> None:
        self.faults.clear()

    def take_fault(self, path: str, client_id: str) -> Fault | None:
        """Consume the fault that applies to this call, if any (used by the HTTP layer)."""
        return self.faults.take(path, client_id, self.now())

    def stats(self) -> dict[str, int]:
        """Cheap world-wide counters for benchmarks (O(number of sellers))."""
        sellers = self._sellers.values()
        return {
            "sellers": len(self._sellers),
            "chats": sum(len(s.chats) for s in sellers),
            "messages": sum(s.message_count for s in sellers),
            "unread": sum(s.total_unread for s in sellers),
            "sent": sum(len(s.sent) for s in sellers),
            "files": sum(len(s.files) for s in sellers),
        }

    def seller_stats(self, client_id: str) -> dict[str, Any]:
        """Per-seller counters, O(1) except ``open_chats`` (O(chats))."""
        seller = self.seller(client_id)
        return {
            "client_id": seller.client_id,
            "name": seller.name,
            "premium": seller.premium,
            "system_chat_id": seller.system_chat_id,
            "chats": len(seller.chats),
            "open_chats": sum(1 for c in seller.chats.values() if c.status is ChatStatus.OPENED),
            "messages": seller.message_count,
            "unread": seller.total_unread,
            "sent": len(seller.sent),
            "files": len(seller.files),
            "postings": len(seller.postings),
        }

    # ------------------------------------------------------------ internals

    def _chat(self, seller: Seller, chat_id: str) -> Chat:
        chat = seller.chats.get(chat_id)
        if chat is None:
            raise errors.not_found(errors.MSG_CHAT_NOT_FOUND)
        return chat

    def _new_chat(self, seller: Seller, chat_type: ChatType, created_at: datetime) -> Chat:
        chat = Chat(new_chat_id(), chat_type, created_at, activity=self._ids.next())
        seller.add_chat(chat)
        return chat

    def _append(
        self,
        seller: Seller,
        chat: Chat,
        user_type: UserType,
        user_id: str,
        created_at: datetime,
        *,
        text: str | None = None,
        attachment: StoredFile | None = None,
        is_image: bool = False,
        order_number: str = "",
        sku: str = "",
    ) -> Message:
        message = Message(
            self._ids.next(),
            user_type,
            user_id,
            created_at,
            text,
            attachment,
            is_image,
            order_number,
            sku,
        )
        chat.messages.append(message)
        seller.message_count += 1
        if user_type is not UserType.SELLER:
            chat.unread += 1
            seller.total_unread += 1
        seller.touch(chat, message.id)
        return message

    def _store_file(self, seller: Seller, path: str, name: str, content: bytes) -> StoredFile:
        stored = StoredFile(path, name, content, content_type_for(name))
        seller.files[path] = stored
        return stored

    def _check_can_reply(self, chat: Chat) -> None:
        """Closed chats and chats outside the 48 h window refuse seller messages.

        The window runs from the buyer's last message, or from ``/v1/chat/start`` for a chat the
        seller opened; a chat with neither (e.g. the system chat) has no window at all.
        """
        if chat.status is ChatStatus.CLOSED:
            raise errors.failed_precondition(errors.MSG_CHAT_CLOSED)
        anchors = [a for a in (chat.last_customer_at, chat.started_at) if a is not None]
        if not anchors or self.now() - max(anchors) > REPLY_WINDOW:
            raise errors.failed_precondition(errors.MSG_WINDOW_EXPIRED)


def _order_of(posting_number: str) -> str:
    """``47873153-0052-1`` → ``47873153-0052`` (an order number is the posting minus its tail)."""
    head, sep, _tail = posting_number.rpartition("-")
    return head if sep and head else posting_number


def _parse_status_filter(value: str) -> ChatStatus | None:
    """``ALL``/``OPENED``/``CLOSED`` in any case (``None`` = no status filter)."""
    normalised = (value or "ALL").upper()
    if normalised in {"ALL", "UNSPECIFIED"}:
        return None
    try:
        return ChatStatus(normalised)
    except ValueError:
        raise errors.invalid_body() from None


def _parse_direction(value: str) -> bool:
    """True for ``Forward``; ``Backward`` (or empty) is the default. Case-insensitive."""
    normalised = (value or "Backward").lower()
    if normalised == "forward":
        return True
    if normalised == "backward":
        return False
    raise errors.invalid_body()


def _index_after(messages: list[Message], message_id: int, *, inclusive: bool) -> int:
    """Index of the first message with id > ``message_id`` (>= when ``inclusive``)."""
    if inclusive:
        return bisect.bisect_left(messages, message_id, key=lambda m: m.id)
    return bisect.bisect_right(messages, message_id, key=lambda m: m.id)
