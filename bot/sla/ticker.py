"""The SLA tick: near-window chats become urgent, due notices go out once, boards refresh.

Runs every ~30 s from apscheduler (and directly in tests, on a controllable clock). All
notices of one tick are decided, stamped on their turns and queued toward Telegram in one
transaction, so a crash either sends them later or not at all, never twice. Telegram sees
them through the durable outbox and the group's budget like everything else.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.outbox.kinds import Kind, SlaBoard
from bot.outbox.queue import enqueue, enqueue_notice
from bot.outbox.worker import OutboxWorker
from bot.sla.board import render_board
from bot.sla.hours import BusinessHours
from bot.sla.notices import BATCH_AT, Fired, batch_text, owed, single_text
from bot.sla.resolve import Resolver, resolve_keyboard
from storage.database import Database
from storage.records import Workspace
from storage.sla_queue_repo import SlaQueueRepo
from storage.sql import Executor
from storage.tg_outbox_repo import PRIORITY_COSMETIC, PRIORITY_NOTICE

logger = logging.getLogger(__name__)

BOARD = Kind.SLA_BOARD
BOARD_MIN_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class TickReport:
    bumped: int
    notices: int
    posts: int
    boards: int
    resolved: int = 0  # chats resolved for being idle past their shop's limit


class SlaTicker:
    def __init__(
        self,
        *,
        db: Database,
        delivery: OutboxWorker,
        clock: Callable[[], datetime],
        window_margin: timedelta,
        resolver: Resolver | None = None,
    ) -> None:
        self._db = db
        self._resolver = resolver or Resolver(db=db, kick=delivery.kick)
        self._queue = SlaQueueRepo(db.pool)
        self._delivery = delivery
        self._clock = clock
        self._margin = window_margin
        # (turn, deadline) → when half its working time is used: business-hours maths is
        # done once per turn, not on every tick (rebuilt each tick, so it cannot grow).
        self._warn_at: dict[tuple[int, datetime], datetime] = {}

    async def tick(self) -> TickReport:
        now = self._clock()
        resolved = await self._resolver.resolve_idle(now)
        bumped = await self._queue.bump_near_window(now=now, margin=self._margin)
        notices, posts = await self._notify(now)
        boards = await self._refresh_boards(now)
        if posts or boards:
            self._delivery.kick()
        if bumped or notices:
            logger.info("sla tick: %d bumped, %d notices in %d posts", len(bumped), notices, posts)
        return TickReport(len(bumped), notices, posts, boards, resolved)

    async def _business_warnings(self, now: datetime) -> list[int]:
        """Turns of business-hours sellers whose working-time midpoint has passed."""
        candidates = await self._queue.warn_candidates(now=now)
        hours = await self._hours({seller_id for _, seller_id, _, _ in candidates})
        known, self._warn_at = self._warn_at, {}
        due: list[int] = []
        for turn_id, seller_id, started_at, deadline in candidates:
            key = (turn_id, deadline)
            warn_at = known.get(key)
            if warn_at is None:
                seller_hours = hours[seller_id]
                half = seller_hours.elapsed(started_at, deadline) / 2
                warn_at = seller_hours.add(started_at, half.total_seconds() / 60)
            self._warn_at[key] = warn_at
            if warn_at <= now:
                due.append(turn_id)
        return due

    async def _notify(self, now: datetime) -> tuple[int, int]:
        warn_ids = await self._business_warnings(now)
        async with self._db.transaction() as conn:
            due = await self._queue.due_turns(now=now, warn_ids=warn_ids, conn=conn)
            if not due:
                return 0, 0
            hours = await self._hours({t.seller_id for t in due if t.business_hours})
            fired = [
                f
                for f in (
                    owed(t, now=now, hours=hours.get(t.seller_id, BusinessHours())) for t in due
                )
                if f is not None
            ]
            await self._queue.stamp(
                now=now, stamps=[(f.turn.turn_id, *f.stamps) for f in fired], conn=conn
            )
            by_workspace: dict[int, list[Fired]] = defaultdict(list)
            for f in fired:
                by_workspace[f.turn.workspace_id].append(f)
            admins = await self._queue.admins(workspace_ids=list(by_workspace), conn=conn)
            posts = 0
            for workspace_id, items in by_workspace.items():
                workspace = await self._db.workspaces.get(workspace_id=workspace_id, conn=conn)
                posts += await self._enqueue(
                    workspace, items, admins.get(workspace_id, []), now, conn
                )
        return len(fired), posts

    async def _enqueue(
        self,
        workspace: Workspace,
        items: list[Fired],
        admins: list[tuple[int, str]],
        now: datetime,
        conn: Executor,
    ) -> int:
        locale = workspace.locale
        if len(items) >= BATCH_AT:
            first = min(f.turn.turn_id for f in items)
            await enqueue_notice(
                self._db,
                workspace_id=workspace.id,
                text=batch_text(
                    items, admins=admins, tg_chat_id=workspace.tg_chat_id, locale=locale
                ),
                key=f"sla:batch:{workspace.id}:{first}:{now.isoformat()}",
                priority=PRIORITY_NOTICE,
                conn=conn,
            )
            return 1
        for f in items:
            await enqueue_notice(
                self._db,
                workspace_id=workspace.id,
                text=single_text(f, admins=admins, now=now, locale=locale),
                key=f"sla:{f.turn.turn_id}:{f.notice}",
                chat_id=f.turn.chat_id,
                # dropped if the turn is answered before it is posted
                turn_id=f.turn.turn_id,
                priority=PRIORITY_NOTICE,
                # "nothing to answer": resolve from the notice (a thanks, a duplicate, spam)
                keyboard=resolve_keyboard(f.turn.chat_id, locale),
                conn=conn,
            )
        return len(items)

    async def _hours(self, seller_ids: set[int]) -> dict[int, BusinessHours]:
        found: dict[int, BusinessHours] = {}
        for seller_id in seller_ids:
            found[seller_id] = BusinessHours.of(await self._db.sellers.get(seller_id=seller_id))
        return found

    async def _refresh_boards(self, now: datetime) -> int:
        """Queue a board edit where the text changed and the last edit is a minute old."""
        queued = 0
        for workspace in await self._db.workspaces.list_all(only_active=True):
            edited = workspace.queue_board_edited_at
            if edited is not None and now - edited < BOARD_MIN_INTERVAL:
                continue
            chats = await self._queue.waiting(workspace_id=workspace.id)
            if not chats and workspace.queue_board_message_id is None:
                continue
            board = render_board(
                chats, tg_chat_id=workspace.tg_chat_id, now=now, locale=workspace.locale
            )
            if board.hash == workspace.queue_board_hash:
                continue
            if await self._queue.board_pending(workspace_id=workspace.id, kind=BOARD):
                continue
            await enqueue(
                self._db,
                SlaBoard(),
                workspace_id=workspace.id,
                priority=PRIORITY_COSMETIC,
                dedup_key=f"board:{workspace.id}:{board.hash}:{now:%Y%m%d%H%M}",
            )
            queued += 1
        return queued
