"""Making drafts: the model when there is one, templates otherwise, guardrails always.

:class:`DraftService` turns a settled buyer turn into one stored suggestion and queues its
post; it also makes the successor of a draft an agent asked to regenerate, and performs
due automatic sends. Everything it decides is written to PostgreSQL before anything is
shown, so a crash at any point repeats at most the model call, never a post or a send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.drafts.llm import LlmClient, LlmFailed
from bot.drafts.prompt import PromptContext, Turn, build_messages
from bot.drafts.templates import template_draft
from bot.guardrails.intents import (
    SAFE_INTENTS,
    Intent,
    buyer_language,
    detect,
    is_negative,
    raises_return,
)
from bot.guardrails.rules import Finding, blocking, check
from bot.outbox.kinds import DraftPost, DraftStatus
from bot.outbox.queue import enqueue
from bot.texts import text
from connectors.marketplace.rules import Rules
from storage.database import Database
from storage.records import BuyerTurn, Chat, Message, Seller, Suggestion
from storage.sql import Executor
from storage.tg_outbox_repo import PRIORITY_COSMETIC, PRIORITY_DRAFT

logger = logging.getLogger(__name__)

HISTORY_LIMIT = 20
EXAMPLES_LIMIT = 3


@dataclass(frozen=True, slots=True)
class Composed:
    """A draft before it is stored."""

    text: str
    source: str  # "llm" or "template"
    model: str = ""
    latency_ms: int = 0
    findings: list[Finding] = field(default_factory=list)
    fallback_reason: str | None = None


def auto_reply_allowed(
    *,
    enabled: bool,
    allowed_intents: Sequence[str],
    intent: Intent,
    buyer_text: str,
    findings: Sequence[Finding],
) -> bool:
    """Only safe intents the admin allowed, never anything negative, never with a finding."""
    return (
        enabled
        and intent in SAFE_INTENTS
        and intent.value in allowed_intents
        and not is_negative(buyer_text)
        and not findings
    )


def human_delay(draft: str, base_seconds: float) -> timedelta:
    """A person would take a moment, longer for a longer answer (up to twice the base)."""
    return timedelta(seconds=base_seconds * (1 + min(len(draft), 500) / 500))


class DraftService:
    def __init__(
        self,
        *,
        db: Database,
        llm: LlmClient | None,
        auto_reply_delay_seconds: float = 40.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_queued: Callable[[], None] = lambda: None,
        on_reply: Callable[[], None] = lambda: None,
        rules: Callable[[Seller], Rules] | None = None,
    ) -> None:
        self._db = db
        self._rules = rules
        self._llm = llm
        self._auto_delay = auto_reply_delay_seconds
        self._clock = clock
        self._on_queued = on_queued
        self._on_reply = on_reply

    # ------------------------------------------------------------------ composing

    def _marketplace_facts(self, seller: Seller) -> dict[str, Any]:
        """The marketplace's name and text limit for the prompt (its rules, when known)."""
        if self._rules is None:
            return {}
        rules = self._rules(seller)
        return {"marketplace": rules.display_name, "text_limit": rules.text_limit}

    async def compose(
        self,
        *,
        seller: Seller,
        chat: Chat,
        recent: Sequence[Message],
        buyer_text: str,
        previous: str | None = None,
    ) -> Composed:
        """The best draft we can make now: the model's (regenerated once if a blocking
        guardrail fires), else a template."""
        intent = detect(buyer_text)
        asked_return = any(
            raises_return(m.text) for m in recent if m.direction == "in"
        ) or raises_return(buyer_text)
        language = buyer_language(buyer_text)
        if self._llm is None:
            return self._template(intent, language, asked_return, reason="no_key")
        context = PromptContext(
            shop=seller.name,
            language=language,
            tone=seller.ai_tone,
            instructions=seller.ai_instructions,
            order_number=chat.order_number,
            posting_number=chat.posting_number,
            sku=chat.sku,
            product_title=chat.product_title,
            buyer_raised_return=asked_return,
            **self._marketplace_facts(seller),
        )
        conversation = [
            Turn(from_buyer=m.direction == "in", text=m.text) for m in recent if m.text.strip()
        ]
        examples = await self._examples(seller, buyer_text)
        notes = [n.text for n in await self._db.internal_notes.list_recent(chat_id=chat.id)]
        messages = build_messages(
            context, conversation, examples=examples, previous=previous, notes=notes
        )
        try:
            answer = await self._llm.complete(messages)
            findings = check(
                answer.text, buyer_raised_return=asked_return, marketplace=seller.marketplace
            )
            latency = answer.latency_ms
            if blocking(findings):
                retry = build_messages(
                    context,
                    conversation,
                    examples=examples,
                    notes=notes,
                    previous=answer.text,
                    problems=[text(f"guard.{f.rule.value}", "en") for f in blocking(findings)],
                )
                answer = await self._llm.complete(retry)
                findings = check(
                    answer.text, buyer_raised_return=asked_return, marketplace=seller.marketplace
                )
                latency += answer.latency_ms
        except LlmFailed as exc:
            logger.info("chat=%d: model unavailable (%s), template used", chat.id, exc.reason)
            return self._template(intent, language, asked_return, reason=exc.reason)
        return Composed(answer.text, "llm", answer.model, latency, findings)

    def _template(
        self, intent: Intent, language: str, asked_return: bool, *, reason: str
    ) -> Composed:
        draft = template_draft(intent, language)
        return Composed(
            draft,
            "template",
            findings=check(draft, buyer_raised_return=asked_return),
            fallback_reason=reason,
        )

    async def _examples(self, seller: Seller, buyer_text: str) -> list[str]:
        """The seller's own past answers to similar questions (full-text search)."""
        if not buyer_text.strip():
            return []
        found = await self._db.messages.search_answers(
            seller_id=seller.id, query=buyer_text, limit=EXAMPLES_LIMIT
        )
        return [m.text for m in found if m.text.strip()]

    # ------------------------------------------------------------------ turns

    async def draft_for_turn(self, turn: BuyerTurn) -> Suggestion | None:
        """The one draft of this turn's current burst; None if it exists already."""
        chat = await self._db.chats.get(chat_id=turn.chat_id)
        seller = await self._db.sellers.get(seller_id=chat.seller_id)
        recent = await self._db.messages.list_recent(chat_id=chat.id, limit=HISTORY_LIMIT)
        buyer_text = _buyer_text(recent, turn.id)
        composed = await self.compose(
            seller=seller, chat=chat, recent=recent, buyer_text=buyer_text
        )
        intent = detect(buyer_text)
        auto = auto_reply_allowed(
            enabled=seller.auto_reply_enabled,
            allowed_intents=seller.auto_reply_intents,
            intent=intent,
            buyer_text=buyer_text,
            findings=composed.findings,
        )
        now = self._clock()
        async with self._db.transaction() as conn:
            current = await self._db.turns.get_open(chat_id=chat.id, conn=conn)
            if current is None or current.id != turn.id:
                return None  # answered while the model was thinking
            suggestion = await self._db.suggestions.create_draft(
                chat_id=chat.id,
                turn_id=turn.id,
                buyer_message_count=current.buyer_message_count,
                text=composed.text,
                source=composed.source,
                model=composed.model,
                intent=intent.value,
                latency_ms=composed.latency_ms,
                guardrail_findings=[f.as_dict() for f in composed.findings],
                auto_send_at=now + human_delay(composed.text, self._auto_delay) if auto else None,
                fallback_reason=composed.fallback_reason,
                conn=conn,
            )
            if suggestion is None:
                return None
            if not auto:  # an automatic answer is shown once it is sent
                await self._queue_post(suggestion, seller, conn=conn)
        self._on_queued()
        logger.info(
            "chat=%d turn=%d: draft %d (%s, %d ms%s)",
            chat.id,
            turn.id,
            suggestion.id,
            composed.source,
            composed.latency_ms,
            ", auto" if auto else "",
        )
        return suggestion

    async def regenerate(self, old: Suggestion) -> Suggestion | None:
        """The successor of a draft an agent asked to regenerate, shown in the same post."""
        turn_id, count = old.turn_id, old.buyer_message_count
        if turn_id is None or count is None:
            return None  # not a draft of a turn (none are made without one)
        chat = await self._db.chats.get(chat_id=old.chat_id)
        seller = await self._db.sellers.get(seller_id=chat.seller_id)
        recent = await self._db.messages.list_recent(chat_id=chat.id, limit=HISTORY_LIMIT)
        buyer_text = _buyer_text(recent, old.turn_id)
        composed = await self.compose(
            seller=seller, chat=chat, recent=recent, buyer_text=buyer_text, previous=old.text
        )
        async with self._db.transaction() as conn:
            suggestion = await self._db.suggestions.create_draft(
                chat_id=chat.id,
                turn_id=turn_id,
                buyer_message_count=count,
                text=composed.text,
                source=composed.source,
                model=composed.model,
                intent=old.intent,
                latency_ms=composed.latency_ms,
                guardrail_findings=[f.as_dict() for f in composed.findings],
                regenerated_from=old.id,
                fallback_reason=composed.fallback_reason,
                conn=conn,
            )
            if suggestion is None:
                return None
            await self._queue_post(suggestion, seller, replaces=old, conn=conn)
        self._on_queued()
        return suggestion

    async def _queue_post(
        self,
        suggestion: Suggestion,
        seller: Seller,
        *,
        replaces: Suggestion | None = None,
        conn: Executor | None = None,
    ) -> None:
        await enqueue(
            self._db,
            DraftPost(
                suggestion_id=suggestion.id,
                replaces=replaces.id if replaces is not None else None,
            ),
            workspace_id=seller.workspace_id,
            priority=PRIORITY_DRAFT,
            chat_id=suggestion.chat_id,
            dedup_key=f"draft:{suggestion.id}",
            conn=conn,
        )

    # ------------------------------------------------------------------ automatic sends

    async def auto_send(self, suggestion: Suggestion) -> bool:
        """Send a due automatic answer if its burst is still current; True when sent."""
        now = self._clock()
        chat = await self._db.chats.get(chat_id=suggestion.chat_id)
        seller = await self._db.sellers.get(seller_id=chat.seller_id)
        shown = False
        async with self._db.transaction() as conn:
            turn = await self._db.turns.get_open(chat_id=chat.id, conn=conn)
            fresh = (
                turn is not None
                and turn.id == suggestion.turn_id
                and turn.buyer_message_count == suggestion.buyer_message_count
            )
            allowed = seller.auto_reply_enabled and suggestion.intent in seller.auto_reply_intents
            if fresh and not allowed:
                # Auto-reply was turned off while it waited: the turn still needs an answer,
                # so the agents get the draft with its buttons instead of nothing.
                shown = await self._db.suggestions.cancel_auto(
                    suggestion_id=suggestion.id, conn=conn
                )
                if shown:
                    await self._queue_post(suggestion, seller, conn=conn)
            else:
                outcome = "auto_sent" if fresh else "ignored"
                if not await self._db.suggestions.decide(
                    suggestion_id=suggestion.id, outcome=outcome, at=now, conn=conn
                ):
                    return False
                if not fresh:
                    return False
                await self._db.replies.enqueue(
                    chat_id=chat.id,
                    idempotency_key=f"draft:{suggestion.id}",
                    origin="auto",
                    suggestion_id=suggestion.id,
                    text=suggestion.text,
                    conn=conn,
                )
                await self._queue_post(suggestion, seller, conn=conn)
        if shown:
            self._on_queued()
        if not allowed:
            return False
        self._on_reply()
        self._on_queued()
        logger.info("chat=%d: auto-reply %d queued", chat.id, suggestion.id)
        return True

    async def retire_stale(self, now: datetime) -> int:
        """Drafts the conversation moved past (a newer burst, or the turn answered another
        way) are marked out of date, and each shown one is edited to say so without its
        buttons (a cosmetic edit, later): a stale draft must not look sendable."""
        async with self._db.transaction() as conn:
            stale = await self._db.suggestions.ignore_stale(at=now, conn=conn)
            for suggestion in stale:
                chat = await self._db.chats.get(chat_id=suggestion.chat_id, conn=conn)
                if suggestion.tg_message_id is not None and chat.topic_workspace_id is not None:
                    await self.queue_status(suggestion, chat.topic_workspace_id, conn=conn)
        return len(stale)

    async def queue_status(
        self, suggestion: Suggestion, workspace_id: int, *, conn: Executor | None = None
    ) -> None:
        """Bring the draft's post up to date (buttons off) later, at cosmetic priority."""
        await enqueue(
            self._db,
            DraftStatus(suggestion_id=suggestion.id),
            workspace_id=workspace_id,
            priority=PRIORITY_COSMETIC,
            chat_id=suggestion.chat_id,
            dedup_key=f"draft_status:{suggestion.id}",
            conn=conn,
        )
        self._on_queued()


def _buyer_text(recent: Sequence[Message], turn_id: int | None) -> str:
    """The buyer's words of this turn (the burst the draft answers)."""
    mine = [m.text for m in recent if m.turn_id == turn_id and m.direction == "in" and m.text]
    if mine:
        return "\n".join(mine)
    return next((m.text for m in reversed(recent) if m.direction == "in" and m.text), "")
