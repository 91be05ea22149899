"""Yandex Market as an adapter of the marketplace port, on the low-level client.

- **Change feed** (listing shape): ``list_chats(unread_only=True)`` lists the chats waiting
  for the seller (``NEW``, ``WAITING_FOR_PARTNER``); ``unread_only=False`` is the slower
  sweep of every status, served at most every ``sweep_every`` per cabinet (in between it
  answers an empty page without calling Yandex), and always for a walk already started.
- **Change detection**: the list gives only ``updatedAt`` (the last message's time), so a
  listed chat's ``latest`` is a *bound* (``ChatInfo.latest_is_bound``): a message id built
  from that time and sorting below any real message of the same millisecond. Within
  ``recheck`` of the chat's last activity it sorts above instead, so a message landing in
  the same (whole-second, if Yandex truncates) timestamp as the one we last read is read on
  the next poll too.
- **Message ids** are ``<createdAt, 13-digit ms><messageId, 19 digits>``: fixed width, so
  they order by time as the port requires; ``messageIdFrom`` is the id's tail.
- **History** runs oldest first from the stored cursor's ``messageIdFrom``; whether Yandex
  includes that message is undocumented, so only ids above the cursor are kept.
- **Senders**: CUSTOMER → buyer, PARTNER → seller (ours and cabinet replies alike: Yandex
  does not tell them apart; ours are recognised by content), MARKET → system, SUPPORT →
  support. A message with neither text nor files (a sticker) is kept as unreadable.
- **Context** (ORDER/RETURN with store, order and return ids; DIRECT), the buyer's public
  id, the chat's type (``ARBITRAGE``) and status go in ``ChatInfo.extra``.
- **Sending**: text and each file separately; an unknown outcome is looked for in history
  since the attempt (``find_reply``) before anything is resent.
- **Push entry points**: :meth:`YmChannel.fetch_chat` (``CHAT_CREATED``) and
  :meth:`YmChannel.fetch_message` (``CHAT_MESSAGE_SENT``, a history read instead when the
  1,000/h single-message budget runs low); both return what ``ingest_chat`` takes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from connectors.errors import (
    AuthFailed,
    BadRequest,
    ChatNotFound,
    MarketplaceError,
    SendOutcomeUnknown,
    TokenScopeMissing,
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
    ChatPage,
    Download,
    Downloaded,
    FileRef,
    Message,
    Refused,
    message_order,
)
from connectors.marketplace.orders import OrderContext, OrderLookup, OrderQuery, OrderStatus
from connectors.marketplace.port import (
    ChatRef,
    Credentials,
    ListingFeed,
    OutgoingFile,
    SellerChannel,
    SentReply,
)
from connectors.marketplace.rules import FileRules, OwnMessageMatch, RateLimit, Rules
from connectors.yandex_market import rules as ym_rules
from connectors.yandex_market.client import (
    AccessReport,
    YandexMarketClient,
    YandexMarketSellerApi,
)
from connectors.yandex_market.limits import Resource
from connectors.yandex_market.models import (
    ACTIVE_STATUSES,
    Business,
    BusinessOrder,
    Chat,
    ChatContext,
    ChatMessage,
    ChatStatus,
    ChatType,
    ContextType,
    Sender,
)

logger = logging.getLogger(__name__)

CODE = "ym"
CHAT_TYPE = "YM_BUYER"
MS_DIGITS = 13
ID_DIGITS = 19
#: Single-message reads kept in reserve: below this, a push reads history instead.
MESSAGE_BUDGET_RESERVE = 100
SWEEP_EVERY = timedelta(minutes=10)
#: How long a key refused getBusinessOrders (no order scope) is not asked again.
ORDERS_RETRY = timedelta(hours=1)
RECHECK = timedelta(seconds=60)
#: History pages read at most when looking for our own send (100 messages each).
VERIFY_PAGES = 5

# ChatInfo.extra keys (chats.marketplace_data): what the adapter and the bot side read.
CONTEXT = "context"
CAMPAIGN_ID = "campaign_id"
ORDER_ID = "order_id"
RETURN_ID = "return_id"
CUSTOMER_ID = "customer_public_id"
YM_CHAT_TYPE = "chat_type"
STATUS = "status"

YM_RULES = Rules(
    code=CODE,
    display_name="Яндекс Маркет",
    badge="🟡 YM",
    text_limit=ym_rules.MAX_TEXT,
    # No reply window is documented; the SLA core caps deadlines with this.
    reply_window=timedelta(days=30),
    # The tightest hourly budget of a reply (text sends): 1,000 per hour per cabinet.
    rate_limit=RateLimit(requests=1_000, per_seconds=3_600.0),
    files=FileRules(max_file_bytes=ym_rules.MAX_FILE_BYTES, max_files_per_send=1),
    own_message_match=OwnMessageMatch.CONTENT,
    marks_read=False,
    moderates_downloads=False,
    product_url="https://market.yandex.ru/product/{id}",
    numeric_account_id=True,
)

_AUTHORS = {
    Sender.CUSTOMER: Author.BUYER,
    Sender.PARTNER: Author.SELLER,
    Sender.MARKET: Author.SYSTEM,
    Sender.SUPPORT: Author.SUPPORT,
}


def message_key(created_at: datetime, message_id: int) -> str:
    ms = max(int(created_at.timestamp() * 1000), 0)
    return f"{ms:0{MS_DIGITS}d}{message_id:0{ID_DIGITS}d}"


def raw_id(key: str) -> int:
    """Yandex's messageId inside one of our ids (0 for a bound built from a time)."""
    tail = key[MS_DIGITS:]
    return int(tail) if tail.isdigit() else 0


def bound(when: datetime, *, above: bool = False) -> str:
    """An id at ``when``: below every message of that millisecond, or above them all."""
    ms = max(int(when.timestamp() * 1000), 0)
    return f"{ms:0{MS_DIGITS}d}" + ("9" if above else "0") * ID_DIGITS


def context_extra(context: ChatContext) -> dict[str, str]:
    extra = {CONTEXT: context.type.value}
    for key, value in (
        (CAMPAIGN_ID, context.campaign_id),
        (ORDER_ID, context.order_id),
        (RETURN_ID, context.return_id),
        (CUSTOMER_ID, context.customer.public_id if context.customer else None),
    ):
        if value:
            extra[key] = str(value)
    return extra


def arbitrage_state(extra: dict[str, str] | ChatInfo) -> str | None:
    """``"active"`` while a dispute runs (an ``ARBITRAGE`` chat not finished, or one waiting
    for the arbiter), ``"finished"`` for a finished ``ARBITRAGE`` chat, else None."""
    data = extra.extra if isinstance(extra, ChatInfo) else extra
    status = data.get(STATUS)
    if status == ChatStatus.WAITING_FOR_ARBITER.value:
        return "active"
    if data.get(YM_CHAT_TYPE) != ChatType.ARBITRAGE.value:
        return None
    return "finished" if status == ChatStatus.FINISHED.value else "active"


def is_arbitrage(extra: dict[str, str] | ChatInfo) -> bool:
    """A dispute in progress: urgent for the bot side (the admins are called)."""
    return arbitrage_state(extra) == "active"


def chat_info(chat: Chat, *, now: datetime | None = None) -> ChatInfo:
    extra = context_extra(chat.context)
    extra[YM_CHAT_TYPE] = chat.type.value
    extra[STATUS] = chat.status.value
    latest = None
    if chat.updated_at is not None:
        recent = now is not None and now - chat.updated_at < RECHECK
        latest = bound(chat.updated_at, above=recent)
    customer = chat.context.customer
    return ChatInfo(
        chat_id=str(chat.chat_id),
        chat_type=CHAT_TYPE,
        closed=chat.status is ChatStatus.FINISHED,
        is_buyer_chat=True,
        latest=latest,
        buyer_name=customer.name if customer else None,
        extra=extra,
        latest_is_bound=True,
    )


def message(item: ChatMessage, context: ChatContext | None = None) -> Message:
    images = tuple(a.url for a in item.payload if a.url and looks_like_image(a.name))
    files = tuple(
        FileRef(a.name or "file", a.url)
        for a in item.payload
        if a.url and not looks_like_image(a.name)
    )
    order = context.order_id if context is not None else None
    author = _AUTHORS.get(item.sender, Author.UNKNOWN)
    return Message(
        message_id=message_key(item.created_at, item.message_id),
        author=author,
        created_at=item.created_at,
        text=item.text,
        images=images,
        files=files,
        is_image=bool(images),
        order_number=str(order) if order else None,
        unreadable=item.empty,
    )


#: ``OrderStatusType`` in the port's terms; ``UNKNOWN`` and codes added later show as is.
_STATUSES: dict[str, OrderStatus] = {
    "PLACING": OrderStatus.PROCESSING,
    "RESERVED": OrderStatus.PROCESSING,
    "UNPAID": OrderStatus.AWAITING_PAYMENT,
    "PENDING": OrderStatus.PROCESSING,
    "PROCESSING": OrderStatus.PROCESSING,
    "DELIVERY": OrderStatus.DELIVERING,
    "PICKUP": OrderStatus.AT_PICKUP_POINT,
    "DELIVERED": OrderStatus.DELIVERED,
    "CANCELLED": OrderStatus.CANCELLED,
    "PARTIALLY_RETURNED": OrderStatus.PARTIALLY_RETURNED,
    "RETURNED": OrderStatus.RETURNED,
}
#: ``PROCESSING`` substatuses meaning the parcel is packed and waits for the courier.
_READY_TO_SHIP = frozenset({"READY_TO_SHIP"})


def order_context(order: BusinessOrder) -> OrderContext:
    """The first product's name (a chat names the order, not an item), the status in the
    port's terms and the delivery window Yandex promised the buyer."""
    named = next((i.offer_name.strip() for i in order.items if i.offer_name.strip()), "")
    if not order.status:
        status = None
    elif order.status == "PROCESSING" and order.substatus in _READY_TO_SHIP:
        status = OrderStatus.AWAITING_SHIPMENT
    else:
        status = _STATUSES.get(order.status, OrderStatus.OTHER)
    dates = order.delivery.dates
    return OrderContext(
        product_name=named,
        status=status,
        status_code=order.status,
        delivery_from=dates.from_date,
        delivery_to=dates.to_date or dates.from_date,
    )


@dataclass(slots=True)
class _Memory:
    """Per-process hints, per cabinet: when the last sweep ran; the newest raw message id
    read per chat; and, per chat, the newest id known *before* its last send (our message
    can only come after it: a safe ``messageIdFrom`` for verifying that send); and when
    the cabinet's key was last refused orders (a chat-only key). Losing them costs calls,
    never messages."""

    sweeps: dict[str, datetime] = field(default_factory=dict)
    orders_refused: dict[str, datetime] = field(default_factory=dict)
    newest: dict[tuple[str, str], int] = field(default_factory=dict)
    before_send: dict[tuple[str, str], int] = field(default_factory=dict)


class YmChannel(SellerChannel, ListingFeed, OrderLookup):
    """One cabinet's Yandex Market chats through the port."""

    def __init__(
        self,
        api: YandexMarketSellerApi,
        client: YandexMarketClient,
        memory: _Memory,
        *,
        clock: Callable[[], datetime],
        sweep_every: timedelta = SWEEP_EVERY,
    ) -> None:
        self._api = api
        self._client = client
        self._memory = memory
        self._clock = clock
        self._sweep_every = sweep_every

    @property
    def rules(self) -> Rules:
        return YM_RULES

    @property
    def account_id(self) -> str:
        return self._api.account

    @property
    def feed(self) -> YmChannel:
        return self

    def calls_made(self) -> int:
        return self._client.calls.for_account(self._api.account).total()

    async def check_access(self) -> None:
        await self._api.check()

    async def check(self) -> AccessReport:
        """What ``check_access`` proves, with the key's cabinets (for onboarding)."""
        return await self._api.check()

    # ------------------------------------------------------------ feed

    def _sweep_due(self) -> bool:
        last = self._memory.sweeps.get(self._api.account)
        return last is None or self._clock() - last >= self._sweep_every

    async def list_chats(self, *, cursor: str | None, unread_only: bool) -> ChatPage:
        if not unread_only and cursor is None:
            if not self._sweep_due():
                return ChatPage(chats=[])
            self._memory.sweeps[self._api.account] = self._clock()
        page = await self._api.chats(
            statuses=ACTIVE_STATUSES if unread_only else (), page_token=cursor
        )
        now = self._clock()
        return ChatPage(
            chats=[chat_info(c, now=now) for c in page.chats],
            cursor=page.next_page_token,
            has_next=page.next_page_token is not None,
        )

    async def _history(
        self, chat_id: str, *, after: int | None, max_pages: int | None = None
    ) -> tuple[ChatContext, list[ChatMessage]]:
        """Every message from ``after`` (Yandex's id; None: from the start), oldest first."""
        context = ChatContext()
        seen: dict[int, ChatMessage] = {}
        token: str | None = None
        pages = 0
        while True:
            page = await self._api.history(
                int(chat_id), message_id_from=after or None, page_token=token
            )
            context = page.context
            for item in page.messages:
                seen.setdefault(item.message_id, item)
            pages += 1
            if (
                not page.next_page_token
                or page.next_page_token == token
                or (max_pages is not None and pages >= max_pages)
            ):
                break
            token = page.next_page_token
        ordered = sorted(seen.values(), key=lambda m: (m.created_at, m.message_id))
        if ordered:
            key = (self._api.account, chat_id)
            self._memory.newest[key] = max(self._memory.newest.get(key, 0), ordered[-1].message_id)
        return context, ordered

    async def newest_messages(self, chat_id: str, *, limit: int) -> list[Message]:
        context, items = await self._history(chat_id, after=None)
        return [message(m, context) for m in items[-limit:]]

    async def messages_after(self, chat_id: str, cursor: str) -> list[Message]:
        after = raw_id(cursor)
        context, items = await self._history(chat_id, after=after or None)
        floor = message_order(cursor)
        found = [message(m, context) for m in items]
        return [m for m in found if message_order(m.message_id) > floor]

    # ------------------------------------------------------------ push entry points

    async def fetch_chat(self, chat_id: str) -> ChatInfo:
        """``GET /chat`` once (a ``CHAT_CREATED`` push): the chat with its context."""
        return chat_info(await self._api.chat(int(chat_id)))

    def single_message_budget(self) -> int:
        """Single-message reads left this hour (Yandex's count when it has told us)."""
        view = self._api.budget(Resource.MESSAGE)
        return int(view.remaining)

    async def fetch_message(self, chat_id: str, message_id: str | int) -> ChatEvents:
        """The message a ``CHAT_MESSAGE_SENT`` push names (its ``messageId`` is a string),
        as ``ingest_chat`` takes it. ``GET /chats/message`` while the 1,000/h budget has
        more than ``MESSAGE_BUDGET_RESERVE`` left; otherwise one history read from that
        message (10,000/h, up to 100 messages), which also brings any later ones."""
        wanted = int(str(message_id).strip())
        info = ChatInfo(chat_id=str(chat_id), chat_type=CHAT_TYPE, latest_is_bound=True)
        if self.single_message_budget() > MESSAGE_BUDGET_RESERVE:
            item = await self._api.message(int(chat_id), wanted)
            return ChatEvents(info, [message(item)])
        context, items = await self._history(str(chat_id), after=max(wanted - 1, 1), max_pages=1)
        chat = ChatInfo(
            chat_id=str(chat_id),
            chat_type=CHAT_TYPE,
            buyer_name=context.customer.name if context.customer else None,
            extra=context_extra(context),
            latest_is_bound=True,
        )
        return ChatEvents(chat, [message(m, context) for m in items if m.message_id >= wanted])

    # ------------------------------------------------------------ sending

    async def find_reply(
        self, chat: ChatRef, reply: SentReply, *, since: datetime, exclude: set[str]
    ) -> Verdict:
        # Only an id read before the send is sure to precede our message; without one the
        # whole history is read (rare: an unknown outcome after a restart).
        hint = self._memory.before_send.get((self._api.account, chat.chat_id))
        pages = VERIFY_PAGES if hint else None
        context, items = await self._history(chat.chat_id, after=hint, max_pages=pages)
        messages = [message(m, context) for m in items]
        if reply.kind == "text":
            return verify_text(messages, since=since, text=reply.text, exclude=exclude)
        name = reply.file_name
        return verify_file(
            messages, since=since, name=name, is_image=looks_like_image(name), exclude=exclude
        )

    async def _confirm(self, chat: ChatRef, reply: SentReply, started: datetime) -> None:
        """After ``SendOutcomeUnknown``: found in history means sent; else re-raised."""
        try:
            verdict = await self.find_reply(chat, reply, since=started, exclude=set())
        except MarketplaceError as exc:
            raise SendOutcomeUnknown("send outcome unknown: history unavailable") from exc
        if verdict.outcome is not Delivery.FOUND:
            raise SendOutcomeUnknown("send outcome unknown: not in history yet")
        logger.info("ym send confirmed in history cabinet=%s", self._api.account)

    def _before_send(self, chat: ChatRef) -> datetime:
        key = (self._api.account, chat.chat_id)
        newest = self._memory.newest.get(key)
        if newest is not None:
            self._memory.before_send[key] = newest
        return datetime.now(UTC) - timedelta(seconds=5)

    async def send_text(self, chat: ChatRef, text: str) -> None:
        started = self._before_send(chat)
        try:
            await self._api.send_message(int(chat.chat_id), text)
        except SendOutcomeUnknown:
            await self._confirm(chat, SentReply("text", text=text), started)

    async def send_files(self, chat: ChatRef, files: Sequence[OutgoingFile]) -> None:
        for file in files:
            started = self._before_send(chat)
            try:
                await self._api.send_file(
                    int(chat.chat_id),
                    name=file.name,
                    content=file.content,
                    content_type=file.content_type,
                )
            except SendOutcomeUnknown:
                await self._confirm(chat, SentReply("file", file_name=file.name), started)

    async def download(self, url: str) -> Download:
        """With the key, from Yandex's hosts only. A 4xx (forbidden, gone, not a Yandex
        host) is final: retrying spends the hourly budget for the same answer, so it is
        :class:`Refused` at once and the post names the file instead; a 401 (the key) and
        server errors raise and are retried."""
        try:
            file = await self._api.download(url)
        except (BadRequest, ChatNotFound):
            return Refused("unavailable")
        except AuthFailed as exc:
            if exc.status == 401:
                raise
            return Refused("unavailable")
        name = file.name or url.rsplit("/", 1)[-1] or "file"
        return Downloaded(content=file.content, content_type=file.content_type, name=name)

    async def mark_read(self, chat: ChatRef, message_id: str) -> None:
        """Yandex Market has no read receipts."""

    async def order_context(self, chat: ChatRef, query: OrderQuery) -> OrderContext | None:
        """``POST /v1/businesses/{businessId}/orders`` for the chat's ``orderId`` (the
        cabinet-wide call: the per-campaign ``getOrder`` is deprecated). An id that is not a
        number, or an order the cabinet does not have: None."""
        number = (query.order_number or "").strip()
        if not number.isdigit():
            return None
        account, now = self._api.account, self._clock()
        refused = self._memory.orders_refused.get(account)
        if refused is not None and now - refused < ORDERS_RETRY:
            return None  # a chat-only key: no order lines, and no doomed call per post
        try:
            order = await self._api.order(int(number))
        except TokenScopeMissing:
            self._memory.orders_refused[account] = now
            return None
        self._memory.orders_refused.pop(account, None)
        return order_context(order) if order is not None else None


class YmMarketplace:
    """The process-wide Yandex Market adapter over one shared client (owned by its creator).

    ``Credentials.account_id`` is the cabinet's ``businessId``; onboarding finds it with
    :meth:`cabinets` (the key's campaigns) and asks when there are several.
    """

    def __init__(
        self,
        client: YandexMarketClient,
        *,
        clock: Callable[[], datetime] | None = None,
        sweep_every: timedelta = SWEEP_EVERY,
    ) -> None:
        self._client = client
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sweep_every = sweep_every
        self._memory = _Memory()

    @property
    def rules(self) -> Rules:
        return YM_RULES

    @property
    def client(self) -> YandexMarketClient:
        return self._client

    def channel(self, credentials: Credentials) -> YmChannel:
        api = self._client.for_seller(credentials.secret, credentials.account_id or None)
        return YmChannel(api, self._client, self._memory, clock=self._clock,
                         sweep_every=self._sweep_every)  # fmt: skip

    def account_id_of(self, secret: SecretStr) -> str | None:
        """None: the cabinet comes from the key's campaigns (:meth:`cabinets`)."""
        return None

    async def cabinets(self, secret: SecretStr) -> tuple[AccessReport, list[Business]]:
        """The key checked for chat scopes (``ReadOnlyKey`` / ``TokenScopeMissing``
        otherwise) and the cabinets it reaches, for onboarding to pick from."""
        report = await self._client.for_seller(secret).check()
        return report, list(report.businesses)

    async def aclose(self) -> None:
        """The client is closed by whoever opened it (the composition root)."""


__all__ = [
    "CODE",
    "YM_RULES",
    "ContextType",
    "YmChannel",
    "YmMarketplace",
    "arbitrage_state",
    "is_arbitrage",
]
