"""Shared steps of the reply-spine tests: a crash that leaves a row in flight, the agent's
messages, and what Ozon and the topic show afterwards."""

from __future__ import annotations

import base64
from typing import Any

from storage.records import ReplyItem
from tests.support.texts import TextMatch, has
from tests.support.world import CLIENT_ID, World, wait_until

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


def ozon_got(world: World, item: ReplyItem, chat_id: str) -> str:
    """What a crashed attempt left at Ozon: the reply, stored as the API stores it."""
    if item.kind == "text":
        return world.ozon.state.send_message(CLIENT_ID, chat_id, item.text)
    assert item.file is not None
    content = PNG if item.file["name"].endswith(".jpg") else PDF
    return world.ozon.state.send_file(CLIENT_ID, chat_id, item.file["name"], content)


def sends_of(world: World, item: ReplyItem) -> int:
    """How many times Ozon received this reply (text by text, file by name)."""
    records = world.sent_to_ozon()
    if item.kind == "text":
        return sum(1 for r in records if r.kind == "text" and r.text == item.text)
    assert item.file is not None
    return sum(1 for r in records if r.kind == "file" and r.file_name == item.file["name"])


async def receipt(world: World, message_id: int, seconds: float = 15.0) -> None:
    async def reacted() -> bool:
        return world.tg.reactions(world.group_id, message_id) == ["👍"]

    await wait_until(reacted, seconds)


async def status_of(world: World, item_id: int) -> str:
    return (await world.db.replies.get(item_id=item_id)).status


async def post_with(
    world: World, thread: int, *expected: TextMatch, seconds: float = 15.0
) -> dict[str, Any]:
    """The one post in the topic that says any of ``expected`` (text keys' matchers)."""

    def matches(post: dict[str, Any]) -> bool:
        return any(has(post.get("text"), one) for one in expected)

    async def posted() -> bool:
        return any(matches(p) for p in world.posts(thread))

    await wait_until(posted, seconds)
    [post] = [p for p in world.posts(thread) if matches(p)]
    return post


async def hurry(world: World) -> None:
    """Skip the backoff of every waiting row (the tests are about what happens next)."""
    await world.db.pool.execute(
        "UPDATE reply_outbox SET not_before = now() WHERE status IN ('pending', 'sending')"
    )
    assert world.app is not None
    world.app.bridge.replies.kick()
