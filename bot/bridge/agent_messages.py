"""What a message written in the group means: a reply to the buyer, or something to ignore.

Plain data in (:class:`IncomingMessage`, built by the thin handler), a decision out. Only
a human member's text, photo or document inside a topic that mirrors a buyer chat is a
reply; it is queued durably (the Telegram message is the idempotency key, so a repeated
update queues nothing twice) and sent to the marketplace by the reply worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypedDict

from bot.access import AccessControl, Answerer, Refusal, Role
from bot.bridge.notes import NOTE_EMOJI, note_text
from bot.guardrails.intents import raises_return
from bot.guardrails.rules import Finding, blocking, check
from bot.outbox.kinds import DraftStatus, HeldNotice, Reaction
from bot.outbox.queue import enqueue
from bot.template_variables import chat_values, fill
from connectors.marketplace.rules import Rules
from storage.database import Database
from storage.errors import NotFound
from storage.records import Agent, Chat, HeldReply, ReplyItem, Seller, Suggestion, Workspace
from storage.sql import Executor
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK, PRIORITY_COSMETIC

OZON_TEXT_LIMIT = 1000
#: A marketplace's rules by its code: its text limit, name and product pages (templates).
RulesOf = Callable[[str], Rules]


class _QueuedFor(TypedDict):
    """What every row of one agent message shares (its text and its file are two rows)."""

    chat_id: int
    origin: str
    agent_id: int | None
    suggestion_id: int | None
    tg_chat_id: int | None
    tg_message_id: int | None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    tg_chat_id: int
    message_id: int
    thread_id: int | None
    is_topic_message: bool
    sender_id: int | None
    sender_is_bot: bool
    sender_name: str
    sender_username: str | None
    sender_chat_id: int | None  # set when an anonymous admin writes as the group
    text: str | None = None
    caption: str | None = None
    photo_file_id: str | None = None
    document_file_id: str | None = None
    document_name: str | None = None
    file_size: int | None = None  # bytes, as Telegram reports the photo or document
    is_service: bool = False
    reply_to_message_id: int | None = None  # the message this one replies to, if any
    reply_to_human: bool = False  # …and it was written by a person, not by the bot


class Outcome(StrEnum):
    IGNORED = "ignored"  # not a reply (General, foreign thread, bot, service, command…)
    QUEUED = "queued"
    ALREADY_QUEUED = "already_queued"
    ANONYMOUS = "anonymous"  # ask the admin to turn anonymity off
    NOT_ALLOWED = "not_allowed"  # the member may not answer buyers
    NOT_MEMBER = "not_member"  # Telegram says the sender is not in the group
    RESTRICTED = "restricted"  # muted in the group: Telegram does not let them write
    TOO_LONG = "too_long"
    UNSUPPORTED = "unsupported"  # a sticker, voice note…: nothing Ozon can take
    BLOCKED = "blocked"  # a blocking guardrail fired (contacts, links): never sent
    HELD = "held"  # a warning guardrail fired: waits for the agent's confirmation
    SELLER_REMOVED = "seller_removed"  # the topic is an archive of a disconnected shop
    NOTE = "note"  # an internal note for colleagues: stored, marked, never relayed
    MISSING_VALUE = "missing_value"  # a template variable this chat has no value for


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    workspace: Workspace | None = None
    chat: Chat | None = None
    replies: tuple[ReplyItem, ...] = ()
    length: int = 0
    findings: tuple[Finding, ...] = ()
    held: HeldReply | None = None
    missing: tuple[str, ...] = ()  # variable codes with no value (MISSING_VALUE)


_IGNORED = Decision(Outcome.IGNORED)


async def _topic_chat(db: Database, incoming: IncomingMessage) -> tuple[Workspace, Chat] | None:
    if not incoming.is_topic_message or incoming.thread_id is None:
        return None  # General, or a reply thread inside General: never a buyer chat
    try:
        workspace = await db.workspaces.get_by_chat(tg_chat_id=incoming.tg_chat_id)
        chat = await db.chats.get_by_topic(workspace_id=workspace.id, thread_id=incoming.thread_id)
    except NotFound:
        return None
    return workspace, chat


async def mapped_topic(db: Database, incoming: IncomingMessage) -> tuple[Workspace, Chat] | None:
    """The workspace and buyer chat of a human's message in one of our topics, else None.

    An anonymous admin's message comes ``from`` Telegram's GroupAnonymousBot with the group
    as ``sender_chat``: a human after all, so it is not dropped as a bot's.
    """
    anonymous_admin = incoming.sender_chat_id == incoming.tg_chat_id
    if (incoming.sender_is_bot and not anonymous_admin) or incoming.is_service:
        return None
    return await _topic_chat(db, incoming)


async def accept_agent_message(
    db: Database, access: AccessControl, incoming: IncomingMessage, rules: RulesOf | None = None
) -> Decision:
    found = await mapped_topic(db, incoming)
    if found is None:
        return _IGNORED  # not in one of our topics
    workspace, chat = found
    note = note_text(
        body=incoming.text or incoming.caption or "", reply_to_human=incoming.reply_to_human
    )
    if note is not None:
        return await _keep_note(db, access, incoming, workspace=workspace, chat=chat, note=note)
    return await _accept_reply(db, access, incoming, workspace, chat, rules=rules)


class AgentMessages:
    """The decisions above, built once (:func:`bot.app.assemble`) with the database and the
    access rules, so the topics handler passes plain data and gets a decision back."""

    def __init__(
        self, *, db: Database, access: AccessControl, rules: RulesOf | None = None
    ) -> None:
        self._db = db
        self._access = access
        self._rules = rules

    async def accept(self, incoming: IncomingMessage) -> Decision:
        """:func:`accept_agent_message`: queue, hold, keep as a note, or refuse it."""
        return await accept_agent_message(self._db, self._access, incoming, self._rules)

    async def topic_of(self, incoming: IncomingMessage) -> tuple[Workspace, Chat] | None:
        """:func:`mapped_topic`: the workspace and buyer chat a human wrote in, else None."""
        return await mapped_topic(self._db, incoming)


async def _accept_reply(
    db: Database,
    access: AccessControl,
    incoming: IncomingMessage,
    workspace: Workspace,
    chat: Chat,
    *,
    rules: RulesOf | None,
) -> Decision:
    if (incoming.text or "").startswith("/"):
        return _IGNORED  # a command (handled elsewhere)
    agent = await _authorised_agent(access, incoming, workspace)
    if isinstance(agent, Outcome):
        return Decision(agent, workspace, chat)
    seller = await db.sellers.get(seller_id=chat.seller_id)
    if seller.state == "removed":
        return Decision(Outcome.SELLER_REMOVED, workspace, chat)
    body = (incoming.text or incoming.caption or "").strip()
    file_id = incoming.photo_file_id or incoming.document_file_id
    if not body and file_id is None:
        return Decision(Outcome.UNSUPPORTED, workspace, chat)
    if len(body) > OZON_TEXT_LIMIT:
        return Decision(Outcome.TOO_LONG, workspace, chat, length=len(body))
    return await _fill_and_screen(
        db, incoming, workspace, chat, agent, seller=seller, rules=rules, body=body,
        file_id=file_id,
    )  # fmt: skip


async def _fill_and_screen(
    db: Database,
    incoming: IncomingMessage,
    workspace: Workspace,
    chat: Chat,
    agent: Agent,
    *,
    seller: Seller,
    rules: RulesOf | None,
    body: str,
    file_id: str | None,
) -> Decision:
    """Fill a template's variables now, before the guardrails and the length check, so
    both judge the very text the buyer will get and the queued row holds it (the reply
    worker sends and verifies that text; the receipt quotes it). Inline mode cannot tell
    which chat a template is inserted in, so this is the first moment the values are
    known; a variable the chat has no value for refuses the reply rather than send a raw
    placeholder."""
    market = rules(seller.marketplace) if rules is not None else None
    filled = fill(body, chat_values(chat, seller, market))
    if filled.missing:
        return Decision(Outcome.MISSING_VALUE, workspace, chat, missing=filled.missing)
    limit = min(market.text_limit, OZON_TEXT_LIMIT) if market else OZON_TEXT_LIMIT
    if filled.changed and len(filled.text) > limit:
        return Decision(Outcome.TOO_LONG, workspace, chat, length=len(filled.text))
    return await _screen(
        db, incoming, workspace, chat, agent, body=filled.text, file_id=file_id,
        filled=filled.changed, marketplace=seller.marketplace,
    )  # fmt: skip


async def _keep_note(
    db: Database,
    access: AccessControl,
    incoming: IncomingMessage,
    *,
    workspace: Workspace,
    chat: Chat,
    note: str,
) -> Decision:
    """Store the note with the chat and mark it (one transaction, once per message); it is
    never queued for the buyer, so it neither reaches them nor closes their turn."""
    if incoming.sender_id is None or incoming.sender_chat_id == incoming.tg_chat_id:
        agent_id = None  # an anonymous admin: a colleague, but nobody to name
    else:
        role = await access.role(
            tg_user_id=incoming.sender_id,
            workspace=workspace,
            display_name=incoming.sender_name,
            username=incoming.sender_username,
        )
        if role is Role.NONE:
            return Decision(Outcome.NOT_MEMBER, workspace, chat)
        agent_id = (await db.agents.get_by_tg_user(tg_user_id=incoming.sender_id)).id
    async with db.transaction() as conn:
        created = await db.internal_notes.add(
            chat_id=chat.id,
            agent_id=agent_id,
            tg_chat_id=incoming.tg_chat_id,
            tg_message_id=incoming.message_id,
            text=note,
            conn=conn,
        )
        if created:
            await enqueue(
                db,
                Reaction(message_id=incoming.message_id, emoji=NOTE_EMOJI),
                workspace_id=workspace.id,
                priority=PRIORITY_COSMETIC,
                dedup_key=f"note:{incoming.tg_chat_id}:{incoming.message_id}",
                conn=conn,
            )
    return Decision(Outcome.NOTE, workspace, chat)


async def _screen(
    db: Database,
    incoming: IncomingMessage,
    workspace: Workspace,
    chat: Chat,
    agent: Agent,
    *,
    body: str,
    file_id: str | None,
    filled: bool = False,
    marketplace: str = "ozon",
) -> Decision:
    """Guardrails before the marketplace sees the reply: block contacts and links (its own
    site's excepted), hold warnings."""
    raised = await _return_raised(db, chat) if body else False
    findings = check(body, buyer_raised_return=raised, marketplace=marketplace) if body else []
    if blocking(findings):
        return Decision(Outcome.BLOCKED, workspace, chat, findings=tuple(blocking(findings)))
    draft = await _edited_draft(db, incoming, chat)
    if findings:
        return await _hold(
            db,
            incoming,
            workspace,
            chat,
            agent,
            body=body,
            file_id=file_id,
            findings=findings,
            draft=draft,
            filled=filled,
        )
    return await _enqueue(
        db, incoming, workspace, chat, agent, body=body, file_id=file_id, draft=draft,
        filled=filled,
    )  # fmt: skip


async def _return_raised(db: Database, chat: Chat) -> bool:
    """Offering a return is fine when the buyer brought it up in the recent conversation."""
    recent = await db.messages.list_recent(chat_id=chat.id, limit=20)
    return any(raises_return(m.text) for m in recent if m.direction == "in")


async def _edited_draft(db: Database, incoming: IncomingMessage, chat: Chat) -> Suggestion | None:
    """The draft this message answers, when the agent replied to a draft or its Edit prompt."""
    if incoming.reply_to_message_id is None:
        return None
    return await db.suggestions.find_by_message(
        chat_id=chat.id, tg_message_id=incoming.reply_to_message_id
    )


def _file_of(incoming: IncomingMessage, file_id: str) -> dict[str, Any]:
    """The queued file: its Telegram id, the name the buyer will see, and its size when
    Telegram told it (a file over the bot download limit then fails before any try)."""
    file: dict[str, Any] = {
        "tg_file_id": file_id,
        "name": incoming.document_name or f"photo_{incoming.message_id}.jpg",
    }
    if incoming.file_size is not None:
        file["size"] = incoming.file_size
    return file


async def _hold(
    db: Database,
    incoming: IncomingMessage,
    workspace: Workspace,
    chat: Chat,
    agent: Agent,
    *,
    body: str,
    file_id: str | None,
    findings: list[Finding],
    draft: Suggestion | None,
    filled: bool = False,
) -> Decision:
    """Keep the reply until its author confirms it; the notice with the buttons is queued in
    the same transaction, so a held reply is never left without a way to release it."""
    file = _file_of(incoming, file_id) if file_id is not None else None
    async with db.transaction() as conn:
        held, created = await db.held_replies.hold(
            workspace_id=workspace.id,
            chat_id=chat.id,
            agent_id=agent.id,
            tg_chat_id=incoming.tg_chat_id,
            tg_message_id=incoming.message_id,
            text=body,
            file=file,
            findings=[f.as_dict() for f in findings],
            suggestion_id=draft.id if draft is not None else None,
            filled=filled,
            conn=conn,
        )
        if created:
            await enqueue(
                db,
                HeldNotice(held_id=held.id),
                workspace_id=workspace.id,
                priority=PRIORITY_AGENT_FEEDBACK,
                chat_id=chat.id,
                dedup_key=f"held:{held.id}",
                conn=conn,
            )
    outcome = Outcome.HELD if created else Outcome.ALREADY_QUEUED
    return Decision(outcome, workspace, chat, findings=tuple(findings), held=held)


async def release_held(db: Database, held: HeldReply, *, conn: Executor) -> None:
    """The agent confirmed a held reply: queue it exactly as it would have been."""
    key = f"tg:{held.tg_chat_id}:{held.tg_message_id}"
    origin, suggestion_id = await _draft_origin(
        db, held.suggestion_id, agent_id=held.agent_id, workspace_id=held.workspace_id, conn=conn
    )
    common: _QueuedFor = {
        "chat_id": held.chat_id,
        "origin": origin,
        "agent_id": held.agent_id,
        "suggestion_id": suggestion_id,
        "tg_chat_id": held.tg_chat_id,
        "tg_message_id": held.tg_message_id,
    }
    if held.file is not None:
        await db.replies.enqueue(
            idempotency_key=f"{key}:file", kind="file", file=held.file, conn=conn, **common
        )
    if held.text:
        await db.replies.enqueue(
            idempotency_key=key,
            kind="text",
            text=held.text,
            filled=held.filled,
            conn=conn,
            **common,
        )


async def _draft_origin(
    db: Database, suggestion_id: int | None, *, agent_id: int, workspace_id: int, conn: Executor
) -> tuple[str, int | None]:
    """A reply to a pending draft is its edited version (outcome ``edited``); the draft's
    post then loses its buttons (a cosmetic edit, later)."""
    if suggestion_id is None:
        return "agent", None
    edited = await db.suggestions.decide(
        suggestion_id=suggestion_id,
        outcome="edited",
        at=datetime.now(UTC),
        agent_id=agent_id,
        conn=conn,
    )
    if not edited:
        return "agent", None
    await enqueue(
        db,
        DraftStatus(suggestion_id=suggestion_id),
        workspace_id=workspace_id,
        priority=PRIORITY_COSMETIC,
        dedup_key=f"draft_status:{suggestion_id}",
        conn=conn,
    )
    return "draft", suggestion_id


_REFUSED = {
    Refusal.NOT_MEMBER: Outcome.NOT_MEMBER,
    Refusal.NOT_ALLOWED: Outcome.NOT_ALLOWED,
    Refusal.RESTRICTED: Outcome.RESTRICTED,
}


async def _authorised_agent(
    access: AccessControl, incoming: IncomingMessage, workspace: Workspace
) -> Agent | Outcome:
    """The member who wrote, if the one rule lets them answer; else why not."""
    if incoming.sender_chat_id == incoming.tg_chat_id or incoming.sender_id is None:
        return Outcome.ANONYMOUS
    decided = await access.answerer(
        tg_user_id=incoming.sender_id,
        workspace=workspace,
        display_name=incoming.sender_name,
        username=incoming.sender_username,
    )
    if isinstance(decided, Answerer):
        return decided.agent
    return _REFUSED[decided]


async def _enqueue(
    db: Database,
    incoming: IncomingMessage,
    workspace: Workspace,
    chat: Chat,
    agent: Agent,
    *,
    body: str,
    file_id: str | None,
    draft: Suggestion | None = None,
    filled: bool = False,
) -> Decision:
    """Queue the file (if any) and the text; the Telegram message is the idempotency key."""
    key = f"tg:{incoming.tg_chat_id}:{incoming.message_id}"
    queued: list[ReplyItem] = []
    created_any = False
    async with db.transaction() as conn:
        origin, suggestion_id = await _draft_origin(
            db,
            draft.id if draft is not None else None,
            agent_id=agent.id,
            workspace_id=workspace.id,
            conn=conn,
        )
        common: _QueuedFor = {
            "chat_id": chat.id,
            "origin": origin,
            "agent_id": agent.id,
            "suggestion_id": suggestion_id,
            "tg_chat_id": incoming.tg_chat_id,
            "tg_message_id": incoming.message_id,
        }
        if file_id is not None:
            item, created = await db.replies.enqueue(
                idempotency_key=f"{key}:file",
                kind="file",
                file=_file_of(incoming, file_id),
                conn=conn,
                **common,
            )
            queued.append(item)
            created_any |= created
        if body:
            item, created = await db.replies.enqueue(
                idempotency_key=key, kind="text", text=body, filled=filled, conn=conn, **common
            )
            queued.append(item)
            created_any |= created
    outcome = Outcome.QUEUED if created_any else Outcome.ALREADY_QUEUED
    return Decision(outcome, workspace, chat, tuple(queued))
