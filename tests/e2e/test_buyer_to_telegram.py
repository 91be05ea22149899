"""Buyer → Telegram through the running bot: the flow a buyer's chat takes, and the budget.

Kept on the whole bot because the point is the way through polling and the workers: one
chat's flow per marketplace (the ``market`` fixture, tests/e2e/conftest.py): a new chat's
topic and first post, follow-ups, a photo and a document, in order; and on Ozon's world,
Telegram's 429s (the group paused and retried on the queue's clock) and a burst of new
chats against the emulator's real per-group rate limit.

The topic repairs (racing first messages, a deleted or closed topic) and Ozon's topic name
and read mark are intake steps (test_buyer_to_telegram_handlers.py); refused files and
attachments Ozon will not hand over are in test_outbox_floor.py.
"""

from __future__ import annotations

import base64
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod

from bot.outbox.throttle import Budget
from storage.database import Database
from tests.support.markets import Market
from tests.support.texts import says
from tests.support.world import World, open_world, wait_until

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


async def test_a_buyers_chat_arrives_in_its_topic_in_order(mworld: World, market: Market) -> None:
    """A new chat gets its topic and one post; follow-ups, a photo and a document land in
    the same topic, in the buyer's order, through polling and the Telegram queue."""
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
    [topic] = mworld.tg.topics(mworld.group_id)
    assert (topic.thread_id, topic.name) == (thread, (await mworld.chat(chat_id)).topic_name)

    # Follow-ups: the same topic, one unit each, the context posted once per chat.
    market.buyer_writes("Второй вопрос", chat_id=chat_id)
    market.buyer_writes("Третий вопрос", chat_id=chat_id)
    await mworld.poll()
    await mworld.wait_for_posts(thread, 3)
    texts = [p["text"] for p in mworld.posts(thread)]
    assert texts[1].endswith("Второй вопрос") and texts[2].endswith("Третий вопрос")
    assert texts[1] not in HINT and texts[2] not in HINT
    assert len(mworld.tg.topics(mworld.group_id)) == 1
    assert mworld.tg.units(mworld.group_id) == 4

    # A photo arrives as a photo (Ozon makes the text its own post; WB and YM caption it).
    market.buyer_sends(text="Вот брак", image=PNG, chat_id=chat_id)
    await mworld.poll()

    async def photo_posted() -> bool:
        return any("photo" in p for p in mworld.posts(thread))

    await wait_until(photo_posted, seconds=20)
    [photo_post] = [p for p in mworld.posts(thread) if "photo" in p]
    assert mworld.tg.file_bytes(photo_post["photo"][-1]["file_id"]) == PNG
    assert "Вот брак" in bodies(mworld, thread)

    # A document arrives as a document, under its name.
    market.buyer_sends(text="Чек во вложении", document=("чек.pdf", PDF), chat_id=chat_id)
    await mworld.poll()

    async def document_posted() -> bool:
        return any("document" in p for p in mworld.posts(thread))

    await wait_until(document_posted, seconds=20)
    [doc_post] = [p for p in mworld.posts(thread) if "document" in p]
    assert mworld.tg.file_bytes(doc_post["document"]["file_id"]) == PDF
    assert doc_post["document"]["file_name"] == "чек.pdf"
    assert "Чек во вложении" in bodies(mworld, thread)

    # All in one topic, in the buyer's order.
    await wait_until(mworld.outbox_settled)
    posts, said = mworld.posts(thread), bodies(mworld, thread)
    assert said[:3] == ["Где мой заказ? &lt;срочно&gt;", "Второй вопрос", "Третий вопрос"]
    photo_at, doc_at = posts.index(photo_post), posts.index(doc_post)
    assert 3 <= said.index("Вот брак") <= photo_at < said.index("Чек во вложении") <= doc_at
    assert doc_at == len(posts) - 1
    assert len(mworld.tg.topics(mworld.group_id)) == 1


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
