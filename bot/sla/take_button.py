"""The Take button under a turn's header post, kept truthful after a take or a release.

Registered on the :class:`~bot.outbox.worker.OutboxWorker` (kind ``take_button``, cosmetic
priority): buyer posts go first under the group budget, and an edit a newer one of the same
chat makes pointless is dropped before it spends a unit. The keyboard is rendered from the
owner at delivery time, so the last edit always shows the current owner.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.exceptions import TelegramBadRequest

from bot.outbox.kinds import Kind
from bot.outbox.worker import OutboxWorker
from bot.sla.claims import claim_keyboard
from storage.database import Database
from storage.errors import NotFound
from storage.records import TgOutboxItem, Workspace

logger = logging.getLogger(__name__)

_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


class TakeButtons:
    def __init__(self, *, db: Database, delivery: OutboxWorker) -> None:
        self._db = db
        self._delivery = delivery

    def register(self) -> None:
        self._delivery.register(Kind.TAKE_BUTTON, self._deliver)

    async def _deliver(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        if item.chat_id is None:
            raise KeyError("take button item without chat")
        if await self._db.tg_outbox.superseded(item=item):
            return {"skipped": "superseded"}
        turn = await self._db.turns.get_open(chat_id=item.chat_id)
        if turn is None or turn.header_tg_message_id is None:
            return {"skipped": "no open turn with a header"}
        chat = await self._db.chats.get(chat_id=item.chat_id)
        owner = await self._owner_name(chat.owner_agent_id)
        markup = claim_keyboard(chat.id, workspace.locale, owner)
        await self._delivery.spend(workspace)
        try:
            await self._delivery.bot.edit_message_reply_markup(
                chat_id=workspace.tg_chat_id,
                message_id=turn.header_tg_message_id,
                reply_markup=markup,
            )
        except TelegramBadRequest as exc:
            if not any(mark in exc.message.lower() for mark in _GONE):
                raise  # "not modified" and the rest: the worker's policy
            logger.info("chat=%d: header post %d gone", chat.id, turn.header_tg_message_id)
            return {"skipped": "post gone"}
        return {"edited": turn.header_tg_message_id, "owner": chat.owner_agent_id}

    async def _owner_name(self, agent_id: int | None) -> str | None:
        if agent_id is None:
            return None
        try:
            return (await self._db.agents.get(agent_id=agent_id)).display_name
        except NotFound:
            return None
