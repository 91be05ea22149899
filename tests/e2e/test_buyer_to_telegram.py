"""Buyer → Telegram through the real bot: topics, posts, media, recovery, the budget.

The core flows (a new chat, follow-ups, racing first messages, a photo, a document, a
deleted or closed topic) run on every marketplace (the ``market`` fixture,
tests/e2e/conftest.py); Ozon's specifics and the Telegram budget on Ozon's world.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod

from bot.bridge.delivery import ATTACHMENT_GIVE_UP_AFTER
from bot.outbox.throttle import Budget
from bot.texts import text as text_of
from storage.database import Database
from tests.support.markets import Market
from tests.support.texts import says
from tests.support.world import CLIENT_ID, World, open_world, wait_until

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)
PDF = b"%PDF-1.4\n% a buyer's receipt\n" + b"0" * 2048
HINT = says("security.hint.to_buyer")  # the last line of a topic's first (context) post


def bodies(world: World, thread: int) -> list[str]:
    """Each post's last line (the buyer's text), captions included."""
    return [
        (p.get("text") or p.get("caption") or "").rsplit("\n", 1)[-1] for p in world.posts(thread)
    ]


async def test_a_new_buyer_chat_gets_its_topic_and_one_post(mworld: World, market: Market) -> None:
    chat_id = market.buyer_writes("Где мой заказ? <срочно>")
    await mworld.poll()
    thread = await mworld.topic_of(chat_id)
    await mworld.wait_for_posts(thread, 1)

    [post] = mworld.posts(thread)
    assert "Где мой заказ? &lt;срочно&gt;" in post["text"]  # escaped: shown as typed
    assert post["text"] in HINT  # the chat's context comes with its first post
    assert mworld.tg.units(mworld.group_id) == 2  # the topic and one post

    await wait_until(mworld.outbox_settled)  # the post is in Telegram before it is recorded
    stored = await mworld.db.pool.fetchval(
        "SELECT tg_message_id FROM messages WHERE direction = 'in'"
    )
    assert stored == post["message_id"]


async def test_an_ozon_topic_is_named_by_its_order_and_the_chat_marked_read(
    world: World,
) -> None:
    chat_id, _ = world.buyer_writes(text="Где мой заказ?", sku="987654321")
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1)

    [topic] = [t for t in world.tg.topics(world.group_id) if t.thread_id == thread]
    assert topic.name == text_of("topic.order", "ru", order="47873153-0052")
    [post] = world.posts(thread)
    assert "47873153-0052" in post["text"] and "987654321" in post["text"]

    async def marked_read() -> bool:
        return world.ozon.state.chat(CLIENT_ID, chat_id).unread == 0

    await wait_until(marked_read)


async def test_follow_ups_land_in_the_same_topic_for_one_unit_each(
    mworld: World, market: Market
) -> None:
    chat_id = market.buyer_writes("Первый вопрос")
    await mworld.poll()
    thread = await mworld.topic_of(chat_id)
    await mworld.wait_for_posts(thread, 1)
    market.buyer_writes("Второй вопрос", chat_id=chat_id)
    market.buyer_writes("Третий вопрос", chat_id=chat_id)
    await mworld.poll()
    await mworld.wait_for_posts(thread, 3)

    texts = [p["text"] for p in mworld.posts(thread)]
    assert texts[1].endswith("Второй вопрос") and texts[2].endswith("Третий вопрос")
    assert texts[1] not in HINT and texts[2] not in HINT  # the context is posted once per chat
    assert len(mworld.tg.topics(mworld.group_id)) == 1
    assert mworld.tg.units(mworld.group_id) == 4


async def test_racing_first_messages_make_one_topic(mworld: World, market: Market) -> None:
    chat_id = market.buyer_writes("Здравствуйте")
    for text in ("Алло?", "Есть кто?", "Ответьте пожалуйста"):
        market.buyer_writes(text, chat_id=chat_id)
    await asyncio.gather(mworld.poll(), mworld.poll())
    thread = await mworld.topic_of(chat_id)
    await mworld.wait_for_posts(thread, 4)
    assert len(mworld.tg.topics(mworld.group_id)) == 1
    assert bodies(mworld, thread) == [
        "Здравствуйте", "Алло?", "Есть кто?", "Ответьте пожалуйста",
    ]  # fmt: skip


async def test_a_buyers_photo_arrives_as_a_photo(mworld: World, market: Market) -> None:
    chat_id = market.buyer_sends(text="Вот брак", image=PNG)
    await mworld.poll()
    thread = await mworld.topic_of(chat_id)

    async def photo_posted() -> bool:
        return any("photo" in p for p in mworld.posts(thread))

    await wait_until(photo_posted, seconds=20)
    [photo_post] = [p for p in mworld.posts(thread) if "photo" in p]
    assert mworld.tg.file_bytes(photo_post["photo"][-1]["file_id"]) == PNG
    # Ozon makes the text its own message (its own post); WB and YM caption the photo.
    assert "Вот брак" in bodies(mworld, thread)


async def test_a_buyers_document_arrives_as_a_document(mworld: World, market: Market) -> None:
    chat_id = market.buyer_sends(text="Чек во вложении", document=("чек.pdf", PDF))
    await mworld.poll()
    thread = await mworld.topic_of(chat_id)

    async def document_posted() -> bool:
        return any("document" in p for p in mworld.posts(thread))

    await wait_until(document_posted, seconds=20)
    [post] = [p for p in mworld.posts(thread) if "document" in p]
    assert mworld.tg.file_bytes(post["document"]["file_id"]) == PDF
    assert post["document"]["file_name"] == "чек.pdf"
    assert "Чек во вложении" in bodies(mworld, thread)


async def test_a_deleted_topic_is_recreated_and_nothing_is_lost(
    mworld: World, market: Market
) -> None:
    chat_id = market.buyer_writes("Первое")
    await mworld.poll()
    old_thread = await mworld.topic_of(chat_id)
    await mworld.wait_for_posts(old_thread, 1)
    mworld.tg.delete_topic(mworld.group_id, old_thread)

    market.buyer_writes("Второе, после удаления темы", chat_id=chat_id)
    await mworld.poll()

    async def remapped() -> bool:
        thread = (await mworld.chat(chat_id)).topic_thread_id
        return thread is not None and thread != old_thread and len(mworld.posts(thread)) >= 1

    await wait_until(remapped)
    new_thread = await mworld.topic_of(chat_id)
    [post] = mworld.posts(new_thread)
    assert post["text"].endswith("Второе, после удаления темы")
    assert post["text"] in HINT  # a new topic gets the context again


async def test_a_closed_topic_is_reopened_and_the_message_delivered(
    mworld: World, market: Market
) -> None:
    chat_id = market.buyer_writes("Первое")
    await mworld.poll()
    thread = await mworld.topic_of(chat_id)
    await mworld.wait_for_posts(thread, 1)
    mworld.tg.close_topic(mworld.group_id, thread)

    market.buyer_writes("Пишу в закрытую тему", chat_id=chat_id)
    await mworld.poll()
    await mworld.wait_for_posts(thread, 2)
    [topic] = [t for t in mworld.tg.topics(mworld.group_id) if t.thread_id == thread]
    assert not topic.closed
    assert mworld.posts(thread)[-1]["text"].endswith("Пишу в закрытую тему")


async def test_a_429_storm_pauses_the_group_and_loses_nothing(world: World) -> None:
    world.tg.inject_error(
        "sendMessage", "Too Many Requests: retry after 1", error_code=429, count=3, retry_after=1
    )
    chats = [world.buyer_writes(text=f"Вопрос {n}", order_number=f"1000-{n}")[0] for n in range(3)]
    await world.poll()
    for chat_id in chats:
        thread = await world.topic_of(chat_id)
        await world.wait_for_posts(thread, 1, seconds=20)
    await wait_until(world.outbox_settled)
    delivered = await world.db.pool.fetchval(
        "SELECT count(*) FROM messages WHERE tg_message_id IS NOT NULL"
    )
    assert delivered == 3


async def test_a_burst_of_new_chats_stays_within_the_groups_budget(db: Database) -> None:
    """The emulator's group bucket answers real 429s; the throttle must never meet one.

    A short window (6 per 2 s in the emulator, 5 per 2 s for the bot) keeps it quick; the
    production figures are 20 and 18 per 60 s.
    """
    limited: list[str] = []

    async def count_429(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            limited.append(type(method).__name__)
            raise

    async with open_world(db, group_limit=(6, 2.0), throttle=Budget(5, 2.0)) as world:
        assert world.bot is not None
        world.bot.session.middleware(count_429)
        chats = [
            world.buyer_writes(text=f"Вопрос {n}", order_number=f"2000-{n}")[0] for n in range(5)
        ]
        await world.poll()
        await wait_until(world.outbox_settled, seconds=30)
        for chat_id in chats:
            assert len(world.posts(await world.topic_of(chat_id))) == 1
        assert world.tg.units(world.group_id) == 10
    assert limited == []


async def test_a_file_ozon_will_not_hand_over_is_named_in_the_post(world: World) -> None:
    world.ozon.state.add_fault("500", count=None, path="/v2/chat/file")  # every download
    chat_id, _ = world.buyer_writes(file=("акт.pdf", PDF))
    await world.poll()
    thread = await world.topic_of(chat_id)

    async def failed_once() -> bool:
        row = await world.db.pool.fetchrow(
            "SELECT attempts, last_error FROM tg_outbox WHERE kind = 'buyer_message'"
        )
        return row is not None and row["attempts"] >= 1 and row["last_error"] is not None

    await wait_until(failed_once, seconds=30)
    # Skip the earlier tries' backoff (about 30 s) to the last one, which gives up.
    await world.db.pool.execute(
        "UPDATE tg_outbox SET attempts = $1 - 1, not_before = now()"
        " WHERE kind = 'buyer_message' AND status = 'pending'",
        ATTACHMENT_GIVE_UP_AFTER,
    )
    await world.wait_for_posts(thread, 1, seconds=30)
    [post] = world.posts(thread)
    assert "document" not in post
    assert post["text"] in says("post.attachment_file", file="акт.pdf")  # the emulator: http
    assert post["text"] in says("post.attachment_missing")
