"""The emulated Wildberries world: sellers and their tokens, chats, the events stream, files.

Pure state and rules, no HTTP: the API layer turns ``ApiProblem`` into problem+json answers
and the control layer drives the same methods tests call in process. Event times come from the
emulated clock (``advance``) and are strictly increasing per seller, so ``next`` paging (events
strictly after the cursor) never splits or repeats a millisecond.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from . import problems
from .faults import FaultBook
from .models import ChatRecord, EventRecord, Moderation, Sender, SentRecord, StoredFile
from .tokens import TokenKind, TokenRecord, issue_token

MIB = 1024 * 1024
MAX_TEXT = 1000
MAX_SIGN = 255
MAX_FILE = 5 * MIB
MAX_TOTAL = 30 * MIB
DEFAULT_TOKEN_DAYS = 180
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


class UnknownSellerError(KeyError):
    def __str__(self) -> str:
        return f"unknown seller {self.args[0]!r}"


class UnknownChatError(KeyError):
    def __str__(self) -> str:
        return f"unknown chat {self.args[0]!r}"


@dataclass(frozen=True, slots=True)
class Upload:
    """A file a buyer attaches (control API) with its moderation fate."""

    name: str
    content: bytes
    moderation: Moderation = Moderation.APPROVED
    pending_polls: int | None = None
    then: Moderation = Moderation.APPROVED


def sniff(content: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)


def _short_id() -> str:
    return secrets.token_hex(5).upper()[:11]


class WbState:
    """Everything the emulator knows; one instance per emulated world."""

    def __init__(self, *, events_page_size: int = 50) -> None:
        self.events_page_size = events_page_size
        self.auth_mode = "both"  # "bearer", "bare" or "both" header forms accepted
        self.faults = FaultBook()
        self.reset()

    def reset(self) -> None:
        self.sellers: dict[str, str] = {}
        self.tokens: dict[str, TokenRecord] = {}
        self.chats: dict[str, ChatRecord] = {}
        self.events: dict[str, list[EventRecord]] = {}
        self.files: dict[str, StoredFile] = {}
        self.sent: list[SentRecord] = []
        self.clock_offset = timedelta()
        self._last_ms: dict[str, int] = {}
        self._serial = 0
        self.faults.clear()

    # ------------------------------------------------------------------ clock

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    def advance(self, seconds: float) -> datetime:
        self.clock_offset += timedelta(seconds=seconds)
        return self.now()

    def _stamp(self, seller_id: str) -> int:
        ms = max(int(self.now().timestamp() * 1000), self._last_ms.get(seller_id, 0) + 1)
        self._last_ms[seller_id] = ms
        return ms

    # ---------------------------------------------------------- sellers, tokens

    def add_seller(self, seller_id: str | None = None, *, name: str = "") -> str:
        seller_id = seller_id or str(uuid.uuid4())
        if seller_id in self.sellers:
            raise ValueError(f"seller {seller_id!r} exists")
        self.sellers[seller_id] = name
        self.events[seller_id] = []
        return seller_id

    def _seller(self, seller_id: str) -> str:
        if seller_id not in self.sellers:
            raise UnknownSellerError(seller_id)
        return seller_id

    def issue_token(
        self,
        seller_id: str,
        *,
        kind: TokenKind = TokenKind.PERSONAL,
        buyer_chat: bool = True,
        expires_at: datetime | None = None,
        token: str | None = None,
    ) -> TokenRecord:
        """A new token of the seller; ``token`` registers a given string (an opaque one)."""
        self._seller(seller_id)
        self._serial += 1
        expires = expires_at or self.now() + timedelta(days=DEFAULT_TOKEN_DAYS)
        text = token or issue_token(
            seller_id=seller_id,
            kind=kind,
            buyer_chat=buyer_chat,
            expires_at=expires,
            serial=self._serial,
        )
        record = TokenRecord(text, seller_id, kind, buyer_chat, expires)
        self.tokens[text] = record
        return record

    def authenticate(self, authorization: str) -> TokenRecord:
        """The token's record, or the 401 WB gives (missing, unknown, expired, no category)."""
        value = authorization.strip()
        bearer = value[:7].lower() == "bearer "
        if not value:
            raise problems.unauthorized("empty Authorization header")
        if (bearer and self.auth_mode == "bare") or (not bearer and self.auth_mode == "bearer"):
            raise problems.unauthorized("token problem; unsupported authorization scheme")
        record = self.tokens.get(value[7:].strip() if bearer else value)
        if record is None:
            raise problems.unauthorized(
                "token problem; token is malformed: could not base64 decode signature"
            )
        if record.expires_at <= self.now():
            raise problems.unauthorized("token problem; token expired")
        if not record.buyer_chat:
            raise problems.unauthorized("token scope not allowed")
        return record

    # ------------------------------------------------------------ buyer side

    def _store(self, seller_id: str, upload: Upload, when: str) -> StoredFile:
        content_type = sniff(upload.content)
        if content_type is None:
            raise ValueError(f"{upload.name!r} is not a JPEG, PNG or PDF")
        stored = StoredFile(
            download_id=str(uuid.uuid4()),
            seller_id=seller_id,
            name=upload.name,
            content=upload.content,
            content_type=content_type,
            uploaded=when,
            moderation=upload.moderation,
            pending_polls=upload.pending_polls,
            then=upload.then,
        )
        self.files[stored.download_id] = stored
        return stored

    def _new_chat(
        self, seller_id: str, client_name: str, nm_id: int | None, ms: int
    ) -> ChatRecord:
        chat_id = f"1:{uuid.uuid4()}"
        sign = f"{chat_id}:{secrets.randbelow(10**8)}:{secrets.token_hex(48)}"
        good_card = None
        if nm_id is not None:
            good_card = {
                "date": self.now().isoformat().replace("+00:00", "Z"),
                "nmID": nm_id,
                "price": 500,
                "priceCurrency": "RUB",
                "rid": secrets.token_hex(16),
                "size": "0",
            }
        chat = ChatRecord(chat_id, seller_id, sign, client_name, ms, good_card)
        self.chats[chat_id] = chat
        return chat

    def chat_of(self, seller_id: str, chat_id: str) -> ChatRecord:
        chat = self.chats.get(chat_id)
        if chat is None or chat.seller_id != seller_id:
            raise UnknownChatError(chat_id)
        return chat

    def buyer_writes(
        self,
        seller_id: str,
        *,
        text: str | None = None,
        chat_id: str | None = None,
        client_name: str = "Покупатель",
        nm_id: int | None = 12345678,
        source: str = "rusite",
        uploads: Iterable[Upload] = (),
    ) -> EventRecord:
        """A buyer message; without ``chat_id`` it opens a new chat (``isNewChat`` event)."""
        self._seller(seller_id)
        uploads = list(uploads)
        if not (text and text.strip()) and not uploads:
            raise ValueError("a buyer message needs text or a file")
        ms = self._stamp(seller_id)
        if chat_id is None:
            chat = self._new_chat(seller_id, client_name, nm_id, ms)
            new = True
        else:
            chat = self.chat_of(seller_id, chat_id)
            new = False
        when = self.now().isoformat().replace("+00:00", "Z")
        files = [self._store(seller_id, u, when) for u in uploads]
        return self._append(
            seller_id,
            chat,
            EventRecord(
                event_id=str(uuid.uuid4()),
                chat_id=chat.chat_id,
                sender=Sender.CLIENT,
                source=source,
                ts_ms=ms,
                text=text,
                files=files,
                is_new_chat=new,
                reply_sign=chat.reply_sign if new else None,
                client_name=chat.client_name,
                good_card=chat.good_card if new else None,
            ),
        )

    def _append(self, seller_id: str, chat: ChatRecord, event: EventRecord) -> EventRecord:
        self.events[seller_id].append(event)
        chat.last_text = event.text or ""
        chat.last_ms = event.ts_ms
        return event

    def portal_reply(self, seller_id: str, chat_id: str, text: str) -> EventRecord:
        """The seller answers in WB's portal: only the events stream shows it."""
        chat = self.chat_of(self._seller(seller_id), chat_id)
        if not text.strip():
            raise ValueError("text is required")
        ms = self._stamp(seller_id)
        event = EventRecord(str(uuid.uuid4()), chat_id, Sender.SELLER, "seller-portal", ms, text)
        return self._append(seller_id, chat, event)

    def set_moderation(self, download_id: str, state: Moderation) -> StoredFile:
        stored = self.files.get(download_id)
        if stored is None:
            raise KeyError(download_id)
        stored.moderation = state
        stored.pending_polls = None
        return stored

    # ------------------------------------------------------------ seller API

    def list_chats(self, seller_id: str) -> list[ChatRecord]:
        chats = [c for c in self.chats.values() if c.seller_id == seller_id]
        return sorted(chats, key=lambda c: c.last_ms, reverse=True)

    def events_page(self, seller_id: str, after: int | None) -> tuple[list[EventRecord], int]:
        """Up to a page of events strictly after ``after`` (ms), and the next cursor."""
        events = self.events[seller_id]
        start = (
            0
            if after is None
            else next((i for i, e in enumerate(events) if e.ts_ms > after), len(events))
        )
        page = events[start : start + self.events_page_size]
        if page:
            return page, page[-1].ts_ms
        if after is not None:
            return [], after
        return [], max(self._last_ms.get(seller_id, 0), int(self.now().timestamp() * 1000) - 1)

    def send(
        self,
        seller_id: str,
        *,
        reply_sign: str | None,
        text: str | None,
        files: list[tuple[str, bytes]],
    ) -> tuple[SentRecord, ChatRecord]:
        """Check WB's rules (the first broken one answers 400), store, echo as an event."""
        if not reply_sign or len(reply_sign) > MAX_SIGN:
            raise problems.bad_request(problems.MSG_BAD_SIGN)
        chat = next((c for c in self.chats.values() if c.reply_sign == reply_sign), None)
        if chat is None or chat.seller_id != seller_id:
            raise problems.bad_request(problems.MSG_BAD_SIGN)
        if text is not None and len(text) > MAX_TEXT:
            raise problems.bad_request(problems.MSG_BAD_MESSAGE)
        if not (text and text.strip()) and not files:
            raise problems.bad_request(problems.MSG_BAD_MESSAGE)
        total = 0
        for name, content in files:
            if sniff(content) is None:
                raise problems.bad_request(f'{_short_id()}: "{name}" has unsupported mime type')
            if len(content) > MAX_FILE:
                raise problems.bad_request(f"{_short_id()}: attachment too big. Max size: 5MiB")
            total += len(content)
        if total > MAX_TOTAL:
            raise problems.bad_request(f"{_short_id()}: attachments too big. Max size: 30MiB")
        ms = self._stamp(seller_id)
        when = self.now().isoformat().replace("+00:00", "Z")
        stored = [self._store(seller_id, Upload(name, content), when) for name, content in files]
        event = EventRecord(
            str(uuid.uuid4()), chat.chat_id, Sender.SELLER, "seller-public-api", ms, text, stored
        )
        self._append(seller_id, chat, event)
        record = SentRecord(seller_id, chat.chat_id, event.event_id, text, tuple(stored), ms)
        self.sent.append(record)
        return record, chat

    def download(self, seller_id: str, download_id: str) -> StoredFile:
        """The file if moderation passed; 202-worthy ``PENDING`` is returned for the API to
        answer; refused or unknown raise."""
        stored = self.files.get(download_id)
        if stored is None or stored.seller_id != seller_id:
            raise problems.bad_request(problems.MSG_BAD_FILE_ID, title="invalid fileID")
        if stored.moderation is Moderation.PENDING and stored.pending_polls is not None:
            if stored.pending_polls <= 0:
                stored.moderation = stored.then
                stored.pending_polls = None
            else:
                stored.pending_polls -= 1
        if stored.moderation is Moderation.REFUSED:
            raise problems.refused_by_moderation()
        return stored

    def sent_by(self, seller_id: str, chat_id: str | None = None) -> list[SentRecord]:
        return [
            s
            for s in self.sent
            if s.seller_id == seller_id and (chat_id is None or s.chat_id == chat_id)
        ]
