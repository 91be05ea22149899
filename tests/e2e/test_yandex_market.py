"""A Yandex Market cabinet, one step at a time (tests.support.relaying: the dispatcher
fed one update at a time, the bot's own push server on loopback with its inbox drained once,
one sync pass, one reply-worker pass, one delivery, against the Market emulator): added by
command (the cabinet found from the key), a buyer's order chat brought by a push and
mirrored with its context, an agent's reply relayed once, a dispute pushed by Market making
the chat urgent; replies over the hourly budget waiting with one notice; the buyer's name
heading their posts; a file Market will not hand over named in the topic. The key's refusals
and the choice among several cabinets are handler cases (test_yandex_market_handlers.py);
the reply flow through the running bot is tests/e2e/test_agent_to_ozon.py."""

from __future__ import annotations

import ipaddress
from typing import Any

from aiogram.methods import SendMessage, TelegramMethod

from bot.sync.push_tokens import PushTokens
from sandbox.yandex_market import Upload
from sandbox.yandex_market.api import FILES
from storage.database import Database
from storage.records import Seller
from tests.support.handlers import BORIS, GROUP_ID, HandlerWorld
from tests.support.markets import YM_BUSINESS, YmMarket
from tests.support.relaying import (
    RelayWorld,
    open_market_steps,
    open_relay_world,
    receipts,
    relay_on,
    settings_with,
)
from tests.support.texts import has, says

BUSINESS = YM_BUSINESS
PUSH_ON = settings_with(
    ozon_push_port=0, ozon_push_host="127.0.0.1", ozon_push_min_interval_seconds=0.0,
    ym_push_allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),),
)  # fmt: skip


def ym_of(rw: RelayWorld) -> YmMarket:
    assert isinstance(rw.market, YmMarket)
    return rw.market


def topic_texts(requests: list[TelegramMethod[Any]], thread: int) -> list[str]:
    return [
        r.text
        for r in requests
        if isinstance(r, SendMessage) and r.chat_id == GROUP_ID and r.message_thread_id == thread
    ]


async def pushing(hw: HandlerWorld, market: YmMarket, seller: Seller) -> None:
    """Market's cabinet subscribed to the seller's secret URL."""
    assert hw.app.push is not None
    token = await PushTokens(db=hw.db, vault=hw.vault).current(seller.id)
    url = f"http://127.0.0.1:{hw.app.push.port}/ym/push/{token.get_secret_value()}"
    market.ym.push.settings.urls[BUSINESS] = url + "/notification"


async def pushed(hw: HandlerWorld, market: YmMarket) -> list[TelegramMethod[Any]]:
    """Market's pushes answered, the inbox drained once, then the Telegram queue."""
    await market.ym.push.wait_idle()
    assert hw.app.push_inbox is not None
    await hw.app.push_inbox.drain()
    return await hw.deliver()


async def test_a_ym_cabinet_from_command_to_a_relayed_reply(db: Database) -> None:
    async with open_market_steps(db, "ym", PUSH_ON) as (hw, market):
        assert isinstance(market, YmMarket) and hw.app.push is not None
        ym = market.ym
        await hw.app.push.start()
        try:
            key = ym.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
            await hw.say(BORIS, f"/add_seller ym {key} Электроника")
            seller = await db.sellers.find(marketplace="ym", client_id=str(BUSINESS))
            assert seller is not None and seller.name == "Электроника"
            assert (await db.sync_state.get(seller_id=seller.id)).initial_sync_done_at is not None
            await hw.deliver()
            await pushing(hw, market, seller)
            rw = relay_on(hw, market, seller)

            first = ym.state.buyer_writes(BUSINESS, text="Когда привезут заказ?",
                                          context_type="ORDER", customer_name="Мария")  # fmt: skip
            requests = await pushed(hw, market)  # a push, no scheduled poll
            chat = await rw.chat(str(first.chat_id))
            thread = chat.topic_thread_id
            assert thread is not None
            shown = "\n".join(topic_texts(requests, thread))
            assert "Когда привезут заказ?" in shown
            order_id = ym.state.chat(BUSINESS, first.chat_id).order_id
            assert str(order_id) in shown  # the order the chat is about

            reply = await rw.agent_writes(thread, "text", "Завтра до 18:00")
            requests += await rw.relay()
            assert receipts(requests) == [reply["message_id"]]
            await rw.poll()  # our own message read back is recognised, not shown again
            requests += await hw.deliver()
            sent = ym.state.sent_by_partner(BUSINESS, first.chat_id)
            assert [m.text for m in sent] == ["Завтра до 18:00"]
            assert sum("Завтра до 18:00" in t for t in topic_texts(requests, thread)) <= 1

            # A dispute pushed by Market: urgent, and said in the topic.
            ym.state.start_arbitrage(BUSINESS, first.chat_id)
            started = topic_texts(await pushed(hw, market), thread)
            assert any(has(t, says("ym.arbitrage.started")) for t in started)
            assert any(has(t, says("author.other.ym")) for t in started)  # a note
            chat = await rw.chat(str(first.chat_id))
            assert chat.priority == "urgent"
            ym.state.finish_arbitrage(BUSINESS, first.chat_id)
            finished = topic_texts(await pushed(hw, market), thread)
            assert any(has(t, says("ym.arbitrage.finished")) for t in finished)
            assert sum(has(t, says("ym.arbitrage.started")) for t in started + finished) == 1
        finally:
            await hw.app.push.stop()


async def test_replies_above_the_hourly_budget_wait_with_one_notice(db: Database) -> None:
    async with open_relay_world(db, "ym", rate_limit=True) as rw:
        ym = ym_of(rw).ym
        ym.limits.overrides["sendMessageToChat"] = 1  # the hourly send budget, shrunk
        first = ym.state.buyer_writes(BUSINESS, text="Есть размер M?", context_type="DIRECT")
        await rw.poll()
        await rw.hw.deliver()
        thread = (await rw.chat(str(first.chat_id))).topic_thread_id
        assert thread is not None
        for reply in ("Да, есть", "Отправим сегодня", "Спасибо за заказ"):
            await rw.agent_writes(thread, "text", reply)

        requests = await rw.relay()
        assert [m.text for m in ym.state.sent_by_partner(BUSINESS, first.chat_id)] == ["Да, есть"]
        rows = await rw.db.pool.fetch(
            "SELECT text, status, attempts, error_code,"
            "       not_before > now() + interval '30 minutes' AS later"
            "  FROM reply_outbox WHERE status = 'pending' ORDER BY id"
        )
        # The next reply waits for the reset without spending its tries; the one after it
        # waits behind it (a chat's replies keep their order).
        assert [r["text"] for r in rows] == ["Отправим сегодня", "Спасибо за заказ"]
        assert rows[0]["error_code"] == "budget" and rows[0]["later"] and rows[0]["attempts"] == 0
        texts = topic_texts(requests, thread)
        assert [t for t in texts if has(t, says("reply_waits.budget"))] == []  # Market's wording
        notices = [t for t in texts if has(t, says("reply_waits.budget.ym"))]
        assert len(notices) == 1  # one, not one per reply


async def test_the_buyers_name_heads_their_posts(db: Database) -> None:
    async with open_relay_world(db, "ym") as rw:
        ym = ym_of(rw).ym
        first = ym.state.buyer_writes(BUSINESS, text="Здравствуйте", context_type="DIRECT",
                                      customer_name="Мария <К.>")  # fmt: skip
        await rw.poll()
        requests = await rw.hw.deliver()
        ym.state.buyer_writes(BUSINESS, text="Вы тут?", chat_id=first.chat_id)
        await rw.poll()
        requests += await rw.hw.deliver()
        thread = (await rw.chat(str(first.chat_id))).topic_thread_id
        assert thread is not None
        opening, follow_up = topic_texts(requests, thread)
        assert opening in says("post.buyer", name="Мария <К.>")  # the context header
        assert opening in says("author.buyer_named", name="Мария <К.>")  # escaped, by name
        assert says("author.buyer").template not in opening
        assert follow_up == "Вы тут?"  # the same turn: a plain post, its header is above


async def test_a_file_market_will_not_hand_over_is_named_in_the_topic(db: Database) -> None:
    async with open_relay_world(db, "ym") as rw:
        ym = ym_of(rw).ym
        receipt = Upload("чек.pdf", b"%PDF-1.4", refused=True)  # Market answers 403 to it
        first = ym.state.buyer_writes(
            BUSINESS, text="Вот чек", context_type="DIRECT", files=[receipt]
        )
        await rw.poll()
        requests = await rw.hw.deliver()
        thread = (await rw.chat(str(first.chat_id))).topic_thread_id
        assert thread is not None
        posts = [
            r
            for r in requests
            if getattr(r, "chat_id", None) == GROUP_ID
            and getattr(r, "message_thread_id", None) == thread
        ]
        [post] = posts
        assert isinstance(post, SendMessage)  # not a document
        assert post.text in says("post.attachment_file", file="чек.pdf")  # the emulator: http
        assert post.text in says("post.attachment_missing.ym")
        assert "Вот чек" in post.text
        # A 403 is final: asked once, not retried (each try spends the hourly budget).
        assert sum(n for (_, path), n in ym.calls.items() if path == FILES) == 1
        attempts = "SELECT attempts FROM tg_outbox WHERE kind = 'buyer_message'"
        assert await rw.db.pool.fetchval(attempts) == 1
