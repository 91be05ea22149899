"""The one consumer of the ``tg_outbox`` queue: rounds, budget and Telegram's errors.

Each round takes, for every group with something ready and budget left, its most
important item (buyer content before agent feedback, notices and cosmetics), so one busy
group never starves the others and a 429 pauses only the group that got it. Posts of one
chat are claimed in the buyer's order (see ``TgOutboxRepo.claim``).

Features post their own kinds through handlers registered here (bridge: buyer posts;
drafts; SLA board and reports); the worker only knows notices and reactions itself.

Nothing is dropped silently: what goes away (429, network, a deleted or closed topic, a
group that lost the bot) is retried; what never will (Telegram refuses the request, or
an unexpected error repeats ``max_attempts`` times) is marked failed and reported once in
the chat's topic or in General. Each result is recorded right after the call.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
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
from aiogram.types import InlineKeyboardMarkup, LinkPreviewOptions, ReactionTypeEmoji

from bot.log_context import log_ids
from bot.outbox.kinds import CONTENT_KINDS, IN_CHAT_ORDER, Kind, Notice, Reaction, decode
from bot.outbox.loop import KickableLoop
from bot.outbox.observer import DeliveryObserver, NoObserver
from bot.outbox.queue import enqueue_notice
from bot.outbox.shared_budget import SharedBudget
from bot.outbox.throttle import TelegramThrottle
from bot.outbox.topics import TopicBusy, TopicNamer, Topics, is_topic_gone
from bot.retry import backoff, retry_soon
from bot.texts import for_marketplace, text
from connectors.errors import MarketplaceError
from storage.database import Database
from storage.errors import NotFound
from storage.records import Chat, TgOutboxItem, Workspace
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK

logger = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=2)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # a product link must not add a big card
MAX_ATTEMPTS = 8
REPORT_KEY = "report:"
_SAVE_TRIES = 3

# A handler posts one outbox item and returns what to record as its result. It raises
# Telegram's own exceptions; the worker turns them into retries, remaps or failures.
Handler = Callable[[Workspace, TgOutboxItem], Awaitable[dict[str, Any]]]


class BudgetSpent(Exception):
    """The group's budget is used up for now; retry the item after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"budget exhausted for {delay:.1f}s")
        self.delay = delay


class OutboxWorker:
    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        throttle: TelegramThrottle,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        idle_seconds: float = 0.2,
        max_attempts: int = MAX_ATTEMPTS,
        shared: SharedBudget | None = None,
        observer: DeliveryObserver | None = None,
    ) -> None:
        self._db = db
        self._bot = bot
        self._throttle = throttle
        self._shared = shared  # the budget of all instances together (bot.app sets it)
        self._observer: DeliveryObserver = observer or NoObserver()
        self._clock = clock
        self._max_attempts = max_attempts
        self.topics = Topics(db=db, bot=bot, spend=self.spend, clock=clock)
        self._loop = KickableLoop(
            name="telegram-delivery", round=self.run_once, idle_seconds=idle_seconds
        )
        self._handlers: dict[str, Handler] = {
            Kind.NOTICE: self._deliver_notice,
            Kind.REACTION: self._deliver_reaction,
        }

    @property
    def bot(self) -> Bot:
        return self._bot

    @property
    def loop(self) -> KickableLoop:
        return self._loop

    def register(self, kind: Kind, handler: Handler) -> None:
        """Let a feature deliver its own kind. The handler must call :meth:`spend` before
        every send or edit in the group, so all features share one budget per group."""
        if kind in self._handlers:
            raise ValueError(f"outbox kind {kind!r} already has a handler")
        self._handlers[kind] = handler

    def name_topics(self, namer: TopicNamer) -> None:
        self.topics.name_with(namer)

    async def spend(self, workspace: Workspace) -> None:
        """Take one unit of the group's budget, or give the item back until there is one."""
        chat_id = workspace.tg_chat_id
        delay = self._throttle.delay(chat_id)
        if delay > 0:
            raise BudgetSpent(delay)
        if self._shared is not None:
            taken = await self._shared.take(chat_id)
            if not taken.ok:  # other instances spent it: skip the group here meanwhile
                self._throttle.pause(chat_id, taken.retry_after)
                raise BudgetSpent(taken.retry_after)
        self._throttle.spend(chat_id)
        self._observer.spent(chat_id)

    async def topic_for(self, workspace: Workspace, chat: Chat) -> int:
        """The chat's topic, created (once) if it has none yet."""
        return await self.topics.topic_for(workspace, chat)

    def kick(self) -> None:
        self._loop.kick()

    async def start(self) -> None:
        freed = await self._db.instances.release_dead_claims("tg_outbox")
        if freed:
            logger.info("took back %d outbox item(s) claimed by a stopped process", freed)
        await self.topics.start()
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def run(self) -> None:
        await self._loop.run()

    async def run_once(self) -> int:
        """One round: at most one item per group that has budget. Returns items handled."""
        now = self._clock()
        handled = 0
        for workspace in await self._db.tg_outbox.ready_workspaces(now=now):
            if workspace.state == "detached":
                continue  # the bot left this group: keep its queue until it is back
            if self._throttle.delay(workspace.tg_chat_id) > 0:
                continue
            for item in await self._db.tg_outbox.claim(
                workspace_id=workspace.id,
                now=now,
                in_chat_order=IN_CHAT_ORDER,
                claimed_by=self._db.instance_id,
            ):
                await self._handle(workspace, item)
                handled += 1
        return handled

    async def _handle(self, workspace: Workspace, item: TgOutboxItem) -> None:
        with log_ids(workspace_id=workspace.id, chat_id=item.chat_id, item_id=item.id):
            await self._handle_item(workspace, item)

    async def _handle_item(self, workspace: Workspace, item: TgOutboxItem) -> None:
        try:
            handler = self._handlers[item.kind]
            result = await handler(workspace, item)
        except Exception as exc:
            await self._failed(workspace, item, exc)
        else:
            await self._save(item, result)
            self._observer.delivered(item, self._clock())

    async def _failed(self, workspace: Workspace, item: TgOutboxItem, exc: Exception) -> None:
        """What a failed call means for the item. Also used when a repair made for it (a
        closed topic reopened) fails in turn: a 429 there pauses the group as any other."""
        match exc:
            case BudgetSpent() | TopicBusy():
                await self._later(item, timedelta(seconds=exc.delay), str(exc))
            case TelegramRetryAfter():
                self._throttle.pause(workspace.tg_chat_id, exc.retry_after)
                self._observer.rate_limited(workspace.tg_chat_id)
                await self._later(item, timedelta(seconds=exc.retry_after), "429")
            case TelegramForbiddenError():
                await self._db.workspaces.set_state(workspace_id=workspace.id, state="detached")
                logger.warning(
                    "workspace=%d: bot cannot post (%s); paused", workspace.id, exc.message
                )
                await self._later(item, timedelta(minutes=10), "forbidden")
            case TelegramBadRequest():
                await self._bad_request(workspace, item, exc)
            case TelegramNetworkError() | TelegramServerError() | MarketplaceError():
                delay = backoff(item.attempts, base=RETRY_BASE)
                await self._later(item, delay, type(exc).__name__)
            case KeyError() | NotFound():
                await self._give_up(workspace, item, f"cannot deliver: {exc}", detail=str(exc))
            case _:  # e.g. a bug or a database hiccup: retry, but not forever
                await self._unexpected(workspace, item, exc)

    async def _unexpected(self, workspace: Workspace, item: TgOutboxItem, exc: Exception) -> None:
        if item.attempts >= self._max_attempts:
            logger.error(
                "outbox item=%d: failed %d times, giving up",
                item.id,
                item.attempts,
                exc_info=exc,
            )
            reason = text("outbox.reason.gave_up", workspace.locale, attempts=item.attempts)
            await self._give_up(workspace, item, f"gave up: {exc!r}", reason=reason)
        else:
            logger.error("outbox item=%d: unexpected failure, will retry", item.id, exc_info=exc)
            await self._later(item, backoff(item.attempts, base=RETRY_BASE), "unexpected error")

    async def _save(self, item: TgOutboxItem, result: dict[str, Any]) -> None:
        """Record the post right away: a row left pending would be posted again."""
        await retry_soon(
            lambda: self._db.tg_outbox.complete(item_id=item.id, result=result),
            what=f"recording outbox item={item.id}",
            tries=_SAVE_TRIES,
        )

    async def _later(self, item: TgOutboxItem, delay: timedelta, why: str) -> None:
        """Retry ``delay`` from now, not from the claim: the failing call itself may have
        taken seconds (the connector's own retries)."""
        when = self._clock() + delay
        await self._db.tg_outbox.retry_later(item_id=item.id, not_before=when, error=why)

    async def _bad_request(
        self, workspace: Workspace, item: TgOutboxItem, exc: TelegramBadRequest
    ) -> None:
        message = exc.message.lower()
        if item.chat_id is not None and is_topic_gone(message):
            # Deleted, archived or never existed: forget it; the retry creates a new topic
            # and posts the whole message there (parts in the lost topic are gone too).
            await self.topics.forget(item.chat_id)
            await self._db.tg_outbox.save_progress(item_id=item.id, result={})
            await self._later(item, timedelta(0), "topic gone")
        elif item.chat_id is not None and "topic_closed" in message:
            try:
                await self.topics.reopen(workspace, item.chat_id)
            except TelegramBadRequest as failed:
                # Reopening was refused too (say, the right to manage topics was taken):
                # not a closed topic again, so retry later rather than reopen in a loop.
                logger.warning("chat=%d: closed topic not reopened (%s)", item.chat_id, failed)
                await self._later(item, backoff(item.attempts, base=RETRY_BASE), "topic closed")
            except Exception as failed:  # 429, network: as the post's own failure would be
                await self._failed(workspace, item, failed)
            else:
                await self._later(item, timedelta(0), "topic reopened")
        elif "not modified" in message:
            await self._save(item, {"unchanged": True})
        elif "not enough rights" in message:
            logger.warning("workspace=%d: bot lacks rights (%s)", workspace.id, exc.message)
            await self._later(item, timedelta(minutes=5), "not enough rights")
        else:
            await self._give_up(workspace, item, exc.message, detail=exc.message)

    async def _give_up(
        self,
        workspace: Workspace,
        item: TgOutboxItem,
        error: str,
        *,
        detail: str = "",
        reason: str | None = None,
    ) -> None:
        """Fail the row and say so once where it belongs (a report is never reported)."""
        await self._db.tg_outbox.fail(item_id=item.id, error=error)
        logger.error("outbox item=%d kind=%s failed: %s", item.id, item.kind, error)
        if (item.dedup_key or "").startswith(REPORT_KEY):
            return
        locale = workspace.locale
        if reason is None:
            reason = text("outbox.reason.refused", locale, detail=detail[:200])
        if item.kind in CONTENT_KINDS:
            key = for_marketplace("outbox.refused.message", await self._marketplace_of(item))
        else:
            key = "outbox.refused.other"
        await enqueue_notice(
            self._db,
            workspace_id=workspace.id,
            text=text(key, locale, reason=reason),
            key=f"{REPORT_KEY}{item.id}",
            chat_id=item.chat_id,
            priority=PRIORITY_AGENT_FEEDBACK,
        )

    async def _marketplace_of(self, item: TgOutboxItem) -> str:
        """The buyer's marketplace, so a refusal names the right place to read the chat."""
        if item.chat_id is None:
            return ""
        chat = await self._db.chats.get(chat_id=item.chat_id)
        return (await self._db.sellers.get(seller_id=chat.seller_id)).marketplace

    # ----------------------------------------------------- notices, receipts

    async def _deliver_notice(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """A short bot message: a reply's failure reason, an edit warning, a health notice.

        With ``turn_id`` (SLA), it is dropped if the turn got its answer while the notice
        waited, and goes to the chat's topic (recreated if gone), never to General.
        """
        notice = decode(item, Notice)
        if notice.turn_id is not None:
            turn = await self._db.turns.get(turn_id=notice.turn_id)
            if turn is None or turn.answered_at is not None:
                return {"skipped": "turn answered"}
        thread_id = notice.thread_id
        if item.chat_id is not None:
            chat = await self._db.chats.get(chat_id=item.chat_id)
            thread_id = chat.topic_thread_id
            if thread_id is None and notice.turn_id is not None:
                # A waiting chat whose topic is gone: in General the notice would not say
                # which chat it is about; the recreated topic does, and takes the answer.
                thread_id = await self.topic_for(workspace, chat)
        await self.spend(workspace)
        kwargs: dict[str, Any] = {}
        if notice.reply_to:
            kwargs["reply_parameters"] = {
                "message_id": notice.reply_to,
                "allow_sending_without_reply": True,
            }
        if notice.keyboard:
            kwargs["reply_markup"] = InlineKeyboardMarkup.model_validate(
                {"inline_keyboard": notice.keyboard}
            )
        sent = await self._bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=thread_id,
            text=notice.text,
            **kwargs,
        )
        return {"parts": [sent.message_id]}

    async def _deliver_reaction(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """A receipt on the agent's message; reactions do not seem to count toward the
        group's budget, so no unit is spent."""
        reaction = decode(item, Reaction)
        try:
            await self._bot.set_message_reaction(
                chat_id=workspace.tg_chat_id,
                message_id=reaction.message_id,
                reaction=[ReactionTypeEmoji(emoji=reaction.emoji)],
            )
        except TelegramBadRequest as exc:
            # The agent deleted the message meanwhile: the receipt has nowhere to go.
            if "not found" not in exc.message.lower():
                raise
            return {"skipped": "message gone"}
        return {"reacted": reaction.emoji}
