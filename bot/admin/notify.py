"""Posting a short bot message into a group: always through the durable tg_outbox queue,
so it shares the group's budget and survives restarts."""

from __future__ import annotations

from collections.abc import Callable

from bot.outbox.kinds import Notice
from bot.outbox.queue import enqueue
from storage.database import Database
from storage.records import Workspace
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK


async def post_in_group(
    db: Database,
    *,
    workspace: Workspace,
    html_text: str,
    key: str,
    kick: Callable[[], None],
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> None:
    """Queue ``html_text`` once per ``key``; no thread means General (or a plain group)."""
    await enqueue(
        db,
        Notice(text=html_text, thread_id=thread_id, reply_to=reply_to),
        workspace_id=workspace.id,
        priority=PRIORITY_AGENT_FEEDBACK,
        dedup_key=key,
    )
    kick()
