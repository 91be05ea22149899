"""Wildberries as an adapter of the marketplace port, on the low-level client (``client.py``).

- Change feed: the events stream (``GET /api/v1/seller/events``) read with the stored
  ``next`` cursor, grouped by chat. ``replySign`` (given only with ``isNewChat``) and the
  goods card's ``nmID`` travel in ``ChatInfo.extra``; the core keeps them per chat.
- Message ids: WB's event ids are UUIDs, which do not order; ours are the event's
  ``addTimestamp`` (13 digits, ms) and its id, ``<ms>-<eventID>``, so ids order as WB
  stored them (the port's rule).
- Seller events are the seller portal's replies and ours; ``source: seller-public-api``
  marks an API send (``Message.via_api``), so only those can be matched to our replies.
- Sending: multipart with the chat's ``replySign`` (looked up in ``/chats`` when the chat
  came in before we saw its first event). WB returns no message id: a send whose outcome
  is unknown is looked for among the events since it started, never repeated blindly.
- Downloads: 202 (moderation pending) → ``NotReady``; 451 (refused) → ``Refused``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from connectors.errors import (
    AttachmentNotReady,
    AttachmentRefused,
    ChatNotFound,
    MarketplaceError,
    SendOutcomeUnknown,
)
from connectors.marketplace.matching import (
    Delivery,
    Verdict,
    looks_like_image,
    verify_file,
    verify_text,
)
from connectors.marketplace.messages import (
    Author,
    ChatEvents,
    ChatInfo,
    Download,
    Downloaded,
    EventBatch,
    FileRef,
    Message,
    NotReady,
    Refused,
)
from connectors.marketplace.port import (
    ChatRef,
    Credentials,
    EventFeed,
    OutgoingFile,
    SellerChannel,
    SentReply,
)
from connectors.marketplace.rules import MB, FileRules, OwnMessageMatch, RateLimit, Rules
from connectors.wildberries import rules as wb_rules
from connectors.wildberries.client import WildberriesClient, WildberriesSellerApi
from connectors.wildberries.echo import API_SOURCE
from connectors.wildberries.models import Event, Sender
from connectors.wildberries.rules import sniff_type
from connectors.wildberries.token import read_claims, seller_key

logger = logging.getLogger(__name__)

CODE = "wildberries"
REPLY_SIGN = "reply_sign"
NM_ID = "nm_id"
CHAT_TYPE = "WB_BUYER"
#: Pages of events read when looking for our own send (each page is one WB call).
VERIFY_PAGES = 3
PENDING_RETRY_SECONDS = 30.0

WB_RULES = Rules(
    code=CODE,
    display_name="Wildberries",
    badge="🟣 WB",
    text_limit=wb_rules.MAX_TEXT,
    reply_window=timedelta(days=10),
    rate_limit=RateLimit(requests=10, per_seconds=10.0),
    files=FileRules(
        allowed_types=frozenset(wb_rules.ALLOWED_TYPES),
        allowed_labels=("JPEG", "PNG", "PDF"),
        max_file_bytes=wb_rules.MAX_FILE_BYTES,
        max_total_bytes=wb_rules.MAX_TOTAL_BYTES,
        max_files_per_send=30 * MB // wb_rules.MAX_FILE_BYTES,
    ),
    own_message_match=OwnMessageMatch.CONTENT_VIA_API,
    marks_read=False,
    moderates_downloads=True,
    product_url="https://www.wildberries.ru/catalog/{id}/detail.aspx",
    numeric_account_id=False,
)

_AUTHORS = {Sender.CLIENT: Author.BUYER, Sender.SELLER: Author.SELLER, Sender.WB: Author.SUPPORT}


def account_of(token: SecretStr) -> str:
    """The seller a token belongs to (its ``sid`` claim, else a hash): secret-free."""
    raw = token.get_secret_value().strip()
    return seller_key(raw, read_claims(raw))


def message_id(event: Event) -> str:
    return f"{event.add_timestamp or 0:013d}-{event.event_id}"


def _event_of(message_key: str) -> str:
    return message_key.split("-", 1)[1] if "-" in message_key else message_key


def _nm_id(event: Event) -> str | None:
    card = event.attachments.good_card
    return str(card.nm_id) if card is not None and card.nm_id is not None else None


def message(event: Event) -> Message | None:
    """The port's message for one event; None for an event that carries nothing to show."""
    attachments = event.attachments
    created = event.created_at
    if created is None or (not event.text.strip() and not attachments.files
                           and not attachments.images):  # fmt: skip
        return None
    author = _AUTHORS.get(event.sender, Author.UNKNOWN)
    return Message(
        message_id=message_id(event),
        author=author,
        created_at=created,
        text=event.text,
        author_id=event.chat_id if author is Author.BUYER else None,
        images=tuple(i.download_id for i in attachments.images if i.download_id),
        files=tuple(
            FileRef(f.name or "file", f.download_id) for f in attachments.files if f.download_id
        ),
        is_image=bool(attachments.images),
        sku=_nm_id(event),
        via_api=(event.source == API_SOURCE) if author is Author.SELLER else None,
    )


def chat_info(chat_id: str, events: Sequence[Event]) -> ChatInfo:
    extra: dict[str, str] = {}
    name = ""
    for event in events:
        if event.reply_sign:
            extra[REPLY_SIGN] = event.reply_sign
        nm_id = _nm_id(event)
        if nm_id:
            extra[NM_ID] = nm_id
        name = event.client_name or name
    return ChatInfo(chat_id=chat_id, chat_type=CHAT_TYPE, buyer_name=name or None, extra=extra)


def batch_of(events: Iterable[Event]) -> list[ChatEvents]:
    """Events grouped by chat, each chat's messages oldest first."""
    by_chat: dict[str, list[Event]] = {}
    for event in events:
        if not event.readable:
            logger.warning("wb event %s without a chat id skipped", event.event_id or "?")
            continue
        by_chat.setdefault(event.chat_id, []).append(event)
    grouped: list[ChatEvents] = []
    for chat_id, chat_events in by_chat.items():
        messages = [m for m in (message(e) for e in chat_events) if m is not None]
        messages.sort(key=lambda m: m.message_id)
        grouped.append(ChatEvents(chat_info(chat_id, chat_events), messages))
    return grouped


class WbChannel(SellerChannel, EventFeed):
    """One seller's Wildberries chats through the port."""

    def __init__(self, api: WildberriesSellerApi, client: WildberriesClient) -> None:
        self._api = api
        self._client = client

    @property
    def rules(self) -> Rules:
        return WB_RULES

    @property
    def account_id(self) -> str:
        return self._api.seller_key

    @property
    def feed(self) -> WbChannel:
        return self

    def calls_made(self) -> int:
        return self._client.calls.for_account(self._api.seller_key).total()

    async def check_access(self) -> None:
        await self._api.check()

    async def events(self, *, cursor: str | None) -> EventBatch:
        page = await self._api.events(int(cursor) if cursor else None)
        next_cursor = str(page.next) if page.next else cursor
        return EventBatch(batch_of(page.events), next_cursor=next_cursor, done=page.exhausted)

    async def _seller_events_since(self, since: datetime) -> list[Event]:
        cursor: int | None = max(1, int(since.timestamp() * 1000))
        found: list[Event] = []
        for _ in range(VERIFY_PAGES):
            page = await self._api.events(cursor)
            found.extend(e for e in page.events if e.sender is Sender.SELLER)
            if page.exhausted or not page.next or page.next == cursor:
                break
            cursor = page.next
        return found

    async def find_reply(
        self, chat: ChatRef, reply: SentReply, *, since: datetime, exclude: set[str]
    ) -> Verdict:
        events = await self._seller_events_since(since)
        messages = [
            m for m in (message(e) for e in events if e.chat_id == chat.chat_id) if m is not None
        ]
        known = {_event_of(key) for key in exclude}
        mine = [m for m in messages if _event_of(m.message_id) not in known]
        if reply.kind == "text":
            return verify_text(mine, since=since, text=reply.text, api_only=True)
        name = reply.file_name
        return verify_file(
            mine, since=since, name=name, is_image=looks_like_image(name), api_only=True
        )

    async def _reply_sign(self, chat: ChatRef) -> str:
        sign = chat.extra.get(REPLY_SIGN)
        if sign:
            return sign
        for known in await self._api.chats():
            if known.chat_id == chat.chat_id and known.reply_sign:
                return known.reply_sign
        raise ChatNotFound("Wildberries lists no reply signature for this chat")

    async def _send(self, chat: ChatRef, reply: SentReply, text: str | None,
                    files: Sequence[OutgoingFile]) -> None:  # fmt: skip
        sign = await self._reply_sign(chat)
        started = datetime.now(UTC) - timedelta(seconds=5)
        outgoing = [wb_rules.OutgoingFile(f.name, f.content) for f in files]
        try:
            await self._api.send(sign, text, outgoing)
        except SendOutcomeUnknown:
            try:
                verdict = await self.find_reply(chat, reply, since=started, exclude=set())
            except MarketplaceError as exc:
                raise SendOutcomeUnknown("send outcome unknown: events unavailable") from exc
            if verdict.outcome is not Delivery.FOUND:
                raise
            logger.info("wb send confirmed in events seller=%s", self._api.seller_key)

    async def send_text(self, chat: ChatRef, text: str) -> None:
        await self._send(chat, SentReply("text", text=text), text, ())

    async def send_files(self, chat: ChatRef, files: Sequence[OutgoingFile]) -> None:
        for file in files:
            await self._send(chat, SentReply("file", file_name=file.name), None, [file])

    async def download(self, url: str) -> Download:
        try:
            file = await self._api.download(url)
        except AttachmentNotReady as exc:
            return NotReady(exc.retry_after or PENDING_RETRY_SECONDS)
        except AttachmentRefused:
            return Refused("moderation")
        kind = file.content_type or sniff_type(file.content) or "application/octet-stream"
        extension = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
        return Downloaded(
            content=file.content,
            content_type=kind,
            name=file.name or f"{url[:8]}{extension.get(kind, '')}",
        )

    async def mark_read(self, chat: ChatRef, message_id: str) -> None:
        """Wildberries has no read receipts."""


class WbMarketplace:
    """The process-wide Wildberries adapter over one shared client (owned by its creator)."""

    def __init__(self, client: WildberriesClient) -> None:
        self._client = client

    @property
    def rules(self) -> Rules:
        return WB_RULES

    def channel(self, credentials: Credentials) -> WbChannel:
        return WbChannel(self._client.for_seller(credentials.secret), self._client)

    def account_id_of(self, secret: SecretStr) -> str | None:
        return account_of(secret)

    async def aclose(self) -> None:
        """The client is closed by whoever opened it (the composition root)."""
