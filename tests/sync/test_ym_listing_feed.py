"""Polling a Yandex Market cabinet: chats waiting for the seller listed by status, history
read from the stored cursor, a slower sweep of every status; an idle poll costs one list
call; what a push fetches goes through the same ingestion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.seller_api import SellerApis
from bot.sync.ingest import ingest_chat
from bot.sync.poller import SellerPoller
from connectors.marketplace.registry import MarketplaceRegistry
from connectors.yandex_market.adapter import CODE, YmChannel, YmMarketplace, is_arbitrage
from connectors.yandex_market.client import YandexMarketClient
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault
from tests.storage.factories import make_seller, make_workspace

BUSINESS = 5123456


async def no_wait(_: float) -> None:
    """Retries without pauses."""


class Clock:
    """Two minutes ahead: past the adapter's recheck window of fresh activity."""

    def __init__(self) -> None:
        self.shift = timedelta(minutes=2)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@dataclass
class YmWorld:
    db: Database
    emu: YandexMarketEmulator
    client: YandexMarketClient
    apis: SellerApis
    poller: SellerPoller
    seller: Seller
    clock: Clock

    def calls(self) -> int:
        return self.client.calls.for_account(str(BUSINESS)).total()

    async def count(self, sql: str, *args: object) -> int:
        return int(await self.db.pool.fetchval(sql, *args))

    async def channel(self) -> YmChannel:
        channel = await self.apis.for_seller(self.seller)
        assert isinstance(channel, YmChannel)
        return channel


@pytest.fixture
async def world(db: Database) -> AsyncIterator[YmWorld]:
    async with YandexMarketEmulator() as emu:
        emu.state.add_business(BUSINESS, name="Кабинет", campaign_ids=[21784512])
        key = emu.state.issue_key([BUSINESS]).token
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        seller = await make_seller(
            db,
            await make_workspace(db),
            marketplace=CODE,
            client_id=str(BUSINESS),
            api_key_encrypted=vault.encrypt(SecretStr(key)),
        )
        clock = Clock()
        async with YandexMarketClient(base_url=emu.base_url, sleep=no_wait) as client:
            registry = MarketplaceRegistry({CODE: YmMarketplace(client, clock=clock)})
            apis = SellerApis(db=db, vault=vault, marketplaces=registry)
            poller = SellerPoller(db=db, apis=apis, clock=clock)
            yield YmWorld(db, emu, client, apis, poller, seller, clock)


async def test_chats_are_mirrored_once_and_an_idle_poll_costs_one_list_call(
    world: YmWorld,
) -> None:
    state = world.emu.state
    first = state.buyer_writes(
        BUSINESS,
        text="Где заказ?",
        context_type="ORDER",
        customer_name="Анна К.",
        order_id=55012347,
    )
    state.buyer_writes(BUSINESS, text="Жду", chat_id=first.chat_id)
    direct = state.buyer_writes(BUSINESS, text="Есть синий?", context_type="DIRECT")
    report = await world.poller.poll(world.seller)
    assert (report.chats_imported, report.messages_stored) == (2, 3)
    chat = await world.db.chats.get_by_external(
        seller_id=world.seller.id, external_id=str(first.chat_id)
    )
    assert chat.buyer_name == "Анна К." and chat.order_number == "55012347"
    data = await world.db.marketplace_data.get(chat_id=chat.id)
    assert data["context"] == "ORDER" and data["order_id"] == "55012347"
    assert await world.count("SELECT count(*) FROM tg_outbox") == 3

    before = world.calls()
    idle = await world.poller.poll(world.seller)
    assert world.calls() - before == 1 and idle.messages_stored == 0
    assert world.emu.calls[(str(BUSINESS), "/chats/history")] == 2  # one per chat, once

    state.buyer_writes(BUSINESS, text="Ответьте", chat_id=direct.chat_id)
    again = await world.poller.poll(world.seller)
    assert again.messages_stored == 1 and again.chats_changed == 1
    assert await world.count("SELECT count(*) FROM messages") == 4


async def test_the_sweep_catches_a_cabinet_reply_and_arbitration(world: YmWorld) -> None:
    state = world.emu.state
    chat = state.buyer_writes(BUSINESS, text="Сломан", context_type="ORDER")
    await world.poller.poll(world.seller)
    state.partner_writes(BUSINESS, chat.chat_id, "Разберёмся", [])  # typed in the cabinet
    state.start_arbitrage(BUSINESS, chat.chat_id)  # no longer waiting for us
    quiet = await world.poller.poll(world.seller)
    assert quiet.messages_stored == 0  # the fast poll lists only NEW/WAITING_FOR_PARTNER

    world.clock.shift += timedelta(minutes=11)  # the sweep of every status is due
    swept = await world.poller.poll(world.seller)
    assert swept.messages_stored == 2
    stored = await world.db.chats.get_by_external(
        seller_id=world.seller.id, external_id=str(chat.chat_id)
    )
    data = await world.db.marketplace_data.get(chat_id=stored.id)
    assert is_arbitrage(data)
    sources = await world.db.pool.fetch(
        "SELECT author_type, source FROM messages WHERE chat_id = $1 ORDER BY id", stored.id
    )
    assert [(r["author_type"], r["source"]) for r in sources] == [
        ("customer", "marketplace"),
        ("seller", "cabinet"),
        ("system", "marketplace"),
    ]


async def test_a_pushed_message_and_the_next_poll_store_it_once(world: YmWorld) -> None:
    state = world.emu.state
    chat = state.buyer_writes(BUSINESS, text="Привет")
    channel = await world.channel()
    info = await channel.fetch_chat(str(chat.chat_id))
    await ingest_chat(
        world.db,
        seller=world.seller,
        summary=info,
        messages=[],
        reply_window=channel.rules.reply_window,
    )
    pushed = await channel.fetch_message(str(chat.chat_id), str(chat.message_id))
    result = await ingest_chat(
        world.db,
        seller=world.seller,
        summary=pushed.chat,
        messages=pushed.messages,
        reply_window=channel.rules.reply_window,
    )
    assert result.stored == 1
    report = await world.poller.poll(world.seller)
    assert report.messages_stored == 0
    assert await world.count("SELECT count(*) FROM messages") == 1


async def test_a_first_sync_remembers_chats_older_than_the_window_and_mirrors_only_news(
    world: YmWorld,
) -> None:
    state = world.emu.state
    old = state.buyer_writes(BUSINESS, text="Старый вопрос")
    state.buyer_writes(BUSINESS, text="И ещё", chat_id=old.chat_id)
    world.clock.shift = timedelta(days=31)  # the chat is now outside YM's 30-day window
    first = await world.poller.poll(world.seller)
    assert first.messages_stored == 0 and first.chats_remembered == 1
    assert await world.count("SELECT count(*) FROM tg_outbox") == 0

    state.advance(31 * 86400)  # Yandex's time catches up: the buyer writes today
    state.buyer_writes(BUSINESS, text="Новый вопрос", chat_id=old.chat_id)
    world.clock.shift = timedelta(days=31, minutes=2)
    news = await world.poller.poll(world.seller)
    assert news.messages_stored == 1
    texts = await world.db.pool.fetch("SELECT text FROM messages")
    assert [r["text"] for r in texts] == ["Новый вопрос"]
