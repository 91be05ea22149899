"""Resolving chats (/done, the notice's button, idle close) one step at a time, in a handler
world (tests.support.handlers).

The recorded session has no default answer for the topic calls a resolve makes
(editForumTopic, closeForumTopic); :func:`topic_calls_answer` gives each one ``True`` so
the Bot API check still validates them. :func:`units` reads the group's spent units from
the shared budget in the database (``tg_budget``), as the outbox spent them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.methods import (
    CloseForumTopic,
    EditForumTopic,
    ReopenForumTopic,
    SendMessage,
    TelegramMethod,
)

from storage.database import Database
from storage.records import Chat, Seller, Workspace
from tests.support.handlers import GROUP_ID, HandlerWorld, Person

TOPIC_CALLS = (EditForumTopic, CloseForumTopic, ReopenForumTopic)


def topic_calls_answer(hw: HandlerWorld, count: int = 4) -> None:
    """The next ``count`` editForumTopic and closeForumTopic calls each answer ``True``."""
    for _ in range(count):
        hw.session.add_result_for(EditForumTopic, True)
        hw.session.add_result_for(CloseForumTopic, True)


def topic_calls(requests: list[TelegramMethod[Any]]) -> list[TelegramMethod[Any]]:
    """The forum-topic calls among ``requests``, in order."""
    return [r for r in requests if isinstance(r, TOPIC_CALLS)]


async def units(db: Database, tg_chat_id: int = GROUP_ID) -> int:
    """Units of the group's budget spent so far (inside the current minute's window)."""
    value = await db.pool.fetchval(
        "SELECT coalesce(cardinality(spent), 0) FROM tg_budget WHERE scope = $1", tg_chat_id
    )
    return int(value or 0)


async def waiting_topic(
    hw: HandlerWorld,
    workspace: Workspace,
    seller: Seller,
    order: str,
    *,
    thread: int,
    started: datetime | None = None,
) -> Chat:
    """A buyer chat with its topic (named ``order``) and one open turn, waiting."""
    started = started or datetime.now(UTC)
    chat, _ = await hw.db.chats.upsert(seller_id=seller.id, external_id=order, order_number=order)
    await hw.db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace.id, thread_id=thread, name=order
    )
    deadline = started + timedelta(hours=1)
    await hw.db.turns.open_or_extend(
        chat_id=chat.id, at=started, kind="first", priority="normal",
        deadline=deadline, hard_deadline=started + timedelta(hours=4),
    )  # fmt: skip
    await hw.db.chats.set_sla(
        chat_id=chat.id, priority="normal", waiting_since=started, sla_deadline=deadline,
        reply_window_ends_at=started + timedelta(hours=48), unanswered_count=1,
    )  # fmt: skip
    return await hw.db.chats.get(chat_id=chat.id)


async def done_in_topic(
    hw: HandlerWorld, person: Person, thread: int
) -> list[TelegramMethod[Any]]:
    """``person`` types /done in topic ``thread``; then the outbox runs. Returns every
    request made (the command's own and the outbox's)."""
    asked = hw.message(person, "/done", GROUP_ID, message_thread_id=thread, is_topic_message=True)
    requests = await hw.feed("message", asked)
    return requests + await hw.deliver()


def posts_in(requests: list[TelegramMethod[Any]], thread: int | None) -> list[str]:
    """Texts the bot posted in topic ``thread`` (None: General) among ``requests``."""
    return [
        r.text
        for r in requests
        if isinstance(r, SendMessage) and r.chat_id == GROUP_ID and r.message_thread_id == thread
    ]
