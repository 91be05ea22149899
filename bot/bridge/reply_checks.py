"""A file reply whose earlier attempt cannot be verified: one notice, two buttons, a person
decides.

The worker never resends such a file blindly (the buyer could get it twice) and never
drops it silently. It posts this notice (as a reply to the agent's message) and the chat's
later replies wait behind it until someone allowed to answer buyers, or an admin, presses
"send anyway" (sent once more, without a history check) or "drop" (marked failed; the
chat's next reply goes out). The notice then shows who decided and loses its buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from bot.access import AccessControl, Answerer, Presser
from bot.bridge.callbacks import ReplyCheckAction, ReplyCheckCallback
from bot.outbox.kinds import ReplyCheck, decode
from bot.outbox.queue import enqueue
from bot.outbox.worker import OutboxWorker
from bot.texts import Locale, text
from storage.database import Database
from storage.errors import NotFound
from storage.records import ReplyItem, TgOutboxItem, Workspace

logger = logging.getLogger(__name__)

SEND_ANYWAY, DROP = ReplyCheckAction.SEND_ANYWAY, ReplyCheckAction.DROP
_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


@dataclass(frozen=True, slots=True)
class Answer:
    """What to answer the callback query with, and whether the workers have work now."""

    text: str
    alert: bool = False
    decided: bool = False


def render_check(
    item: ReplyItem, locale: Locale, *, decision: str | None = None, who: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The notice with its buttons, or (once decided) with who decided what, no buttons."""
    name = str((item.file or {}).get("name", ""))
    notice = text("reply_check.notice", locale, name=name)
    if decision is not None:
        status = text(f"reply_check.status.{decision}", locale, who=who or "—")
        return f"{notice}\n\n{status}", None
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=text("reply_check.button.send", locale),
                    callback_data=ReplyCheckCallback(a=SEND_ANYWAY, id=item.id).pack(),
                ),
                InlineKeyboardButton(
                    text=text("reply_check.button.drop", locale),
                    callback_data=ReplyCheckCallback(a=DROP, id=item.id).pack(),
                ),
            ]
        ]
    )
    return notice, keyboard


class ReplyCheckPosting:
    """Delivers the ``reply_check`` outbox kind: the notice, or its edit after a decision."""

    def __init__(self, *, db: Database, delivery: OutboxWorker) -> None:
        self._db = db
        self._delivery = delivery

    async def post(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        check = decode(item, ReplyCheck)
        reply = await self._db.replies.get(item_id=check.reply_id)
        chat = await self._db.chats.get(chat_id=reply.chat_id)
        message_id = check.message_id
        html_text, markup = render_check(
            reply, workspace.locale, decision=check.decision, who=check.who
        )
        bot = self._delivery.bot
        await self._delivery.spend(workspace)
        if message_id is not None:
            try:
                await bot.edit_message_text(
                    chat_id=workspace.tg_chat_id,
                    message_id=message_id,
                    text=html_text,
                    reply_markup=markup,
                )
            except TelegramBadRequest as exc:
                lowered = exc.message.lower()
                if "not modified" in lowered or any(mark in lowered for mark in _GONE):
                    return {"edited": False}
                raise
            return {"edited": True}
        sent = await bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=chat.topic_thread_id,
            text=html_text,
            reply_markup=markup,
            reply_parameters=ReplyParameters(
                message_id=reply.tg_message_id, allow_sending_without_reply=True
            )
            if reply.tg_message_id is not None
            else None,
        )
        return {"message_id": sent.message_id}


class ReplyChecks:
    """The two buttons' effect; the handler only answers and kicks the workers."""

    def __init__(
        self,
        *,
        db: Database,
        access: AccessControl,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._access = access
        self._clock = clock

    async def decide(
        self,
        *,
        action: ReplyCheckAction,
        reply_id: int,
        tg_chat_id: int,
        message_id: int,
        presser: Presser,
    ) -> Answer:
        try:
            reply = await self._db.replies.get(item_id=reply_id)
            chat = await self._db.chats.get(chat_id=reply.chat_id)
            if chat.topic_workspace_id is None:
                raise NotFound("topic")
            workspace = await self._db.workspaces.get(workspace_id=chat.topic_workspace_id)
        except NotFound:
            return Answer(text("reply_check.answer.not_found", "ru"), alert=True)
        locale = workspace.locale
        if workspace.tg_chat_id != tg_chat_id or action not in (SEND_ANYWAY, DROP):
            return Answer(text("reply_check.answer.not_found", locale), alert=True)
        if not await self._may_decide(workspace, presser):
            return Answer(text("reply_check.answer.not_allowed", locale), alert=True)
        decision = "sent" if action == SEND_ANYWAY else "dropped"
        async with self._db.transaction() as conn:
            if action == SEND_ANYWAY:
                changed = await self._db.replies.send_anyway(
                    item_id=reply.id, now=self._clock(), conn=conn
                )
            else:
                changed = await self._db.replies.drop_unverified(item_id=reply.id, conn=conn)
            if not changed:
                return Answer(text("reply_check.answer.decided", locale), alert=True)
            await enqueue(
                self._db,
                ReplyCheck(
                    reply_id=reply.id, message_id=message_id, decision=decision, who=presser.name
                ),
                workspace_id=workspace.id,
                chat_id=chat.id,
                dedup_key=f"reply_check_status:{reply.id}:{message_id}",
                conn=conn,
            )
        logger.info("reply=%d: %s by tg_user=%d", reply.id, decision, presser.tg_user_id)
        key = "reply_check.answer.send" if action == SEND_ANYWAY else "reply_check.answer.drop"
        return Answer(text(key, locale), decided=True)

    async def _may_decide(self, workspace: Workspace, presser: Presser) -> bool:
        """The one rule for who may answer buyers (admins always may)."""
        decided = await self._access.answerer(
            tg_user_id=presser.tg_user_id,
            workspace=workspace,
            display_name=presser.name,
            username=presser.username,
        )
        return isinstance(decided, Answerer)
