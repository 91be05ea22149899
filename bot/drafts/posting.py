"""Showing drafts in topics: the outbox kinds of this feature, delivered within budget.

Registered on the :class:`~bot.outbox.worker.OutboxWorker`, so drafts share the
group's budget with buyer messages (which go first: drafts have a lower priority) and
survive restarts like every other post. Each handler spends exactly one unit per send or
edit; a post already recorded is not repeated after a crash.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ForceReply, ReplyParameters

from bot.drafts.ai_settings import panel
from bot.drafts.render import draft_post, held_notice
from bot.outbox.kinds import (
    AiPanel,
    DraftEditPrompt,
    DraftPost,
    DraftStatus,
    HeldNotice,
    HeldStatus,
    Kind,
    PromptRemoval,
    decode,
)
from bot.outbox.queue import enqueue
from bot.outbox.worker import NO_PREVIEW, OutboxWorker
from bot.texts import text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Suggestion, TgOutboxItem, Workspace

logger = logging.getLogger(__name__)

_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


class DraftPosting:
    def __init__(self, *, db: Database, delivery: OutboxWorker) -> None:
        self._db = db
        self._delivery = delivery

    def register(self) -> None:
        self._delivery.register(Kind.DRAFT_POST, self.post)
        self._delivery.register(Kind.DRAFT_STATUS, self.status)
        self._delivery.register(Kind.DRAFT_EDIT_PROMPT, self.edit_prompt)
        self._delivery.register(Kind.HELD_NOTICE, self.held_notice)
        self._delivery.register(Kind.HELD_STATUS, self.held_status)
        self._delivery.register(Kind.AI_PANEL, self.ai_panel)
        self._delivery.register(Kind.PROMPT_REMOVAL, self.remove_prompt)

    async def _who(self, agent_id: int | None) -> str:
        if agent_id is None:
            return ""
        try:
            return (await self._db.agents.get(agent_id=agent_id)).display_name
        except NotFound:
            return ""

    async def post(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """A new draft: its own post, or the regenerated version edited into the old one."""
        payload = decode(item, DraftPost)
        suggestion = await self._db.suggestions.get(suggestion_id=payload.suggestion_id)
        if suggestion.tg_message_id is not None:
            return {"message_id": suggestion.tg_message_id}  # shown before a restart
        if suggestion.outcome in ("ignored", "dismissed", "regenerated"):
            return {"skipped": suggestion.outcome}  # went stale before it could be shown
        html_text, markup = draft_post(suggestion, workspace.locale)
        replaces = payload.replaces
        if replaces is not None:
            old = await self._db.suggestions.get(suggestion_id=replaces)
            await self._remove_prompt(workspace, old)  # its prompt quoted the old text
            if old.tg_message_id is not None and await self._edit(
                workspace, old.tg_message_id, html_text, markup
            ):
                await self._db.suggestions.set_tg_message(
                    suggestion_id=suggestion.id, tg_message_id=old.tg_message_id
                )
                return {"message_id": old.tg_message_id, "edited": True}
        chat = await self._db.chats.get(chat_id=suggestion.chat_id)
        thread_id = await self._delivery.topic_for(workspace, chat)
        await self._delivery.spend(workspace)
        sent = await self._delivery.bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=thread_id,
            text=html_text,
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
        await self._db.suggestions.set_tg_message(
            suggestion_id=suggestion.id, tg_message_id=sent.message_id
        )
        return {"message_id": sent.message_id}

    async def status(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """The draft's final state (sent, dismissed, stale…): buttons go away."""
        payload = decode(item, DraftStatus)
        suggestion = await self._db.suggestions.get(suggestion_id=payload.suggestion_id)
        if suggestion.tg_message_id is None:
            return {"skipped": "never shown"}
        if await self._db.suggestions.has_successor(suggestion_id=suggestion.id):
            return {"skipped": "replaced by a newer version"}
        who = await self._who(suggestion.decided_by_agent_id)
        sent_text = None
        if suggestion.outcome == "edited":
            sent_text = await self._db.replies.text_of_suggestion(suggestion_id=suggestion.id)
        html_text, markup = draft_post(suggestion, workspace.locale, who=who, sent_text=sent_text)
        edited = await self._edit(workspace, suggestion.tg_message_id, html_text, markup)
        await self._remove_prompt(workspace, suggestion)
        return {"edited": edited}

    async def _remove_prompt(self, workspace: Workspace, suggestion: Suggestion) -> None:
        """The draft is decided (sent, edited, dismissed, out of date, regenerated): its
        "send me the corrected text" prompt has done its job, and goes (cosmetic)."""
        if suggestion.edit_prompt_message_id is None:
            return
        await enqueue(
            self._db,
            PromptRemoval(
                suggestion_id=suggestion.id, message_id=suggestion.edit_prompt_message_id
            ),
            workspace_id=workspace.id,
            chat_id=suggestion.chat_id,
            dedup_key=f"prompt_removal:{suggestion.id}",
        )
        self._delivery.kick()

    async def remove_prompt(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """Delete a used or cancelled edit prompt; one already gone is fine."""
        removal = decode(item, PromptRemoval)
        await self._delivery.spend(workspace)
        try:
            await self._delivery.bot.delete_message(
                chat_id=workspace.tg_chat_id, message_id=removal.message_id
            )
        except TelegramBadRequest as exc:
            if "not found" not in exc.message.lower() and "can't be deleted" not in (
                exc.message.lower()
            ):
                raise
            return {"skipped": "prompt gone"}
        return {"deleted": removal.message_id}

    async def edit_prompt(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """The draft as copyable text, with a reply field: the agent's reply is the edit."""
        prompt = decode(item, DraftEditPrompt)
        suggestion = await self._db.suggestions.get(suggestion_id=prompt.suggestion_id)
        if suggestion.outcome != "pending":
            return {"skipped": suggestion.outcome}  # decided meanwhile: nothing to edit
        chat = await self._db.chats.get(chat_id=suggestion.chat_id)
        thread_id = await self._delivery.topic_for(workspace, chat)
        body = text(
            "draft.edit_prompt",
            workspace.locale,
            who=prompt.who or "",
            draft=suggestion.text,
        )
        kwargs: dict[str, Any] = {}
        if suggestion.tg_message_id is not None:
            kwargs["reply_parameters"] = {
                "message_id": suggestion.tg_message_id,
                "allow_sending_without_reply": True,
            }
        await self._delivery.spend(workspace)
        sent = await self._delivery.bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=thread_id,
            text=body,
            reply_markup=ForceReply(
                force_reply=True,
                input_field_placeholder=text("draft.edit_placeholder", workspace.locale),
            ),
            **kwargs,
        )
        await self._db.suggestions.set_edit_prompt(
            suggestion_id=suggestion.id, message_id=sent.message_id
        )
        return {"message_id": sent.message_id}

    async def held_notice(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """Why an agent's reply is on hold, with Send as it is / Don't send."""
        held = await self._db.held_replies.get(held_id=decode(item, HeldNotice).held_id)
        chat = await self._db.chats.get(chat_id=held.chat_id)
        html_text, markup = held_notice(held, workspace.locale)
        await self._delivery.spend(workspace)
        sent = await self._delivery.bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=chat.topic_thread_id,
            text=html_text,
            reply_markup=markup,
            reply_parameters=ReplyParameters(
                message_id=held.tg_message_id, allow_sending_without_reply=True
            ),
        )
        return {"message_id": sent.message_id}

    async def held_status(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        status = decode(item, HeldStatus)
        held = await self._db.held_replies.get(held_id=status.held_id)
        html_text, markup = held_notice(held, workspace.locale, who=status.who or "")
        edited = await self._edit(workspace, status.message_id, html_text, markup)
        return {"edited": edited}

    async def ai_panel(self, workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        """The /ai panel in a group, posted or refreshed after a toggle."""
        request = decode(item, AiPanel)
        seller = await self._db.sellers.get(seller_id=request.seller_id)
        html_text, markup = panel(seller, workspace.locale)
        message_id = request.message_id
        if message_id is not None:
            return {"edited": await self._edit(workspace, message_id, html_text, markup)}
        await self._delivery.spend(workspace)
        sent = await self._delivery.bot.send_message(
            chat_id=workspace.tg_chat_id,
            message_thread_id=request.thread_id,
            text=html_text,
            reply_markup=markup,
        )
        return {"message_id": sent.message_id}

    async def _edit(
        self, workspace: Workspace, message_id: int, html_text: str, markup: Any
    ) -> bool:
        """One unit; False when the post is gone (deleted by someone)."""
        await self._delivery.spend(workspace)
        try:
            await self._delivery.bot.edit_message_text(
                chat_id=workspace.tg_chat_id,
                message_id=message_id,
                text=html_text,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except TelegramBadRequest as exc:
            message = exc.message.lower()
            if "not modified" in message:
                return True
            if any(mark in message for mark in _GONE):
                logger.info("workspace=%d: draft post %d gone", workspace.id, message_id)
                return False
            raise
        return True
