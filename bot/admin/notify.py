"""Posting a short bot message into a group: always through the durable tg_outbox queue,
so it shares the group's budget and survives restarts."""

from __future__ import annotations

from collections.abc import Callable

from bot.outbox.queue import enqueue_notice
from storage.database import Database
from storage.records import Workspace


async def post_in_group(
    db: Database,
    *,
    workspace: Workspace,
    html_text: str,
    key: str,
    kick: Callable[[], None],
    thread_id: int | None = None,
    reply_to: int | None = None,
    keyboard: list[list[dict[str, str]]] | None = None,
) -> None:
    """Queue ``html_text`` once per ``key``; no thread means General (or a plain group)."""
    await enqueue_notice(
        db,
        workspace_id=workspace.id,
        text=html_text,
        key=key,
        thread_id=thread_id,
        reply_to=reply_to,
        keyboard=keyboard,
    )
    kick()
