"""Forum topics of buyer chats: created once, reopened when closed, forgotten when gone.

No transaction is open across a Telegram call. A worker first claims the right to create
a chat's topic (a short lease on the chat row), calls createForumTopic, and records the
topic at once in its own statement. If recording fails (the database is away), the new
topic is kept in memory and recorded before anything else is tried for that chat, so a
retry never creates a second topic; only a killed process or a lost response can leave
an orphan, and then at most one per such fault.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.retry import retry_soon
from storage.database import Database
from storage.records import Chat, Workspace

logger = logging.getLogger(__name__)

TOPIC_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid")
CLAIM_LEASE = timedelta(seconds=30)
_RECORD_TRIES = 3

# How a chat's topic is named; the bridge provides it (order number, buyer, shop).
TopicNamer = Callable[[Workspace, Chat], Awaitable[str]]
Spend = Callable[[Workspace], Awaitable[None]]


class TopicBusy(Exception):
    """Another worker is creating this chat's topic right now; retry after ``delay``."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"topic being created; retry in {delay:.0f}s")
        self.delay = delay


@dataclass(frozen=True, slots=True)
class _Created:
    workspace_id: int
    thread_id: int
    name: str


def is_topic_gone(message: str) -> bool:
    lowered = message.lower()
    return any(mark in lowered for mark in TOPIC_GONE)


async def _plain_name(workspace: Workspace, chat: Chat) -> str:
    return chat.order_number or chat.external_id


class Topics:
    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        spend: Spend,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        record_retry_seconds: float = 0.2,
    ) -> None:
        self._db = db
        self._bot = bot
        self._spend = spend
        self._clock = clock
        self._retry = timedelta(seconds=record_retry_seconds)
        self._namer: TopicNamer = _plain_name
        self._unrecorded: dict[int, _Created] = {}

    def name_with(self, namer: TopicNamer) -> None:
        self._namer = namer

    async def name_of(self, workspace: Workspace, chat: Chat) -> str:
        """The chat's topic name as a new topic would get it."""
        return await self._namer(workspace, chat)

    async def start(self) -> None:
        """Claims of a stopped process belong to no live call: take them back at once."""
        released = await self._db.instances.release_dead_claims(
            "chats", claimed_by="topic_claimed_by", lease_until="topic_claimed_until"
        )
        if released:
            logger.info("released %d topic claims of a stopped process", released)

    async def topic_for(self, workspace: Workspace, chat: Chat) -> int:
        """The chat's topic in this group, created once even if two items race for it."""
        if chat.topic_thread_id is not None and chat.topic_workspace_id == workspace.id:
            return chat.topic_thread_id
        created = self._unrecorded.get(chat.id)
        if created is not None and created.workspace_id == workspace.id:
            await self._record(chat.id, created)  # raises while the database is away
            return created.thread_id
        until = self._clock() + CLAIM_LEASE
        if not await self._db.chats.claim_topic_creation(
            chat_id=chat.id,
            workspace_id=workspace.id,
            until=until,
            claimed_by=self._db.instance_id,
        ):
            fresh = await self._db.chats.get(chat_id=chat.id)
            if fresh.topic_thread_id is not None and fresh.topic_workspace_id == workspace.id:
                return fresh.topic_thread_id
            raise TopicBusy(CLAIM_LEASE.total_seconds())
        try:
            name = await self._namer(workspace, chat)
            await self._spend(workspace)
            topic = await self._bot.create_forum_topic(chat_id=workspace.tg_chat_id, name=name)
        except Exception:
            # Refused or never sent: nobody is creating now. (After a lost response the
            # topic may exist; that is the one orphan Telegram's API cannot rule out.)
            await self._db.chats.release_topic_claim(chat_id=chat.id)
            raise
        created = _Created(workspace.id, topic.message_thread_id, name)
        self._unrecorded[chat.id] = created
        await self._record(chat.id, created)
        logger.info("chat=%d: topic %d created", chat.id, topic.message_thread_id)
        return topic.message_thread_id

    async def _record(self, chat_id: int, created: _Created) -> None:
        """Save the new topic before anything else can fail; a few quick tries, then the
        in-memory copy waits for the item's next attempt."""
        await retry_soon(
            lambda: self._db.chats.set_topic(
                chat_id=chat_id,
                workspace_id=created.workspace_id,
                thread_id=created.thread_id,
                name=created.name,
            ),
            what=f"chat={chat_id}: recording topic",
            tries=_RECORD_TRIES,
            base=self._retry,
        )
        self._unrecorded.pop(chat_id, None)

    async def forget(self, chat_id: int) -> None:
        """Telegram no longer has the topic (deleted, archived): the next post recreates it."""
        self._unrecorded.pop(chat_id, None)
        await self._db.chats.clear_topic(chat_id=chat_id)
        logger.info("chat=%d: topic gone, will recreate", chat_id)

    async def reopen(self, workspace: Workspace, chat_id: int) -> None:
        chat = await self._db.chats.get(chat_id=chat_id)
        if chat.topic_thread_id is None:
            return
        await self._spend(workspace)
        try:
            await self._bot.reopen_forum_topic(
                chat_id=workspace.tg_chat_id, message_thread_id=chat.topic_thread_id
            )
        except TelegramBadRequest as exc:
            if is_topic_gone(exc.message):
                await self.forget(chat_id)
                return
            if "not_modified" not in exc.message.lower():
                raise
            # TOPIC_NOT_MODIFIED: someone reopened it already; it is open, as wanted.
        await self._db.chats.set_topic_appearance(chat_id=chat_id, closed=False)
