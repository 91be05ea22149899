"""A Wildberries shop, beside the Ozon one in the same group, one step at a time
(tests.support.relaying: the dispatcher fed one update at a time, one sync pass, one
reply-worker pass, one delivery, against the WB emulator): added by command, a buyer's chat
mirrored with a photo once it clears moderation, an agent's reply and a PDF relayed once
each, a 7 MB file refused in the topic with WB's rule before anything is sent, our own
echoes told apart from a reply typed in the WB portal; a lost answer settled from the events
stream in the same attempt; a file WB refuses named in the topic. The marketplace-wide
reply flow through the running bot is tests/e2e/test_agent_to_ozon.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.methods import CreateForumTopic, SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import Message

from bot.texts import text
from sandbox.wildberries import Moderation, Upload
from storage.database import Database
from tests.support.handlers import BORIS, GROUP_ID
from tests.support.intake_steps import hurry, pending
from tests.support.markets import WB_SELLER, WbMarket
from tests.support.recorded_bot import chat_of
from tests.support.relaying import open_market_steps, open_relay_world, receipts, relay_on
from tests.support.texts import says

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048
PDF = b"%PDF-1.4\n% invoice\n" + b"0" * 4096
BIG_PDF = b"%PDF-1.4\n" + b"0" * (7 * 1024 * 1024)


def in_thread(requests: list[TelegramMethod[Any]], thread: int) -> list[Any]:
    """The posts the requests made in the topic, in order."""
    return [
        r
        for r in requests
        if isinstance(r, SendMessage | SendPhoto | SendDocument)
        and r.chat_id == GROUP_ID
        and r.message_thread_id == thread
    ]


def shown_text(post: Any) -> str:
    return getattr(post, "text", None) or getattr(post, "caption", None) or ""


async def test_a_wb_shop_from_command_to_relayed_replies(db: Database) -> None:
    async with open_market_steps(db, "wildberries") as (hw, market):
        assert isinstance(market, WbMarket)
        wb = market.wb
        workspace = await db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
        await hw.add_seller(workspace)  # the group's Ozon shop: two marketplaces here
        hw.session.add_result_for(
            SendPhoto, Message(message_id=9000, date=datetime.now(UTC), chat=chat_of(GROUP_ID))
        )
        token = wb.state.issue_token(WB_SELLER).token
        photo = Upload("photo.jpg", JPEG, moderation=Moderation.PENDING, pending_polls=1)
        opened = wb.state.buyer_writes(
            WB_SELLER, text="Пришла не та модель", client_name="Алёна", nm_id=12345678,
            uploads=[photo],
        )  # fmt: skip

        requests = await hw.say(BORIS, f"/add_seller wb {token} Обувь WB")
        seller = await db.sellers.find(marketplace="wildberries", client_id=WB_SELLER)
        assert seller is not None and seller.name == "Обувь WB"
        assert (await db.sellers.get_encrypted_key(seller_id=seller.id)) != token.encode()
        assert (await db.sync_state.get(seller_id=seller.id)).initial_sync_done_at is not None
        rw = relay_on(hw, market, seller)
        requests += await hw.deliver()
        assert await pending(db) == 1  # the post waits for the photo, under moderation
        await hurry(db)
        requests += await hw.deliver()  # the next try: the photo cleared moderation

        chat = await rw.chat(str(opened.chat_id))
        thread = chat.topic_thread_id
        assert thread is not None
        [post] = in_thread(requests, thread)
        assert isinstance(post, SendPhoto)  # shown as a photo once WB's moderation let it through
        caption = post.caption
        assert caption is not None
        assert caption.startswith("🟣 WB") and "Пришла не та модель" in caption
        assert caption in says("post.buyer", name="Алёна")  # the context header names the buyer
        assert caption in says("author.buyer_named", name="Алёна")  # and so does the author line
        assert 'href="https://www.wildberries.ru/catalog/12345678/detail.aspx"' in caption
        [topic] = [r for r in requests if isinstance(r, CreateForumTopic)]
        assert topic.name.startswith("🟣 WB")  # the marketplace's badge: two marketplaces here
        assert topic.name in says("topic.buyer_named", name="Алёна")

        reply = await rw.agent_writes(thread, "text", "Заменим!")
        assert receipts(await rw.relay()) == [reply["message_id"]]
        [sent] = wb.state.sent_by(WB_SELLER, opened.chat_id)
        assert sent.text == "Заменим!"

        invoice = await rw.agent_writes(thread, "document", name="invoice.pdf", content=PDF)
        assert receipts(await rw.relay()) == [invoice["message_id"]]
        sent_all = wb.state.sent_by(WB_SELLER, opened.chat_id)
        assert len(sent_all) == 2 and [f.name for f in sent_all[1].files] == ["invoice.pdf"]

        big = await rw.agent_writes(thread, "document", name="scan.pdf", content=BIG_PDF)
        refusal = text(
            "marketplace.file.size", "ru", marketplace="Wildberries", name="scan.pdf", limit="5",
            size="7.0", types="JPEG, PNG, PDF",
        )  # fmt: skip
        refused = in_thread(await rw.relay(), thread)
        assert any(refusal in shown_text(p) for p in refused)
        assert len(wb.state.sent_by(WB_SELLER, opened.chat_id)) == 2  # nothing of it was sent
        row = await db.pool.fetchrow(
            "SELECT status, error_code FROM reply_outbox WHERE tg_message_id = $1",
            big["message_id"],
        )
        assert tuple(row) == ("failed", "file_rule")

        wb.state.portal_reply(WB_SELLER, opened.chat_id, "Пишу из портала")
        await rw.poll()
        shown = [shown_text(p) for p in in_thread(await hw.deliver(), thread)]
        portal_label = text("author.cabinet.wildberries", "ru")  # posts are stored as sent (HTML)
        assert len(shown) == 1 and portal_label in shown[0]
        assert "Пишу из портала" in shown[0]  # what the seller typed, relayed
        stored = await db.pool.fetch(
            "SELECT source FROM messages WHERE chat_id = $1 AND direction = 'out' ORDER BY id",
            chat.id,
        )
        assert [r["source"] for r in stored] == ["bot", "bot", "cabinet"]  # echoes known as ours


async def test_a_reply_whose_answer_wb_loses_is_found_in_events_and_sent_once(
    db: Database,
) -> None:
    async with open_relay_world(db, "wildberries") as rw:
        assert isinstance(rw.market, WbMarket)
        wb = rw.market.wb
        chat_id, thread = await rw.topic("Когда отправите?")
        wb.state.faults.add("accept_then_drop", count=1, path="/api/v1/seller/message")

        reply = await rw.agent_writes(thread, "text", "Сегодня")
        assert receipts(await rw.relay()) == [reply["message_id"]]
        assert [s.text for s in wb.state.sent_by(WB_SELLER, chat_id)] == ["Сегодня"]
        row = await db.pool.fetchrow(
            "SELECT status, attempts FROM reply_outbox WHERE tg_message_id = $1",
            reply["message_id"],
        )
        assert tuple(row) == ("sent", 1)  # settled in the same attempt, by the echo


async def test_a_file_wb_refuses_is_named_in_the_topic(db: Database) -> None:
    async with open_relay_world(db, "wildberries") as rw:
        assert isinstance(rw.market, WbMarket)
        scan = Upload("скан.pdf", PDF, moderation=Moderation.REFUSED)  # WB's files carry a name
        opened = rw.market.wb.state.buyer_writes(
            WB_SELLER, text="Смотрите", client_name="Ира", uploads=[scan]
        )
        await rw.poll()
        requests = await rw.hw.deliver()
        thread = (await rw.chat(str(opened.chat_id))).topic_thread_id
        assert thread is not None
        [post] = in_thread(requests, thread)
        assert isinstance(post, SendMessage)  # neither a photo nor a document
        assert post.text in says("marketplace.attachment_moderated", marketplace="Wildberries")
        assert post.text in says("post.attachment_file", file="скан.pdf")
        assert post.text in says("author.buyer_named", name="Ира")
