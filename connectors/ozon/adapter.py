"""Ozon as an adapter of the marketplace port: the Seller chat API behind our own types.

Behaviour is the client's (``client.py``): list + history as a listing feed, sends that are
verified in history before any retry, downloads from the API's own origin only. This module
only translates Ozon's models into the port's and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import SecretStr

from connectors.errors import BadRequest
from connectors.marketplace.matching import Verdict
from connectors.marketplace.messages import (
    Author,
    ChatInfo,
    ChatPage,
    Download,
    Downloaded,
    FileRef,
    Message,
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
from connectors.marketplace.push import PushHealth
from connectors.marketplace.rules import OwnMessageMatch, RateLimit, Rules
from connectors.ozon.client import MAX_TEXT, OzonClient, OzonCredentials, OzonSellerApi
from connectors.ozon.delivery import looks_like_image, verify_file, verify_text
from connectors.ozon.models import (
    AuthorType,
    ChatMessage,
    ChatStatus,
    ChatSummary,
    PostingDetails,
)
from connectors.ozon.subscriptions import OzonPushSubscriptions

CODE = "ozon"
LIST_PAGE = 100  # Ozon's documented maximum for /v3/chat/list
HISTORY_PAGE = 100
VERIFY_HISTORY_LIMIT = 50
_PRODUCT_URL_MARK = "ozon.ru/product"

OZON_RULES = Rules(
    code=CODE,
    display_name="Ozon",
    badge="🔵 Ozon",
    text_limit=MAX_TEXT,
    reply_window=timedelta(hours=48),
    rate_limit=RateLimit(requests=50, per_seconds=1.0),
    own_message_match=OwnMessageMatch.CONTENT,
    marks_read=True,
    product_url="https://www.ozon.ru/product/{id}/",
    numeric_account_id=True,
)

_AUTHORS: dict[AuthorType, Author] = {
    AuthorType.CUSTOMER: Author.BUYER,
    AuthorType.SELLER: Author.SELLER,
    AuthorType.SUPPORT: Author.SUPPORT,
    AuthorType.NOTIFICATION_USER: Author.SYSTEM,
    AuthorType.CHAT_BOT: Author.CHATBOT,
    AuthorType.CRM: Author.CRM,
    AuthorType.COURIER: Author.COURIER,
}


def chat_info(summary: ChatSummary) -> ChatInfo:
    return ChatInfo(
        chat_id=summary.chat_id,
        chat_type=summary.type.value,
        closed=summary.status is ChatStatus.CLOSED,
        is_buyer_chat=summary.is_buyer_chat,
        latest=summary.last_message_id,
    )


def message(item: ChatMessage) -> Message:
    content = item.content
    return Message(
        message_id=item.message_id,
        author=_AUTHORS.get(item.author_type, Author.UNKNOWN),
        created_at=item.created_at,
        text=content.text,
        author_id=item.author_id,
        images=tuple(content.images),
        files=tuple(FileRef(f.name, f.url) for f in content.files),
        links=tuple(link.url for link in content.links),
        is_image=item.is_image,
        order_number=item.order_number,
        sku=item.sku,
        product_url=next((u.url for u in content.links if _PRODUCT_URL_MARK in u.url), None),
        unreadable=item.unreadable,
        placeable=item.has_marketplace_id,
    )


_STATUSES: dict[str, OrderStatus] = {
    "awaiting_registration": OrderStatus.PROCESSING,
    "acceptance_in_progress": OrderStatus.PROCESSING,
    "awaiting_approve": OrderStatus.PROCESSING,
    "awaiting_verification": OrderStatus.PROCESSING,
    "awaiting_packaging": OrderStatus.PROCESSING,
    "awaiting_deliver": OrderStatus.AWAITING_SHIPMENT,
    "driver_pickup": OrderStatus.DELIVERING,
    "sent_by_seller": OrderStatus.DELIVERING,
    "delivering": OrderStatus.DELIVERING,
    "delivered": OrderStatus.DELIVERED,
    "cancelled": OrderStatus.CANCELLED,
    "cancelled_from_split_pending": OrderStatus.CANCELLED,
    "not_accepted": OrderStatus.CANCELLED,
    "arbitration": OrderStatus.DISPUTE,
    "client_arbitration": OrderStatus.DISPUTE,
}


def posting_context(posting: PostingDetails, *, sku: str | None) -> OrderContext:
    """The product the chat is about (its SKU's, else the posting's first), the status in
    the port's terms and the delivery window Ozon promised the buyer."""
    products = posting.products
    named = next((p for p in products if sku and str(p.sku) == sku), None) or (
        products[0] if products else None
    )
    analytics = posting.analytics_data
    begin = analytics.delivery_date_begin if analytics else None
    end = analytics.delivery_date_end if analytics else None
    last = end or begin
    status = _STATUSES.get(posting.status, OrderStatus.OTHER) if posting.status else None
    return OrderContext(
        product_name=named.name.strip() if named else "",
        status=status,
        status_code=posting.status,
        delivery_from=begin.date() if begin else None,
        delivery_to=last.date() if last else None,
    )


class OzonChannel(SellerChannel, ListingFeed, OrderLookup):
    """One seller's Ozon chats through the port."""

    def __init__(self, api: OzonSellerApi, client: OzonClient) -> None:
        self._api = api
        self._client = client

    @property
    def rules(self) -> Rules:
        return OZON_RULES

    @property
    def account_id(self) -> str:
        return self._api.client_id

    @property
    def feed(self) -> OzonChannel:
        return self

    def calls_made(self) -> int:
        return self._client.calls.for_account(self._api.client_id).total()

    async def check_access(self) -> None:
        await self._api.check_access()

    async def register_push(self, url: str, *, ours: str) -> None:
        """``/v1/notification/set``, or ``update`` of the subscription of an older token."""
        subscriptions = OzonPushSubscriptions(self._api)
        existing = [s for s in await subscriptions.list() if s.url.startswith(ours)]
        if not existing:
            await subscriptions.set(url)
            return
        await subscriptions.update(existing[0].id, url=url)
        for extra in existing[1:]:  # two of ours would deliver every event twice
            await subscriptions.delete(extra.id)

    async def push_health(self, *, ours: str) -> PushHealth | None:
        for item in await OzonPushSubscriptions(self._api).list():
            if item.url.startswith(ours):
                return PushHealth(
                    status=item.availability_status.value,
                    enabled=item.enable,
                    reason=item.disable_reason or "",
                    details=item.reason_details or "",
                    problem_type=item.problematic_type or "",
                    since=item.availability_status_date or "",
                )
        return None

    async def list_chats(self, *, cursor: str | None, unread_only: bool) -> ChatPage:
        page = await self._api.list_chats(cursor=cursor, limit=LIST_PAGE, unread_only=unread_only)
        return ChatPage(
            chats=[chat_info(s) for s in page.chats], cursor=page.cursor, has_next=page.has_next
        )

    async def newest_messages(self, chat_id: str, *, limit: int) -> list[Message]:
        page = await self._api.history(chat_id, direction="Backward", limit=limit)
        return [message(m) for m in page.messages]

    async def messages_after(self, chat_id: str, cursor: str) -> list[Message]:
        """Works whether Ozon's ``from_message_id`` is inclusive or exclusive (the
        reference cannot tell): only ids above the position are taken."""
        collected: list[Message] = []
        position = cursor
        while True:
            page = await self._api.history(
                chat_id, direction="Forward", from_message_id=position, limit=HISTORY_PAGE
            )
            newer = [
                m
                for m in page.messages
                if m.has_marketplace_id and message_order(m.message_id) > message_order(position)
            ]
            # Unreadable items without an id cannot be placed; ingest stores each once.
            collected.extend(message(m) for m in page.messages if not m.has_marketplace_id)
            collected.extend(message(m) for m in newer)
            if not page.has_next or not newer:
                return collected
            position = max((m.message_id for m in newer), key=message_order)

    async def find_reply(
        self, chat: ChatRef, reply: SentReply, *, since: datetime, exclude: set[str]
    ) -> Verdict:
        page = await self._api.history(
            chat.chat_id, direction="Backward", limit=VERIFY_HISTORY_LIMIT
        )
        if reply.kind == "text":
            return verify_text(page.messages, since=since, text=reply.text, exclude=exclude)
        name = reply.file_name
        return verify_file(
            page.messages,
            since=since,
            name=name,
            is_image=looks_like_image(name),
            exclude=exclude,
        )

    async def send_text(self, chat: ChatRef, text: str) -> None:
        await self._api.send_message(chat.chat_id, text)

    async def send_files(self, chat: ChatRef, files: Sequence[OutgoingFile]) -> None:
        for file in files:
            await self._api.send_file(chat.chat_id, name=file.name, content=file.content)

    async def download(self, url: str) -> Download:
        file = await self._api.download_file(url)
        return Downloaded(content=file.content, content_type=file.content_type, name=file.name)

    async def mark_read(self, chat: ChatRef, message_id: str) -> None:
        await self._api.mark_read(chat.chat_id, message_id)

    async def order_context(self, chat: ChatRef, query: OrderQuery) -> OrderContext | None:
        """``/v3/posting/fbs/get`` for the chat's posting. Ozon's chat names only the order
        (``order_number``) and the SKU; its postings are numbered ``<order>-<n>``, so a chat
        without a posting of its own asks for the order's first one. Unknown to Ozon (an
        FBO order, a split posting): None."""
        number = query.posting_number or (f"{query.order_number}-1" if query.order_number else "")
        if not number:
            return None
        try:
            posting = await self._api.posting(number)
        except BadRequest:  # 404 "posting not found" and its kin
            return None
        return posting_context(posting, sku=query.sku)


class OzonMarketplace:
    """The process-wide Ozon adapter over one shared ``OzonClient`` (owned by its creator)."""

    def __init__(self, client: OzonClient) -> None:
        self._client = client

    @property
    def rules(self) -> Rules:
        return OZON_RULES

    @property
    def client(self) -> OzonClient:
        return self._client

    def channel(self, credentials: Credentials) -> OzonChannel:
        creds = OzonCredentials(client_id=credentials.account_id, api_key=credentials.secret)
        return OzonChannel(self._client.for_seller(creds), self._client)

    def account_id_of(self, secret: SecretStr) -> str | None:
        """None: the seller types the Client-Id beside the key."""
        return None

    async def aclose(self) -> None:
        """The client is closed by whoever opened it (the composition root)."""
