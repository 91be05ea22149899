"""A Yandex Market cabinet end to end, beside the Ozon shop in the same group: added by
command (the cabinet found from the key), a buyer's order chat mirrored with its context, an
agent's reply relayed once, and a dispute pushed by Market making the chat urgent. The key's
refusals and the choice among several cabinets are handler cases
(test_yandex_market_handlers.py)."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import pytest

from bot.sync.push_tokens import PushTokens
from sandbox.yandex_market import Upload, YandexMarketEmulator
from sandbox.yandex_market.api import FILES
from storage.database import Database
from storage.records import Seller
from tests.support.texts import TextMatch, has, says
from tests.support.world import World, open_world, wait_until

BUSINESS = 5123456
OTHER = 7000001
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with YandexMarketEmulator() as ym:
        ym.state.add_business(BUSINESS, name="Электроника")
        ym.state.add_business(OTHER, name="Дом и сад")
        async with open_world(db, ym=ym, settings_overrides={
            "ozon_push_port": 0, "ozon_push_host": "127.0.0.1",
            "ym_push_allowed_networks": LOOPBACK,
        }) as opened:  # fmt: skip
            yield opened


def emulator(world: World) -> YandexMarketEmulator:
    assert world.ym is not None
    return world.ym


async def add_by_command(world: World, key: str, business: int = BUSINESS) -> Seller:
    world.tg.user_sends(world.agent_id, world.agent_id, f"/add_seller ym {key} Электроника")
    return await added(world, business)


async def added(world: World, business: int) -> Seller:
    found: list[Seller] = []

    async def synced() -> bool:
        seller = await world.db.sellers.find(marketplace="ym", client_id=str(business))
        if seller is None:
            return False
        state = await world.db.sync_state.get(seller_id=seller.id)
        found[:] = [seller]
        return state.initial_sync_done_at is not None

    await wait_until(synced, seconds=30)
    return found[0]


async def topic_of(world: World, seller: Seller, chat_id: int) -> int:
    async def mapped() -> bool:
        try:
            chat = await world.db.chats.get_by_external(seller_id=seller.id,
                                                        external_id=str(chat_id))  # fmt: skip
        except Exception:
            return False
        return chat.topic_thread_id is not None

    await wait_until(mapped, seconds=30)
    chat = await world.db.chats.get_by_external(seller_id=seller.id, external_id=str(chat_id))
    assert chat.topic_thread_id is not None
    return chat.topic_thread_id


def texts(world: World, thread: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in world.posts(thread)]


async def pushing(world: World, seller: Seller) -> None:
    """Market's cabinet subscribed to the seller's secret URL."""
    assert world.app is not None and world.app.push is not None
    token = await PushTokens(db=world.db, vault=world.vault).current(seller.id)
    url = f"http://127.0.0.1:{world.app.push.port}/ym/push/{token.get_secret_value()}"
    emulator(world).push.settings.urls[BUSINESS] = url + "/notification"


async def test_a_ym_cabinet_from_command_to_a_relayed_reply(world: World) -> None:
    ym = emulator(world)
    key = ym.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
    seller = await add_by_command(world, key)
    assert seller.name == "Электроника"
    await pushing(world, seller)
    first = ym.state.buyer_writes(BUSINESS, text="Когда привезут заказ?", context_type="ORDER",
                                  customer_name="Мария")  # fmt: skip
    thread = await topic_of(world, seller, first.chat_id)  # a push, no scheduled poll
    await world.wait_for_posts(thread, 1)
    shown = "\n".join(texts(world, thread))
    assert "Когда привезут заказ?" in shown
    order_id = ym.state.chat(BUSINESS, first.chat_id).order_id
    assert str(order_id) in shown  # the order the chat is about
    world.tg.user_sends(world.agent_id, world.group_id, "Завтра до 18:00", thread_id=thread)

    async def relayed() -> bool:
        return len(ym.state.sent_by_partner(BUSINESS, first.chat_id)) >= 1

    await wait_until(relayed, seconds=30)
    await world.poll()  # our own message read back is recognised, not shown again
    await wait_until(world.outbox_settled)
    sent = ym.state.sent_by_partner(BUSINESS, first.chat_id)
    assert [m.text for m in sent] == ["Завтра до 18:00"]
    assert sum("Завтра до 18:00" in t for t in texts(world, thread)) <= 1

    # A dispute pushed by Market: urgent, and said in the topic.
    before = len(world.posts(thread))
    ym.state.start_arbitrage(BUSINESS, first.chat_id)
    await wait_until(lambda: _said(world, thread, says("ym.arbitrage.started")), seconds=30)
    assert any(has(t, says("author.other.ym")) for t in texts(world, thread)[before:])  # a note
    chat = await world.db.chats.get_by_external(seller_id=seller.id,
                                                external_id=str(first.chat_id))  # fmt: skip
    assert chat.priority == "urgent"
    ym.state.finish_arbitrage(BUSINESS, first.chat_id)
    await wait_until(lambda: _said(world, thread, says("ym.arbitrage.finished")), seconds=30)
    assert sum(has(t, says("ym.arbitrage.started")) for t in texts(world, thread)) == 1


async def _said(world: World, thread: int, expected: TextMatch) -> bool:
    return any(has(t, expected) for t in texts(world, thread))


async def test_replies_above_the_hourly_budget_wait_with_one_notice(world: World) -> None:
    ym = emulator(world)
    ym.limits.overrides["sendMessageToChat"] = 1  # the hourly send budget, shrunk
    key = ym.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
    seller = await add_by_command(world, key)
    await pushing(world, seller)
    first = ym.state.buyer_writes(BUSINESS, text="Есть размер M?", context_type="DIRECT")
    thread = await topic_of(world, seller, first.chat_id)
    for reply in ("Да, есть", "Отправим сегодня", "Спасибо за заказ"):
        world.tg.user_sends(world.agent_id, world.group_id, reply, thread_id=thread)

    async def waiting() -> bool:
        rows = await world.db.pool.fetch("SELECT error_code FROM reply_outbox")
        return any(r["error_code"] == "budget" for r in rows)

    await wait_until(waiting, seconds=30)
    await wait_until(world.outbox_settled)
    assert [m.text for m in ym.state.sent_by_partner(BUSINESS, first.chat_id)] == ["Да, есть"]
    rows = await world.db.pool.fetch(
        "SELECT text, status, attempts, error_code,"
        "       not_before > now() + interval '30 minutes' AS later"
        "  FROM reply_outbox WHERE status = 'pending' ORDER BY id"
    )
    # The next reply waits for the reset without spending its tries; the one after it
    # waits behind it (a chat's replies keep their order).
    assert [r["text"] for r in rows] == ["Отправим сегодня", "Спасибо за заказ"]
    assert rows[0]["error_code"] == "budget" and rows[0]["later"] and rows[0]["attempts"] == 0
    notices = [t for t in texts(world, thread) if has(t, says("reply_waits.budget"))]
    assert notices == []  # Market's own wording, not the generic one
    notices = [t for t in texts(world, thread) if has(t, says("reply_waits.budget.ym"))]
    assert len(notices) == 1  # one, not one per reply


async def test_the_buyers_name_heads_their_posts(world: World) -> None:
    ym = emulator(world)
    seller = await add_by_command(
        world, ym.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
    )
    await pushing(world, seller)
    first = ym.state.buyer_writes(BUSINESS, text="Здравствуйте", context_type="DIRECT",
                                  customer_name="Мария <К.>")  # fmt: skip
    thread = await topic_of(world, seller, first.chat_id)
    await world.wait_for_posts(thread, 1)
    ym.state.buyer_writes(BUSINESS, text="Вы тут?", chat_id=first.chat_id)
    await world.wait_for_posts(thread, 2, seconds=30)
    opening, follow_up = texts(world, thread)
    assert opening in says("post.buyer", name="Мария <К.>")  # the context header
    for post in (opening, follow_up):
        assert post in says("author.buyer_named", name="Мария <К.>")  # escaped, by name
        assert says("author.buyer").template not in post


async def test_a_file_market_will_not_hand_over_is_named_in_the_topic(world: World) -> None:
    ym = emulator(world)
    seller = await add_by_command(
        world, ym.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
    )
    await pushing(world, seller)
    receipt = Upload("чек.pdf", b"%PDF-1.4", refused=True)  # Market answers 403 to it
    first = ym.state.buyer_writes(BUSINESS, text="Вот чек", context_type="DIRECT", files=[receipt])
    thread = await topic_of(world, seller, first.chat_id)

    await world.wait_for_posts(thread, 1, seconds=30)
    [post] = world.posts(thread)
    assert "document" not in post
    assert post["text"] in says("post.attachment_file", file="чек.pdf")  # the emulator: http
    assert post["text"] in says("post.attachment_missing.ym")
    assert "Вот чек" in post["text"]
    # A 403 is final: asked once, not retried (each try spends the hourly budget).
    assert sum(n for (_, path), n in ym.calls.items() if path == FILES) == 1
    attempts = "SELECT attempts FROM tg_outbox WHERE kind = 'buyer_message'"
    assert await world.db.pool.fetchval(attempts) == 1
