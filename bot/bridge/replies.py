"""Agent replies toward the marketplace: the one consumer of the ``reply_outbox`` queue.

A reply reaches the buyer at most once. The row is switched to ``sending`` (committed)
before the marketplace call; if the process dies or the call times out, the next attempt
finds ``sending`` and first looks in the chat's history for the text, and only sends when
it is not there. The connector adds the same check inside one call. Success is shown with
a reaction on the agent's message; a refusal is explained in the topic, in the group's
language, with what to do. Both go through the Telegram queue (budget, durability).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.bridge.delivery import NOTICE, REACTION, DeliveryWorker
from bot.seller_api import SellerApis
from bot.texts import text
from connectors.errors import (
    AuthFailed,
    BadRequest,
    ChatClosed,
    ChatNotFound,
    MarketplaceError,
    MarketplaceUnavailable,
    PremiumRequired,
    ReplyWindowExpired,
    SendOutcomeUnknown,
)
from connectors.ozon.client import OzonSellerApi
from connectors.ozon.delivery import Delivery, find_sent_text
from storage.database import Database
from storage.records import Chat, ReplyItem, Seller
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK
from storage.vault import VaultError

logger = logging.getLogger(__name__)

RECEIPT_EMOJI = "👍"
CLOCK_SKEW = timedelta(seconds=5)
_REFUSALS: tuple[tuple[type[Exception], str], ...] = (
    (ReplyWindowExpired, "window_closed"),
    (ChatClosed, "chat_closed"),
    (ChatNotFound, "chat_not_found"),
    (AuthFailed, "seller_key"),
    (PremiumRequired, "seller_key"),
    (VaultError, "seller_key"),
    (BadRequest, "rejected"),
)


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 * 2 ** min(attempts, 7)))


class ReplyWorker:
    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        apis: SellerApis,
        delivery: DeliveryWorker,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        idle_seconds: float = 0.2,
    ) -> None:
        self._db = db
        self._bot = bot
        self._apis = apis
        self._delivery = delivery
        self._clock = clock
        self._idle = idle_seconds
        self._wake = asyncio.Event()

    def kick(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except Exception:  # a bug or a database outage must not end sending
                logger.exception("reply round failed")
                handled = 0
            if handled:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._idle):
                    await self._wake.wait()

    async def run_once(self) -> int:
        items = await self._db.replies.claim(now=self._clock(), limit=10)
        for item in items:
            try:
                await self._process(item)
            except Exception:  # e.g. a database hiccup: try again soon, checking history first
                logger.exception("reply=%d: unexpected failure, will retry", item.id)
                await self._retry(item, outcome_unknown=True)
        return len(items)

    async def _process(self, item: ReplyItem) -> None:
        chat = await self._db.chats.get(chat_id=item.chat_id)
        seller = await self._db.sellers.get(seller_id=chat.seller_id)
        if seller.state == "paused":
            await self._refuse(item, chat, seller, "seller_paused")
            return
        try:
            api = await self._apis.for_seller(seller)
            if item.status == "sending" and await self._already_delivered(api, chat, item):
                await self._succeeded(item, chat)
                return
            await self._db.replies.mark_sending(item_id=item.id)
            await self._send(api, chat, item)
        except SendOutcomeUnknown:
            await self._retry(item, outcome_unknown=True)
        except MarketplaceUnavailable as exc:
            await self._retry(item, outcome_unknown=exc.may_have_arrived)
        except (MarketplaceError, VaultError) as exc:
            code = next((code for kind, code in _REFUSALS if isinstance(exc, kind)), None)
            if code is None:  # 429 or 5xx left after the connector's own retries
                await self._retry(item, outcome_unknown=True)
            else:
                detail = getattr(exc, "message", None)
                await self._refuse(item, chat, seller, code, detail=detail)
        except TelegramAPIError:  # the agent's file could not be fetched from Telegram
            await self._retry(item, outcome_unknown=False)
        else:
            await self._succeeded(item, chat)

    async def _send(self, api: OzonSellerApi, chat: Chat, item: ReplyItem) -> None:
        if item.kind == "text":
            await api.send_message(chat.external_id, item.text)
            return
        assert item.file is not None
        buffer = await self._bot.download(item.file["tg_file_id"])
        assert buffer is not None
        await api.send_file(chat.external_id, name=item.file["name"], content=buffer.read())

    async def _already_delivered(self, api: OzonSellerApi, chat: Chat, item: ReplyItem) -> bool:
        """An earlier attempt may have reached the buyer: look before sending again."""
        if item.kind != "text":
            return False  # files: the connector's own history check is the guard
        page = await api.history(chat.external_id, direction="Backward", limit=50)
        since = item.created_at - CLOCK_SKEW
        return find_sent_text(page.messages, since=since, text=item.text) is Delivery.FOUND

    async def _retry(self, item: ReplyItem, *, outcome_unknown: bool) -> None:
        await self._db.replies.retry_later(
            item_id=item.id,
            not_before=self._clock() + retry_delay(item.attempts),
            error_code="outcome_unknown" if outcome_unknown else "retry",
            outcome_unknown=outcome_unknown,
        )

    async def _succeeded(self, item: ReplyItem, chat: Chat) -> None:
        now = self._clock()
        if not await self._db.replies.mark_sent(item_id=item.id, at=now):
            return  # another attempt already reported it
        async with self._db.transaction() as conn:
            # The chat row first, then its turn: the order ingestion locks them in, so the
            # two can never deadlock.
            await self._db.chats.get_for_update(chat_id=chat.id, conn=conn)
            turn = await self._db.turns.get_open(chat_id=chat.id, conn=conn)
            # A turn the buyer opened after this reply was written (possible when the
            # outcome is confirmed late, e.g. after a restart, and sync has meanwhile seen
            # our reply and the buyer's next message) is not answered by it.
            if turn is None or turn.started_at <= item.created_at:
                await self._db.chats.mark_answered(chat_id=chat.id, at=now, conn=conn)
                await self._db.turns.close(
                    chat_id=chat.id,
                    answered_at=now,
                    via="auto" if item.origin == "auto" else "bot",
                    agent_id=item.agent_id,
                    conn=conn,
                )
            if item.tg_message_id is not None and chat.topic_workspace_id is not None:
                await self._db.tg_outbox.enqueue(
                    workspace_id=chat.topic_workspace_id,
                    kind=REACTION,
                    priority=PRIORITY_AGENT_FEEDBACK,
                    payload={"message_id": item.tg_message_id, "emoji": RECEIPT_EMOJI},
                    dedup_key=f"receipt:{item.id}",
                    conn=conn,
                )
        self._delivery.kick()
        logger.info("reply=%d sent to chat=%d", item.id, chat.id)

    async def _refuse(
        self,
        item: ReplyItem,
        chat: Chat,
        seller: Seller,
        code: str,
        *,
        detail: str | None = None,
    ) -> None:
        await self._db.replies.mark_failed(item_id=item.id, error_code=code, error_detail=detail)
        if chat.topic_workspace_id is None:
            return
        workspace = await self._db.workspaces.get(workspace_id=chat.topic_workspace_id)
        message = text(
            f"reply_failed.{code}",
            workspace.locale,
            shop=html.escape(seller.name),
            detail=html.escape(detail or ""),
        )
        await self._db.tg_outbox.enqueue(
            workspace_id=workspace.id,
            kind=NOTICE,
            priority=PRIORITY_AGENT_FEEDBACK,
            chat_id=chat.id,
            payload={"text": message, "reply_to": item.tg_message_id},
            dedup_key=f"refused:{item.id}",
        )
        self._delivery.kick()
        logger.info("reply=%d refused: %s", item.id, code)
