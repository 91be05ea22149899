"""Putting posts on the Telegram queue: typed payloads in, one wake-up of the worker.

:func:`enqueue` is for code that only has the database (inside a caller's transaction);
:class:`Outbox` is the object built once in :func:`bot.app.assemble` and handed to
handlers and features, which also wakes the worker so a post does not wait for its idle
tick.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from bot.outbox.kinds import Kind, Notice, Payload, encode, kind_of
from storage.database import Database
from storage.sql import Executor
from storage.tg_outbox_repo import (
    PRIORITY_AGENT_FEEDBACK,
    PRIORITY_BUYER_CONTENT,
    PRIORITY_COSMETIC,
    PRIORITY_DRAFT,
    PRIORITY_NOTICE,
)

#: Buttons under a notice: a typed keyboard, or its rows as the Bot API spells them (JSON).
Keyboard = InlineKeyboardMarkup | list[list[dict[str, str]]]

DEFAULT_PRIORITY: dict[Kind, int] = {
    Kind.BUYER_MESSAGE: PRIORITY_BUYER_CONTENT,
    Kind.CABINET_REPLY: PRIORITY_AGENT_FEEDBACK,
    Kind.NOTICE: PRIORITY_NOTICE,
    Kind.REACTION: PRIORITY_AGENT_FEEDBACK,
    Kind.DRAFT_POST: PRIORITY_DRAFT,
    Kind.DRAFT_STATUS: PRIORITY_COSMETIC,
    Kind.DRAFT_EDIT_PROMPT: PRIORITY_AGENT_FEEDBACK,
    Kind.HELD_NOTICE: PRIORITY_AGENT_FEEDBACK,
    Kind.HELD_STATUS: PRIORITY_COSMETIC,
    Kind.AI_PANEL: PRIORITY_AGENT_FEEDBACK,
    Kind.SLA_BOARD: PRIORITY_COSMETIC,
    Kind.SLA_STATS: PRIORITY_AGENT_FEEDBACK,
    Kind.SLA_QUEUE: PRIORITY_AGENT_FEEDBACK,
    Kind.REPLY_CHECK: PRIORITY_AGENT_FEEDBACK,
    Kind.TOPIC_RESOLVED: PRIORITY_AGENT_FEEDBACK,
    Kind.TAKE_BUTTON: PRIORITY_COSMETIC,
    Kind.PROMPT_REMOVAL: PRIORITY_COSMETIC,
}


async def enqueue(
    db: Database,
    payload: Payload,
    *,
    workspace_id: int,
    priority: int | None = None,
    chat_id: int | None = None,
    message_id: int | None = None,
    dedup_key: str | None = None,
    not_before: datetime | None = None,
    conn: Executor | None = None,
) -> int | None:
    """Queue one post; ``None`` when ``dedup_key`` is already queued (idempotent)."""
    kind = kind_of(payload)
    return await db.tg_outbox.enqueue(
        workspace_id=workspace_id,
        kind=kind,
        payload=encode(payload),
        priority=DEFAULT_PRIORITY[kind] if priority is None else priority,
        chat_id=chat_id,
        message_id=message_id,
        dedup_key=dedup_key,
        not_before=not_before,
        conn=conn,
    )


async def enqueue_notice(
    db: Database,
    *,
    workspace_id: int,
    text: str,
    key: str,
    chat_id: int | None = None,
    thread_id: int | None = None,
    reply_to: int | None = None,
    turn_id: int | None = None,
    priority: int = PRIORITY_AGENT_FEEDBACK,
    keyboard: Keyboard | None = None,
    conn: Executor | None = None,
) -> int | None:
    """The one way to queue a notice (HTML), once per ``key``: in the chat's topic when
    ``chat_id`` is given, else in ``thread_id``, else in General. Call ``kick`` after
    (or use :meth:`Outbox.notice`, which does). ``keyboard``: its buttons, rows of Bot API
    button objects."""
    rows = (
        keyboard.model_dump(exclude_none=True)["inline_keyboard"]
        if isinstance(keyboard, InlineKeyboardMarkup)
        else keyboard
    )
    return await enqueue(
        db,
        Notice(text=text, reply_to=reply_to, thread_id=thread_id, turn_id=turn_id, keyboard=rows),
        workspace_id=workspace_id,
        priority=priority,
        chat_id=chat_id,
        dedup_key=key,
        conn=conn,
    )


class Outbox:
    """The features' one door to Telegram."""

    def __init__(self, *, db: Database, kick: Callable[[], None]) -> None:
        self._db = db
        self._kick = kick

    def kick(self) -> None:
        """Rows were queued elsewhere (e.g. in a transaction just committed): look now."""
        self._kick()

    async def put(
        self,
        payload: Payload,
        *,
        workspace_id: int,
        priority: int | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
        dedup_key: str | None = None,
        conn: Executor | None = None,
    ) -> int | None:
        """Queue a post and wake the worker (inside ``conn`` the worker may look before the
        commit; it then finds the row at its next idle tick, a fraction of a second)."""
        item_id = await enqueue(
            self._db,
            payload,
            workspace_id=workspace_id,
            priority=priority,
            chat_id=chat_id,
            message_id=message_id,
            dedup_key=dedup_key,
            conn=conn,
        )
        self._kick()
        return item_id

    async def notice(
        self,
        *,
        workspace_id: int,
        text: str,
        key: str,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        turn_id: int | None = None,
        priority: int = PRIORITY_AGENT_FEEDBACK,
        keyboard: Keyboard | None = None,
        conn: Executor | None = None,
    ) -> int | None:
        """Tell people something (HTML), once per ``key``: in the chat's topic when
        ``chat_id`` is given, else in ``thread_id``, else in General (with ``keyboard``'s
        buttons, if any)."""
        item_id = await enqueue_notice(
            self._db,
            workspace_id=workspace_id,
            text=text,
            key=key,
            chat_id=chat_id,
            thread_id=thread_id,
            reply_to=reply_to,
            turn_id=turn_id,
            priority=priority,
            keyboard=keyboard,
            conn=conn,
        )
        self._kick()
        return item_id
