"""Marketplace → Telegram where it breaks: order behind a failing attachment, photos
Telegram refuses, and a database failure right after a topic was created."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from sandbox.ozon.api import FILE_DOWNLOAD_PATH
from tests.support.texts import says
from tests.support.world import CLIENT_ID, World, wait_until

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)


def _body(post: dict[str, Any]) -> str:
    return str(post.get("text") or post.get("caption") or "")


async def _item_error(world: World, message_external_id: str) -> str | None:
    return await world.db.pool.fetchval(
        """
        SELECT o.last_error FROM tg_outbox o JOIN messages m ON m.id = o.message_id
         WHERE m.external_id = $1
        """,
        message_external_id,
    )


async def test_a_message_behind_a_failing_attachment_waits_then_both_appear_in_order(
    world: World,
) -> None:
    # One Ozon call of the bot tries 4 times; 4 faults fail the first delivery attempt.
    world.ozon.state.add_fault("500", count=4, path=FILE_DOWNLOAD_PATH, client_id=CLIENT_ID)
    chat_id, image_message = world.buyer_writes(text="Вот фото", image=PNG)
    world.buyer_writes(chat_id=chat_id, text="Второе сообщение")
    await world.poll()
    thread = await world.topic_of(chat_id)

    async def photo_backing_off() -> bool:
        return await _item_error(world, image_message) is not None

    await wait_until(photo_backing_off, seconds=20)
    # Inside the window: the photo is waiting for its retry; the next message must wait too.
    posted = world.posts(thread)
    assert len(posted) == 1, [(_body(p), "photo" in p) for p in posted]

    await world.wait_for_posts(thread, 3, seconds=30)
    posts = world.posts(thread)
    assert "Вот фото" in _body(posts[0])
    assert "photo" in posts[1]
    assert world.tg.file_bytes(posts[1]["photo"][-1]["file_id"]) == PNG
    assert "Второе сообщение" in _body(posts[2])
    await wait_until(world.outbox_settled)
    assert len(world.posts(thread)) == 3


async def test_a_photo_refused_as_a_photo_arrives_as_a_document(world: World) -> None:
    world.tg.inject_error("sendPhoto", "Bad Request: PHOTO_INVALID_DIMENSIONS", count=1)
    chat_id, _ = world.buyer_writes(image=PNG)
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1)
    await wait_until(world.outbox_settled)
    [post] = world.posts(thread)
    assert "document" in post and "photo" not in post
    assert world.tg.file_bytes(post["document"]["file_id"]) == PNG
    failed = await world.db.pool.fetchval("SELECT count(*) FROM tg_outbox WHERE status = 'failed'")
    assert failed == 0


async def test_a_file_refused_as_photo_and_document_is_named_in_text_and_reported(
    world: World,
) -> None:
    world.tg.inject_error("sendPhoto", "Bad Request: IMAGE_PROCESS_FAILED", count=1)
    world.tg.inject_error("sendDocument", "Bad Request: wrong type of the web page content")
    chat_id, _ = world.buyer_writes(text="Смотрите", image=PNG)
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 3)
    await wait_until(world.outbox_settled)
    first, named, report = world.posts(thread)
    assert _body(first).endswith("Смотрите")
    assert "photo" not in named and "document" not in named
    assert named["text"] in says("outbox.file_as_text")
    assert ".jpg" in named["text"]  # the file is named
    refused = "Bad Request: wrong type of the web page content"  # Telegram's words, quoted
    assert report["text"] in says("outbox.refused.file", reason=refused)  # see it at Ozon's
    await wait_until(world.outbox_settled)
    assert len(world.posts(thread)) == 3  # reported once


@pytest.mark.parametrize("failures", [1, 3])
async def test_a_database_failure_right_after_creating_a_topic_makes_no_second_topic(
    world: World, monkeypatch: pytest.MonkeyPatch, failures: int
) -> None:
    """One failure is absorbed by the quick re-tries; three outlast them, the item is
    retried later and the topic kept in memory is recorded instead of created again."""
    real_set_topic = world.db.chats.set_topic
    left = {"failures": failures}

    async def flaky_set_topic(**kwargs: Any) -> None:
        if left["failures"] > 0:
            left["failures"] -= 1
            raise ConnectionResetError("database connection lost")
        await real_set_topic(**kwargs)

    monkeypatch.setattr(world.db.chats, "set_topic", flaky_set_topic)
    chat_id, _ = world.buyer_writes(text="Первое сообщение")
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1, seconds=20)
    await wait_until(world.outbox_settled)
    assert left["failures"] == 0
    assert [t.thread_id for t in world.tg.topics(world.group_id)] == [thread]
    created = [method for method, _ in world.tg.calls if method.lower() == "createforumtopic"]
    assert created == [created[0]]  # exactly one call
    [post] = world.posts(thread)
    assert _body(post).endswith("Первое сообщение")
