"""Delivery toward Telegram: the one consumer of the ``tg_outbox`` queue.

Each round takes, for every group with something ready and budget left, its most
important item (buyer content before agent feedback, notices and cosmetics), so one busy
group never starves the others and a 429 pauses only the group that got it. Every unit
spent goes through :class:`~bot.bridge.throttle.TelegramThrottle`.

Nothing is dropped: Telegram problems that go away (429, network, a deleted or closed
topic, a group that lost the bot) put the item back with a delay; only a request Telegram
will never accept is marked failed, and that is logged. A multi-part post records each
part as it goes, so a retry continues instead of repeating.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReactionTypeEmoji,
)

from bot.bridge.render import (
    ChatContext,
    caption,
    context_header,
    message_posts,
    topic_name,
    utf16_len,
)
from bot.bridge.throttle import TelegramThrottle
from bot.seller_api import SellerApis
from bot.sync.ingest import DELIVER_BUYER_MESSAGE, DELIVER_CABINET_REPLY
from bot.texts import Locale, text
from connectors.errors import MarketplaceError
from storage.database import Database
from storage.errors import NotFound
from storage.records import Chat, Message, Seller, TgOutboxItem, Workspace

logger = logging.getLogger(__name__)

NOTICE = "notice"
REACTION = "reaction"

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # a product link must not add a big card
_TOPIC_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid")
_ATTACHMENT_GIVE_UP_AFTER = 5
_CAPTION_TEXT_ROOM = 900


class _BudgetSpent(Exception):
    """The group's budget is used up for now; retry the item after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"budget exhausted for {delay:.1f}s")
        self.delay = delay


@dataclass(frozen=True, slots=True)
class _Part:
    """One Telegram post of a marketplace message."""

    html: str
    attachment: dict[str, Any] | None = None


# A delivery handler posts one outbox item and returns what to record as its result. It
# raises Telegram's own exceptions; the worker turns them into retries, remaps or failures.
DeliveryHandler = Callable[[Workspace, TgOutboxItem], Awaitable[dict[str, Any]]]
# A feature may add a status line and buttons to a buyer message's post (the SLA line and
# the "Take" button): free, since the post is sent anyway.
PostExtras = Callable[
    [Workspace, Chat, Seller, Message], Awaitable[tuple[str, InlineKeyboardMarkup | None]]
]


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** min(attempts, 8)))


class DeliveryWorker:
    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        apis: SellerApis,
        throttle: TelegramThrottle,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        idle_seconds: float = 0.2,
    ) -> None:
        self._db = db
        self._bot = bot
        self._apis = apis
        self._throttle = throttle
        self._clock = clock
        self._idle = idle_seconds
        self._wake = asyncio.Event()
        self._handlers: dict[str, DeliveryHandler] = {
            DELIVER_BUYER_MESSAGE: self._deliver_message,
            DELIVER_CABINET_REPLY: self._deliver_message,
            NOTICE: self._deliver_notice,
            REACTION: self._deliver_reaction,
        }
        self._extras: PostExtras | None = None

    @property
    def bot(self) -> Bot:
        return self._bot

    def register(self, kind: str, handler: DeliveryHandler) -> None:
        """Let a feature (drafts, SLA notices, the queue board) deliver its own outbox kind.

        The handler must call :meth:`spend` before every send or edit in the group, so all
        features share one budget per group.
        """
        if kind in self._handlers:
            raise ValueError(f"outbox kind {kind!r} already has a handler")
        self._handlers[kind] = handler

    def decorate_buyer_posts(self, extras: PostExtras) -> None:
        self._extras = extras

    async def spend(self, workspace: Workspace) -> None:
        """Take one unit of the group's budget, or give the item back until there is one."""
        await self._spend(workspace)

    async def topic_for(self, workspace: Workspace, chat: Chat) -> int:
        """The chat's topic, created (once) if it has none yet."""
        seller = await self._db.sellers.get(seller_id=chat.seller_id)
        return await self._topic_for(workspace, chat, seller)

    def kick(self) -> None:
        """Something was queued: look now instead of at the next idle tick."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                delivered = await self.run_once()
            except Exception:  # a bug or a database outage must not end delivery
                logger.exception("delivery round failed")
                delivered = 0
            if delivered:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._idle):
                    await self._wake.wait()

    async def run_once(self) -> int:
        """One round: at most one item per group that has budget. Returns items handled."""
        now = self._clock()
        handled = 0
        for workspace_id in await self._db.tg_outbox.ready_workspaces(now=now):
            workspace = await self._db.workspaces.get(workspace_id=workspace_id)
            if workspace.state == "detached":
                continue  # the bot left this group: keep its queue until it is back
            if self._throttle.delay(workspace.tg_chat_id) > 0:
                continue
            for item in await self._db.tg_outbox.claim(workspace_id=workspace_id, now=now):
                await self._handle(workspace, item)
                handled += 1
        return handled

    async def _handle(self, workspace: Workspace, item: TgOutboxItem) -> None:
        now = self._clock()
        try:
            handler = self._handlers[item.kind]
            result = await handler(workspace, item)
        except _BudgetSpent as exc:
            await self._later(item, now + timedelta(seconds=exc.delay), "waiting for budget")
        except TelegramRetryAfter as exc:
            self._throttle.pause(workspace.tg_chat_id, exc.retry_after)
            await self._later(item, now + timedelta(seconds=exc.retry_after), "429")
        except TelegramForbiddenError as exc:
            await self._db.workspaces.set_state(workspace_id=workspace.id, state="detached")
            logger.warning("workspace=%d: bot cannot post (%s); paused", workspace.id, exc.message)
            await self._later(item, now + timedelta(minutes=10), "forbidden")
        except TelegramBadRequest as exc:
            await self._bad_request(workspace, item, exc, now)
        except (TelegramNetworkError, TelegramServerError, MarketplaceError) as exc:
            await self._later(item, now + backoff(item.attempts), type(exc).__name__)
        except (KeyError, NotFound) as exc:
            await self._db.tg_outbox.fail(item_id=item.id, error=f"cannot deliver: {exc}")
            logger.error("outbox item=%d kind=%s cannot be delivered: %s", item.id, item.kind, exc)
        except Exception:  # e.g. a database hiccup: keep the item, try again soon
            logger.exception("outbox item=%d: unexpected failure, will retry", item.id)
            await self._later(item, now + backoff(item.attempts), "unexpected error")
        else:
            await self._db.tg_outbox.complete(item_id=item.id, result=result)

    async def _later(self, item: TgOutboxItem, when: datetime, why: str) -> None:
        await self._db.tg_outbox.retry_later(item_id=item.id, not_before=when, error=why)

    async def _bad_request(
        self, workspace: Workspace, item: TgOutboxItem, exc: TelegramBadRequest, now: datetime
    ) -> None:
        message = exc.message.lower()
        if item.chat_id is not None and any(mark in message for mark in _TOPIC_GONE):
            # Deleted, archived or never existed: forget it; the retry creates a new topic
            # and posts the whole message there (parts in the lost topic are gone too).
            await self._db.chats.clear_topic(chat_id=item.chat_id)
            await self._db.tg_outbox.save_progress(item_id=item.id, result={})
            logger.info("chat=%d: topic gone, will recreate", item.chat_id)
            await self._later(item, now, "topic gone")
        elif item.chat_id is not None and "topic_closed" in message:
            await self._reopen_topic(workspace, item.chat_id)
            await self._later(item, now, "topic reopened")
        elif "not modified" in message:
            await self._db.tg_outbox.complete(item_id=item.id, result={"unchanged": True})
        elif "not enough rights" in message:
            logger.warning("workspace=%d: bot lacks rights (%s)", workspace.id, exc.message)
            await self._later(item, now + timedelta(minutes=5), "not enough rights")
        else:
            await self._db.tg_outbox.fail(item_id=item.id, error=exc.message)
            logger.error("outbox item=%d refused by Telegram: %s", item.id, exc.message)

    async def _spend(self, workspace: Workspace) -> None:
        delay = self._throttle.delay(workspace.tg_chat_id)
        if delay > 0:
            raise _BudgetSpent(delay)
        self._throttle.spend(workspace.tg_chat_id)

    # ---------------------------------------------------------------- topics

    async def _topic_for(self, workspace: Workspace, chat: Chat, seller: Seller) -> int:
        """The chat's topic in this group, created once even if two items race for it."""
        if chat.topic_thread_id is not None and chat.topic_workspace_id == workspace.id:
            return chat.topic_thread_id
        async with self._db.transaction() as conn:
            locked = await self._db.chats.get_for_update(chat_id=chat.id, conn=conn)
            if locked.topic_thread_id is not None and locked.topic_workspace_id == workspace.id:
                return locked.topic_thread_id
            shop = await self._shop_name(workspace, seller)
            name = topic_name(
                order_number=locked.order_number,
                buyer_id=locked.buyer_external_id,
                seller_name=shop,
                locale=workspace.locale,
            )
            await self._spend(workspace)
            topic = await self._bot.create_forum_topic(chat_id=workspace.tg_chat_id, name=name)
            await self._db.chats.set_topic(
                chat_id=chat.id,
                workspace_id=workspace.id,
                thread_id=topic.message_thread_id,
                name=name,
                conn=conn,
            )
        logger.info("chat=%d: topic %d created", chat.id, topic.message_thread_id)
        return topic.message_thread_id

    async def _shop_name(self, workspace: Workspace, seller: Seller) -> str | None:
        """Name the shop only where a group serves several sellers."""
        sellers = await self._db.sellers.list_all(workspace_id=workspace.id)
        return seller.name if len(sellers) > 1 else None

    async def _reopen_topic(self, workspace: Workspace, chat_id: int) -> None:
        chat = await self._db.chats.get(chat_id=chat_id)
        if chat.topic_thread_id is None:
            return
        await self._spend(workspace)
        try:
            await self._bot.reopen_forum_topic(
                chat_id=workspace.tg_chat_id, message_thread_id=chat.topic_thread_id
            )
        except TelegramBadRequest as exc:
            if not any(mark in exc.message.lower() for mark in _TOPIC_GONE):
                raise
            await self._db.chats.clear_topic(chat_id=chat_id)
            return
        await self._db.chats.set_topic_appearance(chat_id=chat_id, closed=False)

    # -------------------------------------------------------------- messages

    async def _deliver_message(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        if item.chat_id is None or item.message_id is None:
            raise KeyError("message item without chat or message")
        message = await self._db.messages.get(message_id=item.message_id)
        chat = await self._db.chats.get(chat_id=item.chat_id)
        seller = await self._db.sellers.get(seller_id=chat.seller_id)
        if item.kind == DELIVER_CABINET_REPLY and chat.topic_thread_id is None:
            return {"skipped": "no topic yet"}  # nothing to annotate: no buyer post exists
        thread_id = await self._topic_for(workspace, chat, seller)
        chat = await self._db.chats.get(chat_id=chat.id)
        header = "" if chat.context_posted else await self._header(workspace, chat, seller)
        status, markup = "", None
        if self._extras is not None and message.author_type == "customer":
            status, markup = await self._extras(workspace, chat, seller, message)
        parts = _plan(message, header, workspace.locale, status)
        done: list[int] = list((item.result or {}).get("parts", []))
        for index, part in enumerate(parts):
            if index < len(done):
                continue
            await self._spend(workspace)
            last = index == len(parts) - 1
            sent_id = await self._post(
                workspace, thread_id, part, seller, item, markup=markup if last else None
            )
            done.append(sent_id)
            await self._db.tg_outbox.save_progress(item_id=item.id, result={"parts": done})
            if index == 0 and header:
                await self._db.chats.mark_context_posted(chat_id=chat.id)
        await self._db.messages.set_tg_message_id(message_id=message.id, tg_message_id=done[0])
        if message.direction == "in" and workspace.mark_read_in_marketplace:
            await self._mark_read(seller, chat, message)
        return {"parts": done}

    async def _header(self, workspace: Workspace, chat: Chat, seller: Seller) -> str:
        context = ChatContext(
            order_number=chat.order_number,
            posting_number=chat.posting_number,
            sku=chat.sku,
            product_url=chat.product_url,
            seller_name=await self._shop_name(workspace, seller),
        )
        return context_header(context, workspace.locale)

    async def _post(
        self,
        workspace: Workspace,
        thread_id: int,
        part: _Part,
        seller: Seller,
        item: TgOutboxItem,
        *,
        markup: InlineKeyboardMarkup | None = None,
    ) -> int:
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
            api = await self._apis.for_seller(seller)
            file = await api.download_file(part.attachment["url"])
        except MarketplaceError:
            if item.attempts < _ATTACHMENT_GIVE_UP_AFTER:
                raise
            # Ozon keeps refusing the file: say so rather than block the chat forever.
            missing = text("post.attachment_missing", workspace.locale)
            sent = await self._bot.send_message(
                chat_id=workspace.tg_chat_id,
                message_thread_id=thread_id,
                text=f"{part.html}\n{missing}",
                reply_markup=markup,
            )
            return sent.message_id
        upload = BufferedInputFile(file.content, filename=file.name or "file")
        if part.attachment["kind"] == "image":
            sent = await self._bot.send_photo(
                chat_id=workspace.tg_chat_id,
                message_thread_id=thread_id,
                photo=upload,
                caption=part.html,
                reply_markup=markup,
            )
        else:
            sent = await self._bot.send_document(
                chat_id=workspace.tg_chat_id,
                message_thread_id=thread_id,
                document=upload,
                caption=part.html,
                reply_markup=markup,
            )
        return sent.message_id

    async def _mark_read(self, seller: Seller, chat: Chat, message: Message) -> None:
        """Best effort: a failure here must not undo or repeat the delivery."""
        try:
            api = await self._apis.for_seller(seller)
            await api.mark_read(chat.external_id, message.external_id)
        except MarketplaceError as exc:
            logger.info("chat=%d: mark read failed (%s)", chat.id, type(exc).__name__)

    # ----------------------------------------------------- notices, receipts

    async def _deliver_notice(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """A short bot message: a reply's failure reason, an edit warning, a health notice.

        ``payload``: ``text`` (HTML), optional ``reply_to`` (a message id) and either the
        outbox row's chat (its current topic) or ``thread_id``; neither means General.
        Optional ``turn_id``: a notice about a waiting buyer turn (SLA) that is dropped if
        the turn got its answer while the notice waited for budget or a 429, and goes to
        the chat's topic (recreated if it is gone), never to General.
        """
        payload = item.payload
        if payload.get("turn_id") is not None:
            turn = await self._db.turns.get(turn_id=payload["turn_id"])
            if turn is None or turn.answered_at is not None:
                return {"skipped": "turn answered"}
        thread_id = payload.get("thread_id")
        if item.chat_id is not None:
            chat = await self._db.chats.get(chat_id=item.chat_id)
            thread_id = chat.topic_thread_id
            if thread_id is None and payload.get("turn_id") is not None:
                # A waiting chat whose topic is gone: in General the notice would not say
                # which chat it is about; the recreated topic does, and takes the answer.
                thread_id = await self.topic_for(workspace, chat)
        await self._spend(workspace)
        kwargs: dict[str, Any] = {}
        if payload.get("reply_to"):
            kwargs["reply_parameters"] = {
                "message_id": payload["reply_to"],
                "allow_sending_without_reply": True,
            }
        sent = await self._bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=thread_id,
            text=payload["text"],
            **kwargs,
        )
        return {"parts": [sent.message_id]}

    async def _deliver_reaction(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """A receipt on the agent's message; reactions do not seem to count toward the
        group's budget, so no unit is spent."""
        try:
            await self._bot.set_message_reaction(
                chat_id=workspace.tg_chat_id,
                message_id=item.payload["message_id"],
                reaction=[ReactionTypeEmoji(emoji=item.payload["emoji"])],
            )
        except TelegramBadRequest as exc:
            # The agent deleted the message meanwhile: the receipt has nowhere to go.
            if "not found" not in exc.message.lower():
                raise
            return {"skipped": "message gone"}
        return {"reacted": item.payload["emoji"]}


def _plan(message: Message, header: str, locale: Locale, status: str = "") -> list[_Part]:
    """The posts for one message: fewest units first (text rides in the first caption)."""
    attachments = message.attachments
    body = message.text.strip()
    if not attachments:
        return [_Part(html) for html in message_posts(
            author_type=message.author_type, body=body, header=header, locale=locale,
            status=status,
        )]  # fmt: skip
    parts: list[_Part] = []
    text_in_caption = utf16_len(body) <= _CAPTION_TEXT_ROOM
    if body and not text_in_caption:
        parts.extend(_Part(html) for html in message_posts(
            author_type=message.author_type, body=body, header=header, locale=locale,
            status=status,
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
                ),
                attachment,
            )
        )
    return parts
