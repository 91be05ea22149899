"""A resolved chat's topic in Telegram: ✅ in its name and closed; reopened, name restored,
before the buyer's next post.

Telegram has no call that renames and closes a topic at once, so each transition is two
calls, one unit of the group's budget each (editForumTopic, then closeForumTopic; on the
way back reopenForumTopic, then editForumTopic). Each call's effect is recorded on the chat
row right after it returns (``topic_resolved``, ``topic_closed``), so a retry continues
where the last attempt stopped instead of repeating a call. The name without the ✅ stays
in ``chats.topic_name``: the board and the notices keep showing it as it was.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.exceptions import TelegramBadRequest

from bot.bridge.render import TOPIC_NAME_LIMIT, clip_utf16, utf16_len
from bot.outbox.kinds import Kind
from bot.outbox.queue import enqueue_notice
from bot.outbox.worker import OutboxWorker
from bot.texts import text
from storage.database import Database
from storage.records import Chat, TgOutboxItem, Workspace

logger = logging.getLogger(__name__)

RESOLVED_MARK = "✅"
_UNCHANGED = "not_modified"  # TOPIC_NOT_MODIFIED: Telegram already shows what we want
_NO_RIGHTS = "not enough rights"  # the bot may not manage topics (an admin took the right)


def resolved_name(name: str) -> str:
    """The topic's name while resolved: the ✅ first, the rest clipped to fit."""
    prefix = f"{RESOLVED_MARK} "
    return prefix + clip_utf16(name, TOPIC_NAME_LIMIT - utf16_len(prefix))


def _unchanged(exc: TelegramBadRequest) -> bool:
    return _UNCHANGED in exc.message.lower()


class ResolvedTopics:
    def __init__(self, *, db: Database, worker: OutboxWorker) -> None:
        self._db = db
        self._worker = worker

    def register(self) -> None:
        self._worker.register(Kind.TOPIC_RESOLVED, self._close)

    async def _close(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        if item.chat_id is None:
            raise KeyError("resolve item without a chat")
        chat = await self._db.chats.get(chat_id=item.chat_id)
        if chat.resolved_at is None:
            return {"skipped": "the buyer wrote again"}
        thread = chat.topic_thread_id
        if thread is None or chat.topic_workspace_id != workspace.id:
            return {"skipped": "no topic"}  # gone: the buyer's next message makes a new one
        try:
            return await self._rename_and_close(workspace, chat, thread)
        except TelegramBadRequest as exc:
            if _NO_RIGHTS in exc.message.lower():
                # Said once in the topic (which is still open); the worker retries later.
                await enqueue_notice(
                    self._db,
                    workspace_id=workspace.id,
                    text=text("resolve.no_rights", workspace.locale),
                    key=f"resolve:rights:{item.id}",
                    chat_id=chat.id,
                )
            raise

    async def _rename_and_close(
        self, workspace: Workspace, chat: Chat, thread: int
    ) -> dict[str, Any]:
        bot = self._worker.bot
        if not chat.topic_resolved:
            await self._worker.spend(workspace)
            try:
                await bot.edit_forum_topic(
                    chat_id=workspace.tg_chat_id,
                    message_thread_id=thread,
                    name=resolved_name(await self._name(workspace, chat)),
                )
            except TelegramBadRequest as exc:
                if not _unchanged(exc):
                    raise
            await self._db.chats.set_topic_resolved(chat_id=chat.id, resolved=True)
        if not chat.topic_closed:
            await self._worker.spend(workspace)
            try:
                await bot.close_forum_topic(chat_id=workspace.tg_chat_id, message_thread_id=thread)
            except TelegramBadRequest as exc:
                if not _unchanged(exc):
                    raise
            await self._db.chats.set_topic_appearance(chat_id=chat.id, closed=True)
        logger.info("chat=%d: topic %d resolved", chat.id, thread)
        return {"resolved": thread}

    async def reopen(self, workspace: Workspace, chat: Chat) -> None:
        """Before a buyer's post into a resolved topic: open it and take the ✅ away. A
        failure raises into the post's own handling, so the post waits, never skips."""
        if chat.topic_thread_id is None or chat.topic_workspace_id != workspace.id:
            return
        if chat.topic_closed:
            await self._worker.topics.reopen(workspace, chat.id)  # recorded by Topics
            chat = await self._db.chats.get(chat_id=chat.id)
            if chat.topic_thread_id is None:
                return  # the topic was gone: the post makes a new one, named plainly
        thread = chat.topic_thread_id
        if not chat.topic_resolved or thread is None:
            return
        await self._worker.spend(workspace)
        try:
            await self._worker.bot.edit_forum_topic(
                chat_id=workspace.tg_chat_id,
                message_thread_id=thread,
                name=await self._name(workspace, chat),
            )
        except TelegramBadRequest as exc:
            if not _unchanged(exc):
                raise
        await self._db.chats.set_topic_resolved(chat_id=chat.id, resolved=False)
        logger.info("chat=%d: resolved topic %d reopened", chat.id, thread)

    async def _name(self, workspace: Workspace, chat: Chat) -> str:
        if chat.topic_name:
            return chat.topic_name
        return await self._worker.topics.name_of(workspace, chat)
