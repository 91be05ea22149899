"""The SLA feature as one service: its tick job, the queue board and report deliveries.

Built once in :func:`bot.app.assemble`; handlers receive it as ``sla``. ``clock`` is a
plain attribute so tests can move time forward (the tick, the board and the buyer post's
deadline line all read it).
"""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, LinkPreviewOptions
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.outbox.kinds import Kind, SlaStats, decode
from bot.outbox.worker import OutboxWorker
from bot.scheduling import remove_jobs
from bot.sla.board import Board, render_board
from bot.sla.claims import claim_keyboard
from bot.sla.format import local_deadline, priority_label
from bot.sla.hours import BusinessHours
from bot.sla.queue_posts import QueuePosts
from bot.sla.resolve import Resolver
from bot.sla.take_button import TakeButtons
from bot.sla.ticker import BOARD, BOARD_MIN_INTERVAL, SlaTicker, TickReport
from bot.texts import text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Chat, Message, Seller, TgOutboxItem, Workspace
from storage.sla_queue_repo import QueueFilter, SlaQueueRepo, WaitingChat

logger = logging.getLogger(__name__)

JOB_PREFIX = "sla:"
TICK_JOB = f"{JOB_PREFIX}tick"
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _now() -> datetime:
    return datetime.now(UTC)


class SlaService:
    def __init__(
        self,
        *,
        db: Database,
        delivery: OutboxWorker,
        scheduler: AsyncIOScheduler,
        tick_seconds: float = 30.0,
        window_margin: timedelta = timedelta(hours=6),
        clock: Callable[[], datetime] = _now,
        is_leader: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db = db
        self.clock = clock
        self.queue = SlaQueueRepo(db.pool)
        self._delivery = delivery
        self._tick_seconds = tick_seconds
        self._is_leader = is_leader  # with several instances, one ticks (bot.leadership)
        self._scheduler = scheduler  # the process's one (bot.scheduling), started by bot.app
        self.resolver = Resolver(db=db, kick=delivery.kick)
        self.ticker = SlaTicker(
            db=db,
            delivery=delivery,
            clock=self._now,
            window_margin=window_margin,
            resolver=self.resolver,
        )
        delivery.register(BOARD, self._deliver_board)
        delivery.register(Kind.SLA_STATS, self._deliver_stats)
        delivery.register(Kind.SLA_QUEUE, QueuePosts(delivery).deliver)
        TakeButtons(db=db, delivery=delivery).register()

    def _now(self) -> datetime:
        return self.clock()  # late-bound: tests replace ``clock`` after assembly

    def now(self) -> datetime:
        """The SLA clock (late-bound), for the services that stamp SLA moments."""
        return self.clock()

    async def start(self) -> None:
        await self.db.sellers.seed_missing_sla_defaults()
        self._scheduler.add_job(
            self._scheduled_tick,
            "interval",
            seconds=self._tick_seconds,
            id=TICK_JOB,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(self._tick_seconds)),
        )

    async def stop(self) -> None:
        remove_jobs(self._scheduler, JOB_PREFIX)

    async def _scheduled_tick(self) -> TickReport | None:
        if not self._is_leader():
            return None
        return await self.tick()

    async def tick(self) -> TickReport | None:
        try:
            return await self.ticker.tick()
        except Exception:  # a database hiccup must not stop the next tick
            logger.exception("sla tick failed")
            return None

    def kick(self) -> None:
        self._delivery.kick()

    async def waiting(
        self, workspace: Workspace, where: QueueFilter | None = None, limit: int = 25
    ) -> list[WaitingChat]:
        return await self.queue.waiting(workspace_id=workspace.id, where=where, limit=limit)

    async def board(self, workspace: Workspace, now: datetime) -> Board:
        chats = await self.waiting(workspace)
        return render_board(
            chats, tg_chat_id=workspace.tg_chat_id, now=now, locale=workspace.locale
        )

    async def post_extras(
        self, workspace: Workspace, chat: Chat, seller: Seller, message: Message
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """The SLA line and the "Take" button under a buyer message of an open turn."""
        if message.turn_id is None:
            return "", None
        turn = await self.db.turns.get(turn_id=message.turn_id)
        if turn is None or turn.answered_at is not None:
            return "", None
        locale = workspace.locale
        label = priority_label(turn.priority, locale)
        line = label
        if turn.deadline is not None:
            deadline = local_deadline(turn.deadline, self.clock(), BusinessHours.of(seller))
            line = text("sla.line", locale, priority=label, deadline=deadline)
        # ``chat`` was read by this very delivery: its owner is current.
        owner: str | None = None
        if chat.owner_agent_id is not None:
            with contextlib.suppress(NotFound):
                owner = (await self.db.agents.get(agent_id=chat.owner_agent_id)).display_name
        # The owner is on the button (edited on every take and release), not in the text.
        return line, claim_keyboard(chat.id, locale, owner)

    # ------------------------------------------------------------ deliveries

    async def _deliver_board(  # noqa: PLR0911 - each early return is one board state
        self, workspace: Workspace, item: TgOutboxItem
    ) -> dict[str, Any]:
        """Send-and-pin once, then edit in place; skip when unchanged or edited < 1 min ago."""
        now = self.clock()
        fresh = await self.db.workspaces.get(workspace_id=workspace.id)
        progress = dict(item.result or {})
        bot = self._delivery.bot
        if progress.get("message_id") and not progress.get("pinned"):
            return await self._pin(fresh, item, progress)
        board = await self.board(fresh, now)
        if fresh.queue_board_message_id is not None:
            if board.hash == fresh.queue_board_hash:
                return {"unchanged": True}
            edited = fresh.queue_board_edited_at
            if edited is not None and now - edited < BOARD_MIN_INTERVAL:
                return {"skipped": "edited less than a minute ago"}
            await self._delivery.spend(fresh)
            try:
                await bot.edit_message_text(
                    chat_id=fresh.tg_chat_id,
                    message_id=fresh.queue_board_message_id,
                    text=board.text,
                    link_preview_options=_NO_PREVIEW,
                )
            except TelegramBadRequest as exc:
                if "not modified" in exc.message.lower():
                    await self._saved(fresh, fresh.queue_board_message_id, board, now)
                    return {"unchanged": True}
                if "not found" not in exc.message.lower():
                    raise
                logger.info("workspace=%d: queue board gone, posting a new one", fresh.id)
                await self.db.workspaces.set_queue_board(
                    workspace_id=fresh.id, message_id=None, content_hash=None, edited_at=None
                )
                return await self._post(fresh, item, board, now)
            await self._saved(fresh, fresh.queue_board_message_id, board, now)
            return {"edited": fresh.queue_board_message_id}
        if board.empty:
            return {"skipped": "nothing waiting"}
        return await self._post(fresh, item, board, now)

    async def _post(
        self, workspace: Workspace, item: TgOutboxItem, board: Board, now: datetime
    ) -> dict[str, Any]:
        await self._delivery.spend(workspace)
        sent = await self._delivery.bot.send_message(
            chat_id=workspace.tg_chat_id, text=board.text, link_preview_options=_NO_PREVIEW
        )
        await self._saved(workspace, sent.message_id, board, now)
        progress = {"message_id": sent.message_id, "pinned": False}
        await self.db.tg_outbox.save_progress(item_id=item.id, result=progress)
        return await self._pin(workspace, item, progress)

    async def _pin(
        self, workspace: Workspace, item: TgOutboxItem, progress: dict[str, Any]
    ) -> dict[str, Any]:
        await self._delivery.spend(workspace)
        await self._delivery.bot.pin_chat_message(
            chat_id=workspace.tg_chat_id,
            message_id=progress["message_id"],
            disable_notification=True,
        )
        return {**progress, "pinned": True}

    async def _saved(
        self, workspace: Workspace, message_id: int, board: Board, now: datetime
    ) -> None:
        await self.db.workspaces.set_queue_board(
            workspace_id=workspace.id,
            message_id=message_id,
            content_hash=board.hash,
            edited_at=now,
        )

    async def _deliver_stats(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """A /stats answer in a group: one photo, the report as its caption. (A row an
        older version had half sent, its text already posted, gets the photo alone.)"""
        stats = decode(item, SlaStats)
        done = list((item.result or {}).get("parts", []))
        await self._delivery.spend(workspace)
        photo = BufferedInputFile(base64.b64decode(stats.png), filename="sla.png")
        sent = await self._delivery.bot.send_photo(
            chat_id=workspace.tg_chat_id,
            message_thread_id=stats.thread_id,
            photo=photo,
            caption=None if done else stats.text,
        )
        return {"parts": [*done, sent.message_id]}
