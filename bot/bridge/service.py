"""The Telegram bridge as one service: the reply worker, and notices to the topics.

The Telegram queue's worker (``delivery``) runs on its own floor (bot/outbox) and is
started by the app; the bridge keeps a handle on it only to wake it.
"""

from __future__ import annotations

import logging

from bot.bridge.replies import ReplyWorker
from bot.outbox.queue import Outbox
from bot.outbox.worker import OutboxWorker
from bot.texts import text
from storage.records import Chat, Workspace

logger = logging.getLogger(__name__)


class Bridge:
    def __init__(self, *, outbox: Outbox, delivery: OutboxWorker, replies: ReplyWorker) -> None:
        self._outbox = outbox
        self.delivery = delivery
        self.replies = replies

    async def start(self) -> None:
        await self.replies.start()

    async def stop(self) -> None:
        await self.replies.stop()

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
        await self._outbox.notice(
            workspace_id=workspace.id,
            chat_id=chat.id,
            text=text(text_key, workspace.locale, **values),
            reply_to=reply_to,
            key=key,
        )
