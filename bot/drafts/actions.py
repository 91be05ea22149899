"""What the buttons under a draft and under a held reply do.

Plain service code (no aiogram types): the thin handler passes who pressed what on which
message, gets back the short text to answer the callback with, and answers at once; the
slow parts (the model, Ozon) happen later in the workers. Nothing in the callback data is
trusted: the draft is looked up, must belong to the group the button was pressed in, and
the presser must be allowed to answer buyers there. Every decision is one conditional
UPDATE, so a double tap acts once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.access import AccessControl, Answerer, Presser, Role
from bot.bridge.agent_messages import release_held
from bot.drafts.callbacks import (
    CANCEL,
    CONFIRM,
    DISMISS,
    EDIT,
    REGENERATE,
    SEND,
    DraftAction,
    HeldAction,
)
from bot.drafts.render import problems
from bot.drafts.service import DraftService
from bot.guardrails.rules import blocking, findings_from_dicts
from bot.outbox.kinds import DraftEditPrompt, HeldStatus
from bot.outbox.queue import enqueue
from bot.texts import Locale, text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Agent, Chat, Suggestion, Workspace
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK, PRIORITY_COSMETIC

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Answer:
    """What to answer the callback query with."""

    text: str
    alert: bool = False


class DraftActions:
    def __init__(
        self,
        *,
        db: Database,
        access: AccessControl,
        service: DraftService,
        kick_drafts: Callable[[], None],
        kick_replies: Callable[[], None],
        kick_delivery: Callable[[], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._access = access
        self._service = service
        self._kick_drafts = kick_drafts
        self._kick_replies = kick_replies
        self._kick_delivery = kick_delivery
        self._clock = clock

    async def _member(self, workspace: Workspace, presser: Presser) -> tuple[Agent, Role] | None:
        """The presser as someone allowed to answer buyers here (the same rule as typed
        replies), else None."""
        decided = await self._access.answerer(
            tg_user_id=presser.tg_user_id,
            workspace=workspace,
            display_name=presser.name,
            username=presser.username,
        )
        return (decided.agent, decided.role) if isinstance(decided, Answerer) else None

    async def _locate(self, chat_id: int, tg_chat_id: int) -> tuple[Chat, Workspace] | None:
        chat = await self._db.chats.get(chat_id=chat_id)
        if chat.topic_workspace_id is None:
            return None
        workspace = await self._db.workspaces.get(workspace_id=chat.topic_workspace_id)
        return (chat, workspace) if workspace.tg_chat_id == tg_chat_id else None

    # ------------------------------------------------------------------ drafts

    async def press(
        self,
        *,
        action: DraftAction,
        suggestion_id: int,
        tg_chat_id: int,
        message_id: int,
        presser: Presser,
        locale_fallback: str = "ru",
    ) -> Answer:
        try:
            suggestion = await self._db.suggestions.get(suggestion_id=suggestion_id)
            located = await self._locate(suggestion.chat_id, tg_chat_id)
        except NotFound:
            located = None
        if located is None or suggestion.tg_message_id != message_id:
            return Answer(text("draft.answer.not_found", _locale(locale_fallback)), alert=True)
        chat, workspace = located
        locale = workspace.locale
        member = await self._member(workspace, presser)
        if member is None:
            return Answer(text("draft.answer.not_allowed", locale), alert=True)
        agent, _ = member
        if suggestion.outcome == "ignored":
            stale = await self._staleness(chat, suggestion.turn_id, suggestion.buyer_message_count)
            return Answer(text(stale or "draft.answer.stale_wrote", locale), alert=True)
        if suggestion.outcome != "pending":
            key = (
                "draft.answer.already_sent"
                if suggestion.outcome in ("sent", "edited", "auto_sent")
                else "draft.answer.decided"
            )
            return Answer(text(key, locale), alert=True)
        return await self._act(
            action, suggestion, chat, workspace, agent=agent, tg_chat_id=tg_chat_id
        )

    async def _act(
        self,
        action: DraftAction,
        suggestion: Suggestion,
        chat: Chat,
        workspace: Workspace,
        *,
        agent: Agent,
        tg_chat_id: int,
    ) -> Answer:
        """Send, regenerate or edit a current draft (dismiss works even on a stale one)."""
        locale = workspace.locale
        if action == DISMISS:
            return await self._dismiss(suggestion.id, workspace, agent, locale)
        stale = await self._staleness(chat, suggestion.turn_id, suggestion.buyer_message_count)
        if stale is not None:
            if await self._db.suggestions.decide(
                suggestion_id=suggestion.id, outcome="ignored", at=self._clock()
            ):
                await self._service.queue_status(suggestion, workspace.id)
            return Answer(text(stale, locale), alert=True)
        if action == SEND:
            return await self._send(suggestion.id, chat, workspace, agent, tg_chat_id=tg_chat_id)
        if action == REGENERATE:
            return await self._regenerate(suggestion, agent, locale)
        if action == EDIT:
            await enqueue(
                self._db,
                DraftEditPrompt(suggestion_id=suggestion.id, who=agent.display_name),
                workspace_id=workspace.id,
                priority=PRIORITY_AGENT_FEEDBACK,
                chat_id=chat.id,
                dedup_key=f"draft_edit:{suggestion.id}",
            )
            self._kick_delivery()
            return Answer(text("draft.answer.edit", locale))
        return Answer(text("draft.answer.not_found", locale), alert=True)

    async def _regenerate(self, suggestion: Suggestion, agent: Agent, locale: str) -> Answer:
        """Mark the draft; the worker writes its successor into the same post."""
        if not await self._db.suggestions.decide(
            suggestion_id=suggestion.id,
            outcome="regenerated",
            at=self._clock(),
            agent_id=agent.id,
        ):
            return Answer(text("draft.answer.decided", _locale(locale)), alert=True)
        self._kick_drafts()
        return Answer(text("draft.answer.regenerating", _locale(locale)))

    async def _staleness(self, chat: Chat, turn_id: int | None, count: int | None) -> str | None:
        """Why a draft may no longer be sent (a text key), or None when it is current."""
        turn = await self._db.turns.get_open(chat_id=chat.id)
        if turn is None or turn.id != turn_id:
            return "draft.answer.stale_answered"
        if turn.buyer_message_count != count:
            return "draft.answer.stale_wrote"
        return None

    async def _send(
        self,
        suggestion_id: int,
        chat: Chat,
        workspace: Workspace,
        agent: Agent,
        *,
        tg_chat_id: int,
    ) -> Answer:
        locale = workspace.locale
        suggestion = await self._db.suggestions.get(suggestion_id=suggestion_id)
        blocked = blocking(findings_from_dicts(suggestion.guardrail_findings))
        if blocked:
            return Answer(
                text(
                    "draft.answer.blocked",
                    _locale(locale),
                    problems=problems(blocked, _locale(locale)),
                ),
                alert=True,
            )
        async with self._db.transaction() as conn:
            if not await self._db.suggestions.decide(
                suggestion_id=suggestion.id,
                outcome="sent",
                at=self._clock(),
                agent_id=agent.id,
                conn=conn,
            ):
                return Answer(text("draft.answer.already_sent", _locale(locale)), alert=True)
            await self._db.replies.enqueue(
                chat_id=chat.id,
                idempotency_key=f"draft:{suggestion.id}",
                origin="draft",
                agent_id=agent.id,
                suggestion_id=suggestion.id,
                tg_chat_id=tg_chat_id,
                tg_message_id=suggestion.tg_message_id,
                text=suggestion.text,
                conn=conn,
            )
            await self._service.queue_status(suggestion, workspace.id, conn=conn)
        self._kick_replies()
        logger.info("draft=%d sent by agent=%d", suggestion.id, agent.id)
        return Answer(text("draft.answer.sending", _locale(locale)))

    async def _dismiss(
        self, suggestion_id: int, workspace: Workspace, agent: Agent, locale: str
    ) -> Answer:
        suggestion = await self._db.suggestions.get(suggestion_id=suggestion_id)
        if not await self._db.suggestions.decide(
            suggestion_id=suggestion_id, outcome="dismissed", at=self._clock(), agent_id=agent.id
        ):
            return Answer(text("draft.answer.decided", _locale(locale)), alert=True)
        await self._service.queue_status(suggestion, workspace.id)
        return Answer(text("draft.answer.dismissed", _locale(locale)))

    # ------------------------------------------------------------------ held replies

    async def held(
        self,
        *,
        action: HeldAction,
        held_id: int,
        tg_chat_id: int,
        message_id: int,
        presser: Presser,
    ) -> Answer:
        try:
            held = await self._db.held_replies.get(held_id=held_id)
            located = await self._locate(held.chat_id, tg_chat_id)
        except NotFound:
            located = None
        if located is None:
            return Answer(text("draft.answer.not_found", "ru"), alert=True)
        chat, workspace = located
        locale = workspace.locale
        member = await self._member(workspace, presser)
        if member is None:
            return Answer(text("draft.answer.not_allowed", locale), alert=True)
        agent, role = member
        if agent.id != held.agent_id and role < Role.ADMIN:
            return Answer(text("guard.answer.not_yours", locale), alert=True)
        status = "confirmed" if action == CONFIRM else "cancelled"
        if action not in (CONFIRM, CANCEL):
            return Answer(text("draft.answer.not_found", locale), alert=True)
        async with self._db.transaction() as conn:
            if not await self._db.held_replies.decide(
                held_id=held.id, status=status, at=self._clock(), conn=conn
            ):
                return Answer(text("guard.answer.decided", locale), alert=True)
            if status == "confirmed":
                await release_held(self._db, held, conn=conn)
            await enqueue(
                self._db,
                HeldStatus(held_id=held.id, message_id=message_id, who=agent.display_name),
                workspace_id=workspace.id,
                priority=PRIORITY_COSMETIC,
                chat_id=chat.id,
                dedup_key=f"held_status:{held.id}",
                conn=conn,
            )
        if status == "confirmed":
            self._kick_replies()
        self._kick_delivery()
        return Answer(text(f"guard.answer.{status}", locale))


def _locale(value: str) -> Locale:
    return "en" if value == "en" else "ru"
