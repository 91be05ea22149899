"""What a message written in the group means: a reply to the buyer, or something to ignore.

Plain data in (:class:`IncomingMessage`, built by the thin handler), a decision out. Only
a human member's text, photo or document inside a topic that mirrors a buyer chat is a
reply; it is queued durably (the Telegram message is the idempotency key, so a repeated
update queues nothing twice) and sent to the marketplace by the reply worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.database import Database
from storage.errors import NotFound
from storage.records import Agent, Chat, ReplyItem, Workspace

OZON_TEXT_LIMIT = 1000


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
    is_service: bool = False


class Outcome(StrEnum):
    IGNORED = "ignored"  # not a reply (General, foreign thread, bot, service, command…)
    QUEUED = "queued"
    ALREADY_QUEUED = "already_queued"
    ANONYMOUS = "anonymous"  # ask the admin to turn anonymity off
    NOT_ALLOWED = "not_allowed"  # the member may not answer buyers
    TOO_LONG = "too_long"
    UNSUPPORTED = "unsupported"  # a sticker, voice note…: nothing Ozon can take


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    workspace: Workspace | None = None
    chat: Chat | None = None
    replies: tuple[ReplyItem, ...] = ()
    length: int = 0


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


async def accept_agent_message(db: Database, incoming: IncomingMessage) -> Decision:
    found = await mapped_topic(db, incoming)
    if found is None or (incoming.text or "").startswith("/"):
        return _IGNORED  # not in one of our topics, or a command (handled elsewhere)
    workspace, chat = found
    agent = await _authorised_agent(db, incoming, workspace)
    if isinstance(agent, Outcome):
        return Decision(agent, workspace, chat)
    body = (incoming.text or incoming.caption or "").strip()
    file_id = incoming.photo_file_id or incoming.document_file_id
    if not body and file_id is None:
        return Decision(Outcome.UNSUPPORTED, workspace, chat)
    if len(body) > OZON_TEXT_LIMIT:
        return Decision(Outcome.TOO_LONG, workspace, chat, length=len(body))
    return await _enqueue(db, incoming, workspace, chat, agent, body=body, file_id=file_id)


async def _authorised_agent(
    db: Database, incoming: IncomingMessage, workspace: Workspace
) -> Agent | Outcome:
    """The member who wrote, known from now on; or why their message cannot be a reply."""
    if incoming.sender_chat_id == incoming.tg_chat_id or incoming.sender_id is None:
        return Outcome.ANONYMOUS
    agent = await db.agents.upsert(
        tg_user_id=incoming.sender_id,
        display_name=incoming.sender_name,
        username=incoming.sender_username,
    )
    try:
        member = await db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id)
    except NotFound:
        member = await db.agents.set_member(
            workspace_id=workspace.id, agent_id=agent.id, role="agent", checked=False
        )
    return agent if member.can_reply else Outcome.NOT_ALLOWED


async def _enqueue(
    db: Database,
    incoming: IncomingMessage,
    workspace: Workspace,
    chat: Chat,
    agent: Agent,
    *,
    body: str,
    file_id: str | None,
) -> Decision:
    """Queue the file (if any) and the text; the Telegram message is the idempotency key."""
    key = f"tg:{incoming.tg_chat_id}:{incoming.message_id}"
    common = {
        "chat_id": chat.id,
        "origin": "agent",
        "agent_id": agent.id,
        "tg_chat_id": incoming.tg_chat_id,
        "tg_message_id": incoming.message_id,
    }
    queued: list[ReplyItem] = []
    created_any = False
    async with db.transaction() as conn:
        if file_id is not None:
            name = incoming.document_name or f"photo_{incoming.message_id}.jpg"
            item, created = await db.replies.enqueue(
                idempotency_key=f"{key}:file",
                kind="file",
                file={"tg_file_id": file_id, "name": name},
                conn=conn,
                **common,
            )
            queued.append(item)
            created_any |= created
        if body:
            item, created = await db.replies.enqueue(
                idempotency_key=key, kind="text", text=body, conn=conn, **common
            )
            queued.append(item)
            created_any |= created
    outcome = Outcome.QUEUED if created_any else Outcome.ALREADY_QUEUED
    return Decision(outcome, workspace, chat, tuple(queued))
