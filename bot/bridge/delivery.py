"""Buyer posts: how a marketplace message appears in its topic.

Registered on the :class:`~bot.outbox.worker.OutboxWorker` like drafts and the SLA board
(one plug-in style): the worker owns budget, order, retries and Telegram's errors; this
module renders a stored message into posts and sends them, recording each part as it goes
so a retry continues instead of repeating.

Nothing of the buyer's is dropped: an attachment Ozon will not hand over is posted as
"attachment unavailable" after a few tries; a photo Telegram refuses as a photo goes as a
document, and one refused as a document too goes as text naming the file, reported once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from aiogram.types import Message as TgMessage

from bot.bridge.render import (
    ChatContext,
    caption,
    context_header,
    file_label,
    message_posts,
    topic_name,
    utf16_len,
)
from bot.bridge.resolved_topics import ResolvedTopics
from bot.outbox.kinds import Kind
from bot.outbox.queue import enqueue_notice
from bot.outbox.topics import is_topic_gone
from bot.outbox.worker import NO_PREVIEW, REPORT_KEY, OutboxWorker
from bot.seller_api import SellerApis
from bot.texts import Locale, for_marketplace, text
from connectors.errors import AttachmentNotReady, MarketplaceError
from connectors.marketplace.messages import NotReady, Refused
from connectors.marketplace.orders import OrderContext, OrderLookup, OrderQuery
from connectors.marketplace.port import SellerChannel
from storage.database import Database
from storage.records import Chat, ChatWithSeller, Message, Seller, TgOutboxItem, Workspace

logger = logging.getLogger(__name__)

ATTACHMENT_GIVE_UP_AFTER = 5
# Moderation holds: with the outbox's backoff (2 s doubling, 5 min cap) about 20 minutes.
MODERATION_GIVE_UP_AFTER = 10
_CAPTION_TEXT_ROOM = 900
#: Seconds the topic's first post may wait for the order's context (product, status,
#: delivery) before it goes without it.
ORDER_CONTEXT_TIMEOUT = 3.0
# Bad requests about where or whether the bot may post, not about the file itself: the
# worker's policy handles those (recreate, reopen, wait for rights).
_NOT_ABOUT_THE_FILE = ("topic_closed", "not enough rights", "chat not found")


@dataclass(frozen=True, slots=True)
class _Part:
    """One Telegram post of a marketplace message."""

    html: str
    attachment: dict[str, Any] | None = None


# A feature may add a status line and buttons to a buyer message's post (the SLA line and
# the "Take" button): free, since the post is sent anyway.
PostExtras = Callable[
    [Workspace, Chat, Seller, Message], Awaitable[tuple[str, InlineKeyboardMarkup | None]]
]


def refuses_the_file(exc: TelegramBadRequest) -> bool:
    """Telegram will not take this file in this form (dimensions, processing, type, size)."""
    return not is_topic_gone(exc.message) and not any(
        mark in exc.message.lower() for mark in _NOT_ABOUT_THE_FILE
    )


class BuyerPosts:
    def __init__(
        self,
        *,
        db: Database,
        worker: OutboxWorker,
        apis: SellerApis,
        attachment_give_up_after: int = ATTACHMENT_GIVE_UP_AFTER,
        moderation_give_up_after: int = MODERATION_GIVE_UP_AFTER,
        order_timeout: float = ORDER_CONTEXT_TIMEOUT,
    ) -> None:
        self._db = db
        self._worker = worker
        self._bot = worker.bot
        self._apis = apis
        self._give_up_after = attachment_give_up_after
        self._moderation_give_up_after = moderation_give_up_after
        self._extras: PostExtras | None = None
        self.resolved = ResolvedTopics(db=db, worker=worker)
        self._order_timeout = order_timeout

    def register(self) -> None:
        self.resolved.register()
        self._worker.register(Kind.BUYER_MESSAGE, self._deliver_message)
        self._worker.register(Kind.CABINET_REPLY, self._deliver_message)
        self._worker.name_topics(self._topic_name)

    def decorate(self, extras: PostExtras) -> None:
        self._extras = extras

    async def _topic_name(self, workspace: Workspace, chat: Chat) -> str:
        found = await self._db.chats.with_seller(chat_id=chat.id, workspace_id=workspace.id)
        seller = found.seller
        mixed = found.marketplaces_in_group > 1
        return topic_name(
            order_number=chat.order_number,
            buyer_id=chat.buyer_external_id,
            seller_name=_shop_label(found),
            locale=workspace.locale,
            buyer_name=chat.buyer_name,
            badge=self._apis.rules(seller).badge if mixed else "",
        )

    # -------------------------------------------------------------- messages

    async def _deliver_message(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        if item.chat_id is None or item.message_id is None:
            raise KeyError("message item without chat or message")
        message = await self._db.messages.get(message_id=item.message_id)
        found = await self._db.chats.with_seller(chat_id=item.chat_id, workspace_id=workspace.id)
        chat, seller = found.chat, found.seller
        if item.kind == Kind.CABINET_REPLY and chat.topic_thread_id is None:
            return {"skipped": "no topic yet"}  # nothing to annotate: no buyer post exists
        had_topic = chat.topic_thread_id is not None and chat.topic_workspace_id == workspace.id
        thread_id = await self._worker.topic_for(workspace, chat)
        if not had_topic:  # the topic was made (or found) just now: read what it recorded
            chat = await self._db.chats.get(chat_id=chat.id)
        if message.author_type == "customer" and (chat.topic_resolved or chat.topic_closed):
            # The buyer wrote again after /done (or into a closed topic): reopen it first,
            # in this post's own attempt, so the post cannot overtake or lose the reopening.
            await self.resolved.reopen(workspace, chat)
            chat = await self._db.chats.get(chat_id=chat.id)
            if chat.topic_thread_id is None:
                thread_id = await self._worker.topic_for(workspace, chat)
                chat = await self._db.chats.get(chat_id=chat.id)
        header = "" if chat.context_posted else await self._header(workspace, chat, found)
        plain = not header and await self._turn_has_header(message)
        status, markup = "", None
        if self._extras is not None and message.author_type == "customer" and not plain:
            status, markup = await self._extras(workspace, chat, seller, message)
        parts = _plan(
            message,
            header,
            workspace.locale,
            status=status,
            marketplace=seller.marketplace,
            buyer_name=chat.buyer_name,
            plain=plain,
        )
        done: list[int] = list((item.result or {}).get("parts", []))
        for index, part in enumerate(parts):
            if index < len(done):
                continue
            await self._worker.spend(workspace)
            last = index == len(parts) - 1
            sent_id = await self._post(
                workspace,
                thread_id,
                part,
                found,
                item,
                index=index,
                markup=markup if last else None,
            )
            done.append(sent_id)
            await self._db.tg_outbox.save_progress(item_id=item.id, result={"parts": done})
            if index == 0 and header:
                await self._db.chats.mark_context_posted(chat_id=chat.id)
        await self._db.messages.set_tg_message_id(message_id=message.id, tg_message_id=done[0])
        if not plain and message.author_type == "customer" and message.turn_id is not None:
            # The post whose keyboard is the Take button (the last part carries it).
            await self._db.turns.set_header(
                turn_id=message.turn_id, message_id=message.id, tg_message_id=done[-1]
            )
        if (
            message.direction == "in"
            and workspace.mark_read_in_marketplace
            and self._apis.rules(seller).marks_read
        ):
            await self._mark_read(found, chat, message)
        return {"parts": done}

    async def _turn_has_header(self, message: Message) -> bool:
        """A later buyer message of a turn whose first message already carries the header
        (author, SLA line, Take button): posted plain, so a photo, a PDF and a text of one
        turn do not repeat it three times."""
        if message.author_type != "customer" or message.turn_id is None:
            return False
        turn = await self._db.turns.get(turn_id=message.turn_id)
        return turn is not None and turn.header_message_id not in (None, message.id)

    async def _header(self, workspace: Workspace, chat: Chat, found: ChatWithSeller) -> str:
        seller = found.seller
        rules = self._apis.rules(seller)
        context = ChatContext(
            order_number=chat.order_number,
            posting_number=chat.posting_number,
            sku=chat.sku,
            product_url=chat.product_url,
            seller_name=_shop_label(found),
            product_template=rules.product_url,
            badge=rules.badge,
            marketplace=rules.code,
            buyer_name=chat.buyer_name,
            order=await self._order(found, chat),
        )
        header = context_header(context, workspace.locale)
        hint = text("security.hint.to_buyer", workspace.locale)  # the topic's first post
        return f"{header}\n{hint}" if header else hint

    async def _order(self, found: ChatWithSeller, chat: Chat) -> OrderContext | None:
        """What the order is about, where the marketplace tells it. Best effort and short:
        the buyer's first post never waits long for it, nor fails because of it."""
        if not (chat.order_number or chat.posting_number):
            return None
        try:
            api = await self._reach(found)
            if not isinstance(api, OrderLookup):
                return None
            query = OrderQuery(
                order_number=chat.order_number, posting_number=chat.posting_number, sku=chat.sku
            )
            ref = await self._apis.chat_ref(chat, extra=found.marketplace_data)
            return await asyncio.wait_for(
                api.order_context(ref, query), timeout=self._order_timeout
            )
        except (MarketplaceError, TimeoutError) as exc:
            logger.info("chat=%d: no order context (%s)", chat.id, type(exc).__name__)
            return None

    async def _post(
        self,
        workspace: Workspace,
        thread_id: int,
        part: _Part,
        found: ChatWithSeller,
        item: TgOutboxItem,
        *,
        index: int,
        markup: InlineKeyboardMarkup | None = None,
    ) -> int:
        seller = found.seller
        if part.attachment is None:
            sent = await self._bot.send_message(
                chat_id=workspace.tg_chat_id,
                message_thread_id=thread_id,
                text=part.html,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
            return sent.message_id
        try:
            api = await self._reach(found)
            file = await api.download(part.attachment["url"])
            if isinstance(file, NotReady):
                raise AttachmentNotReady(retry_after=file.retry_after_seconds)
        except AttachmentNotReady:
            # Held back by the marketplace's moderation: wait longer than for a failure
            # (it usually clears within minutes), then post without it, saying so.
            if item.attempts < self._moderation_give_up_after:
                raise
            return await self._without_file(
                workspace, thread_id, part, markup=markup, seller=seller, why="pending"
            )
        except MarketplaceError:
            if item.attempts < self._give_up_after:
                raise
            # The marketplace keeps refusing the file: say so rather than block the chat.
            return await self._without_file(
                workspace, thread_id, part, markup=markup, seller=seller, why="missing"
            )
        if isinstance(file, Refused):
            why = "moderated" if file.reason == "moderation" else "missing"
            return await self._without_file(
                workspace, thread_id, part, markup=markup, seller=seller, why=why
            )
        name = file.name or part.attachment.get("name") or "file"
        return await self._send_file(
            workspace,
            part,
            item,
            thread_id=thread_id,
            index=index,
            content=file.content,
            name=name,
            markup=markup,
            marketplace=seller.marketplace,
        )

    async def _without_file(
        self,
        workspace: Workspace,
        thread_id: int,
        part: _Part,
        *,
        markup: InlineKeyboardMarkup | None,
        seller: Seller,
        why: str,
    ) -> int:
        """The post without its attachment, naming the file and saying why (never dropped
        silently): the name links to the file at the marketplace when its URL is https."""
        label = file_label(part.attachment or {})
        named = text("post.attachment_file", workspace.locale, file=label)
        if why == "missing":
            key = for_marketplace("post.attachment_missing", seller.marketplace)
            note = text(key, workspace.locale)
        else:
            name = self._apis.rules(seller).display_name
            key = f"marketplace.attachment_{why}"
            note = text(key, workspace.locale, marketplace=name)
        sent = await self._bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=thread_id,
            text="\n".join(line for line in (part.html, named, note) if line),
            link_preview_options=NO_PREVIEW,
            reply_markup=markup,
        )
        return sent.message_id

    async def _send_file(
        self,
        workspace: Workspace,
        part: _Part,
        item: TgOutboxItem,
        *,
        thread_id: int,
        index: int,
        content: bytes,
        name: str,
        markup: InlineKeyboardMarkup | None,
        marketplace: str,
    ) -> int:
        """As a photo, else as a document, else as text naming the file (reported once):
        a buyer's file is never dropped because Telegram will not take it in one form."""
        chat_id = workspace.tg_chat_id
        sent: TgMessage
        if part.attachment is not None and part.attachment["kind"] == "image":
            try:
                sent = await self._bot.send_photo(
                    chat_id=chat_id,
                    message_thread_id=thread_id,
                    photo=BufferedInputFile(content, filename=name),
                    caption=part.html or None,
                    reply_markup=markup,
                )
                return sent.message_id
            except TelegramBadRequest as exc:
                if not refuses_the_file(exc):
                    raise
                logger.info("item=%d: photo refused (%s); as a document", item.id, exc.message)
                await self._worker.spend(workspace)
        try:
            sent = await self._bot.send_document(
                chat_id=chat_id,
                message_thread_id=thread_id,
                document=BufferedInputFile(content, filename=name),
                caption=part.html or None,
                reply_markup=markup,
            )
            return sent.message_id
        except TelegramBadRequest as exc:
            if not refuses_the_file(exc):
                raise
            refusal = exc.message
        logger.warning("item=%d: file refused as a document too (%s)", item.id, refusal)
        await self._worker.spend(workspace)
        named = text("outbox.file_as_text", workspace.locale, name=name)
        sent = await self._bot.send_message(
            chat_id=chat_id,
            message_thread_id=thread_id,
            text="\n".join(line for line in (part.html, named) if line),
            reply_markup=markup,
        )
        await self._report_file(workspace, item, index, name, refusal, marketplace=marketplace)
        return sent.message_id

    async def _report_file(
        self,
        workspace: Workspace,
        item: TgOutboxItem,
        index: int,
        name: str,
        refusal: str,
        *,
        marketplace: str,
    ) -> None:
        """Once per file of an item, in the chat's topic: what is missing and what to do."""
        await enqueue_notice(
            self._db,
            workspace_id=workspace.id,
            text=text(
                for_marketplace("outbox.refused.file", marketplace),
                workspace.locale,
                name=name,
                reason=refusal[:200],
            ),
            key=f"{REPORT_KEY}file:{item.id}:{index}",
            chat_id=item.chat_id,
        )
        self._worker.kick()

    async def _reach(self, found: ChatWithSeller) -> SellerChannel:
        return await self._apis.for_seller(found.seller, encrypted_key=found.api_key_encrypted)

    async def _mark_read(self, found: ChatWithSeller, chat: Chat, message: Message) -> None:
        """Best effort: a failure here must not undo or repeat the delivery."""
        try:
            api = await self._reach(found)
            ref = await self._apis.chat_ref(chat, extra=found.marketplace_data)
            await api.mark_read(ref, message.external_id)
        except MarketplaceError as exc:
            logger.info("chat=%d: mark read failed (%s)", chat.id, type(exc).__name__)


def _plan(
    message: Message,
    header: str,
    locale: Locale,
    *,
    status: str = "",
    marketplace: str = "",
    buyer_name: str = "",
    plain: bool = False,
) -> list[_Part]:
    """The posts for one message: fewest units first (text rides in the first caption);
    ``plain``: without the author and status lines (see ``message_posts``)."""
    attachments = message.attachments
    body = message.text.strip()
    if not attachments:
        return [_Part(html) for html in message_posts(
            author_type=message.author_type, body=body, header=header, locale=locale,
            status=status, marketplace=marketplace, buyer_name=buyer_name, plain=plain,
        )]  # fmt: skip
    parts: list[_Part] = []
    text_in_caption = utf16_len(body) <= _CAPTION_TEXT_ROOM
    if body and not text_in_caption:
        parts.extend(_Part(html) for html in message_posts(
            author_type=message.author_type, body=body, header=header, locale=locale,
            status=status, marketplace=marketplace, buyer_name=buyer_name, plain=plain,
        ))  # fmt: skip
        header = status = ""
    for index, attachment in enumerate(attachments):
        first = index == 0
        parts.append(
            _Part(
                caption(
                    author_type=message.author_type,
                    body=body if first and text_in_caption else "",
                    header=header if first else "",
                    locale=locale,
                    status=status if first else "",
                    marketplace=marketplace,
                    buyer_name=buyer_name,
                    # a second file of one message has no lines of its own either
                    plain=plain or not first,
                ),
                attachment,
            )
        )
    return parts


def _shop_label(found: ChatWithSeller) -> str | None:
    """Name the shop only where a group serves several sellers."""
    return found.seller.name if found.shops_in_group > 1 else None
