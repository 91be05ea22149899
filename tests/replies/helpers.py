"""Shared steps of the full-process reply-spine tests (test_order_and_once.py): the agent's
messages, the row a restarted bot finds queued, and the receipt in the topic."""

from __future__ import annotations

import base64
from typing import Any

from storage.records import ReplyItem
from tests.support.world import World, wait_until

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)
PDF = b"%PDF-1.4\n% a small invoice\n" + b"0" * 2048
DOC_NAME = "invoice.pdf"


def agent_writes(world: World, thread: int, kind: str, text: str = "") -> dict[str, Any]:
    """The agent posts a text, a photo or a document (``kind``) into the topic."""
    if kind == "text":
        return world.tg.user_sends(world.agent_id, world.group_id, text, thread_id=thread)
    if kind == "image":
        return world.tg.user_sends(world.agent_id, world.group_id, photo=PNG, thread_id=thread)
    return world.tg.user_sends(
        world.agent_id, world.group_id, document=(DOC_NAME, PDF), thread_id=thread
    )


def file_of(message: dict[str, Any]) -> dict[str, Any] | None:
    """The ``reply_outbox.file`` the topic handler would queue for this message."""
    if "photo" in message:
        return {
            "tg_file_id": message["photo"][-1]["file_id"],
            "name": f"photo_{message['message_id']}.jpg",
        }
    if "document" in message:
        document = message["document"]
        return {"tg_file_id": document["file_id"], "name": document["file_name"]}
    return None


async def queue_as_the_bot_would(world: World, chat_id: str, message: dict[str, Any]) -> ReplyItem:
    """The row the topic handler queues for the agent's message (same idempotency key), so
    the restarted bot, receiving the update again, adds nothing."""
    chat = await world.chat(chat_id)
    key = f"tg:{world.group_id}:{message['message_id']}"
    file = file_of(message)
    common: dict[str, Any] = {
        "chat_id": chat.id,
        "origin": "agent",
        "agent_id": None,
        "tg_chat_id": world.group_id,
        "tg_message_id": message["message_id"],
    }
    if file is not None:
        item, _ = await world.db.replies.enqueue(
            idempotency_key=f"{key}:file", kind="file", file=file, **common
        )
    else:
        item, _ = await world.db.replies.enqueue(
            idempotency_key=key, kind="text", text=message["text"], **common
        )
    return item


async def receipt(world: World, message_id: int, seconds: float = 15.0) -> None:
    async def reacted() -> bool:
        return world.tg.reactions(world.group_id, message_id) == ["👍"]

    await wait_until(reacted, seconds)
