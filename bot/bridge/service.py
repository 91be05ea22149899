"""The Telegram bridge as one service: its two workers, and notices to the topics."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.bridge.delivery import NOTICE, DeliveryWorker
from bot.bridge.replies import ReplyWorker
from bot.texts import text
from storage.database import Database
from storage.records import Chat, Workspace
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK

logger = logging.getLogger(__name__)


class Bridge:
    def __init__(self, *, db: Database, delivery: DeliveryWorker, replies: ReplyWorker) -> None:
        self._db = db
        self.delivery = delivery
        self.replies = replies
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.delivery.run(), name="telegram-delivery"),
            asyncio.create_task(self.replies.run(), name="marketplace-replies"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def notice(
        self,
        *,
        workspace: Workspace,
        chat: Chat,
        key: str,
        text_key: str,
        reply_to: int | None = None,
        **values: object,
    ) -> None:
        """Tell the agents something in the chat's topic, once per ``key``, within budget."""
        await self._db.tg_outbox.enqueue(
            workspace_id=workspace.id,
            kind=NOTICE,
            priority=PRIORITY_AGENT_FEEDBACK,
            chat_id=chat.id,
            payload={"text": text(text_key, workspace.locale, **values), "reply_to": reply_to},
            dedup_key=key,
        )
        self.delivery.kick()
