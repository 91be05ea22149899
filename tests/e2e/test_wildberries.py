"""A Wildberries shop end to end, beside the Ozon one in the same group: added by command,
a buyer's chat mirrored with a photo that clears moderation, an agent's reply and a PDF
relayed once each, a 7 MB file refused in the topic with WB's rule before anything is sent,
and our own echoes told apart from a reply typed in the WB portal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.texts import text
from sandbox.wildberries import Moderation, Upload, WildberriesEmulator
from storage.database import Database
from storage.records import Seller
from tests.support.texts import says
from tests.support.world import World, open_world, wait_until

WB_SELLER = "wb-e2e-seller"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048
PDF = b"%PDF-1.4\n% invoice\n" + b"0" * 4096
BIG_PDF = b"%PDF-1.4\n" + b"0" * (7 * 1024 * 1024)


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with WildberriesEmulator() as wb:
        wb.state.add_seller(WB_SELLER, name="Обувь на WB")
        async with open_world(db, wb=wb) as opened:
            yield opened


def emulator(world: World) -> WildberriesEmulator:
    assert world.wb is not None
    return world.wb


async def add_by_command(world: World, token: str) -> Seller:
    world.tg.user_sends(world.agent_id, world.agent_id, f"/add_seller wb {token} Обувь WB")
    found: list[Seller] = []

    async def added() -> bool:
        seller = await world.db.sellers.find(marketplace="wildberries", client_id=WB_SELLER)
        if seller is None:
            return False
        state = await world.db.sync_state.get(seller_id=seller.id)
        found[:] = [seller]
        return state.initial_sync_done_at is not None

    await wait_until(added, seconds=30)
    return found[0]


async def topic_of(world: World, chat_id: int) -> int:
    async def mapped() -> bool:
        return (await world.db.chats.get(chat_id=chat_id)).topic_thread_id is not None

    await wait_until(mapped, seconds=30)
    thread = (await world.db.chats.get(chat_id=chat_id)).topic_thread_id
    assert thread is not None
    return thread


def topic_texts(world: World, thread: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in world.posts(thread)]


async def relayed(world: World, chat_id: str, count: int) -> list[Any]:
    async def enough() -> bool:
        return len(emulator(world).state.sent_by(WB_SELLER, chat_id)) >= count

    await wait_until(enough, seconds=30)
    return emulator(world).state.sent_by(WB_SELLER, chat_id)


async def test_a_wb_shop_from_command_to_relayed_replies(world: World) -> None:
    wb = emulator(world)
    token = wb.state.issue_token(WB_SELLER).token
    photo = Upload("photo.jpg", JPEG, moderation=Moderation.PENDING, pending_polls=1)
    opened = wb.state.buyer_writes(
        WB_SELLER, text="Пришла не та модель", client_name="Алёна", nm_id=12345678,
        uploads=[photo],
    )  # fmt: skip

    seller = await add_by_command(world, token)
    assert seller.name == "Обувь WB"
    assert (await world.db.sellers.get_encrypted_key(seller_id=seller.id)) != token.encode()
    chat = await world.db.chats.get_by_external(seller_id=seller.id, external_id=opened.chat_id)
    thread = await topic_of(world, chat.id)
    await world.wait_for_posts(thread, 1, seconds=30)  # after the photo cleared moderation
    [post] = world.posts(thread)
    assert "photo" in post  # shown as a photo once WB's moderation let it through
    caption = post["caption"]
    assert caption.startswith("🟣 WB") and "Пришла не та модель" in caption
    assert caption in says("post.buyer", name="Алёна")  # the context header names the buyer
    assert caption in says("author.buyer_named", name="Алёна")  # and so does the author line
    assert 'href="https://www.wildberries.ru/catalog/12345678/detail.aspx"' in caption
    [topic] = [t for t in world.tg.topics(world.group_id) if t.thread_id == thread]
    assert topic.name.startswith("🟣 WB")  # the marketplace's badge: two marketplaces here
    assert topic.name in says("topic.buyer_named", name="Алёна")

    reply = world.tg.user_sends(world.agent_id, world.group_id, "Заменим!", thread_id=thread)
    [sent] = await relayed(world, opened.chat_id, 1)
    assert sent.text == "Заменим!"
    await wait_until(lambda: _reacted(world, reply["message_id"]), seconds=15)

    world.tg.user_sends(
        world.agent_id, world.group_id, document=("invoice.pdf", PDF), thread_id=thread
    )
    sent_all = await relayed(world, opened.chat_id, 2)
    assert [f.name for f in sent_all[1].files] == ["invoice.pdf"]

    big = world.tg.user_sends(
        world.agent_id, world.group_id, document=("scan.pdf", BIG_PDF), thread_id=thread
    )
    refusal = text(
        "marketplace.file.size", "ru", marketplace="Wildberries", name="scan.pdf", limit="5",
        size="7.0", types="JPEG, PNG, PDF",
    )  # fmt: skip

    async def refused() -> bool:
        return any(refusal in t for t in topic_texts(world, thread))

    await wait_until(refused, seconds=20)
    assert len(wb.state.sent_by(WB_SELLER, opened.chat_id)) == 2  # nothing of it was sent
    row = await world.db.pool.fetchrow(
        "SELECT status, error_code FROM reply_outbox WHERE tg_message_id = $1", big["message_id"]
    )
    assert tuple(row) == ("failed", "file_rule")

    wb.state.portal_reply(WB_SELLER, opened.chat_id, "Пишу из портала")
    before = len(world.posts(thread))
    await world.app.sync.run_now(seller.id)  # type: ignore[union-attr]
    await world.wait_for_posts(thread, before + 1, seconds=20)
    portal_label = text("author.cabinet.wildberries", "ru")  # posts are stored as sent (HTML)
    shown = topic_texts(world, thread)[before:]
    assert len(shown) == 1 and portal_label in shown[0]
    assert "Пишу из портала" in shown[0]  # what the seller typed, relayed
    stored = await world.db.pool.fetch(
        "SELECT source FROM messages WHERE chat_id = $1 AND direction = 'out' ORDER BY id",
        chat.id,
    )
    assert [r["source"] for r in stored] == ["bot", "bot", "cabinet"]  # echoes known as ours


async def _reacted(world: World, message_id: int) -> bool:
    return world.tg.reactions(world.group_id, message_id) == ["👍"]


async def test_a_reply_whose_answer_wb_loses_is_found_in_events_and_sent_once(
    world: World,
) -> None:
    wb = emulator(world)
    opened = wb.state.buyer_writes(WB_SELLER, text="Когда отправите?", client_name="Пётр")
    seller = await add_by_command(world, wb.state.issue_token(WB_SELLER).token)
    chat = await world.db.chats.get_by_external(seller_id=seller.id, external_id=opened.chat_id)
    thread = await topic_of(world, chat.id)
    wb.state.faults.add("accept_then_drop", count=1, path="/api/v1/seller/message")

    reply = world.tg.user_sends(world.agent_id, world.group_id, "Сегодня", thread_id=thread)
    await wait_until(lambda: _reacted(world, reply["message_id"]), seconds=30)
    assert [s.text for s in wb.state.sent_by(WB_SELLER, opened.chat_id)] == ["Сегодня"]
    row = await world.db.pool.fetchrow(
        "SELECT status, attempts FROM reply_outbox WHERE tg_message_id = $1", reply["message_id"]
    )
    assert tuple(row) == ("sent", 1)  # settled in the same attempt, by the echo


async def test_a_file_wb_refuses_is_named_in_the_topic(world: World) -> None:
    wb = emulator(world)
    scan = Upload("скан.pdf", PDF, moderation=Moderation.REFUSED)  # WB's files carry a name
    opened = wb.state.buyer_writes(WB_SELLER, text="Смотрите", client_name="Ира", uploads=[scan])
    seller = await add_by_command(world, wb.state.issue_token(WB_SELLER).token)
    chat = await world.db.chats.get_by_external(seller_id=seller.id, external_id=opened.chat_id)
    thread = await topic_of(world, chat.id)
    await world.wait_for_posts(thread, 1, seconds=30)
    [post] = world.posts(thread)
    assert "photo" not in post and "document" not in post
    assert post["text"] in says("marketplace.attachment_moderated", marketplace="Wildberries")
    assert post["text"] in says("post.attachment_file", file="скан.pdf")
    assert post["text"] in says("author.buyer_named", name="Ира")
