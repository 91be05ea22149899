"""Polling a Wildberries seller: the events stream read from its stored cursor.

The cursor is saved after what a batch produced, so a crash in between re-reads the batch
and stores nothing twice; an idle seller costs one events call; the first sync mirrors only
the reply window.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.marketplaces import build_marketplaces
from bot.seller_api import SellerApis
from bot.sync import events
from bot.sync.poller import SellerPoller
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from sandbox.wildberries import WildberriesEmulator
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault
from tests.storage.factories import make_seller, make_workspace

WB_SELLER = "wb-sync-seller"


async def no_wait(_: float) -> None:
    """Retries without pauses."""


@dataclass
class WbWorld:
    db: Database
    emu: WildberriesEmulator
    client: WildberriesClient
    apis: SellerApis
    poller: SellerPoller
    seller: Seller

    def calls(self) -> int:
        return self.client.calls.for_account(WB_SELLER).total()

    async def count(self, sql: str, *args: object) -> int:
        return int(await self.db.pool.fetchval(sql, *args))


@pytest.fixture
async def world(db: Database) -> AsyncIterator[WbWorld]:
    async with WildberriesEmulator(rate_limit=False) as emu:
        emu.state.add_seller(WB_SELLER, name="WB")
        token = emu.state.issue_token(WB_SELLER).token
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        seller = await make_seller(
            db,
            await make_workspace(db),
            marketplace="wildberries",
            client_id=WB_SELLER,
            api_key_encrypted=vault.encrypt(SecretStr(token)),
        )
        async with (
            WildberriesClient(base_url=emu.base_url, sleep=no_wait) as client,
            OzonClient(base_url="http://127.0.0.1:9") as unused_ozon,
        ):
            registry = build_marketplaces(ozon=unused_ozon, wb=client)
            apis = SellerApis(db=db, vault=vault, marketplaces=registry)
            yield WbWorld(db, emu, client, apis, SellerPoller(db=db, apis=apis), seller)


async def test_new_events_are_mirrored_once_and_an_idle_poll_costs_one_call(
    world: WbWorld,
) -> None:
    first = world.emu.state.buyer_writes(WB_SELLER, text="Привет", client_name="Алёна")
    world.emu.state.buyer_writes(WB_SELLER, text="Есть размер?", chat_id=first.chat_id)
    report = await world.poller.poll(world.seller)
    assert (report.chats_imported, report.messages_stored) == (1, 2)
    chat = await world.db.chats.get_by_external(
        seller_id=world.seller.id, external_id=first.chat_id
    )
    assert chat.buyer_name == "Алёна" and chat.sku == "12345678"
    data = await world.db.marketplace_data.get(chat_id=chat.id)
    assert data == {"reply_sign": first.reply_sign, "nm_id": "12345678"}
    assert await world.count("SELECT count(*) FROM tg_outbox") == 2

    before = world.calls()
    idle = await world.poller.poll(world.seller)
    assert world.calls() - before == 1 and idle.calls == 1 and idle.messages_stored == 0

    world.emu.state.buyer_writes(WB_SELLER, text="Жду ответа", chat_id=first.chat_id)
    again = await world.poller.poll(world.seller)
    assert again.messages_stored == 1
    assert await world.count("SELECT count(*) FROM messages") == 3


async def test_a_crash_before_the_cursor_is_saved_reads_the_batch_again_storing_nothing_twice(
    world: WbWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world.emu.state.buyer_writes(WB_SELLER, text="Первый чат")
    b = world.emu.state.buyer_writes(WB_SELLER, text="Второй чат")

    async def crash(**_: object) -> None:
        raise ConnectionResetError("killed after the chats, before the cursor")

    monkeypatch.setattr(world.db.sync_state, "save_cursor", crash)
    with pytest.raises(ConnectionResetError):
        await world.poller.poll(world.seller)
    assert (await world.db.sync_state.get(seller_id=world.seller.id)).cursor is None
    monkeypatch.undo()

    world.emu.state.buyer_writes(WB_SELLER, text="Ещё вопрос", chat_id=a.chat_id)
    await world.poller.poll(world.seller)  # the same batch again, and what came since
    texts = await world.db.pool.fetch("SELECT text FROM messages ORDER BY sent_at, id")
    assert [r["text"] for r in texts] == ["Первый чат", "Второй чат", "Ещё вопрос"]
    assert await world.count("SELECT count(*) FROM tg_outbox") == 3  # each posted once
    assert await world.count("SELECT count(*) FROM chats WHERE external_id = $1", b.chat_id) == 1
    state = await world.db.sync_state.get(seller_id=world.seller.id)
    assert state.cursor is not None


async def test_the_first_sync_mirrors_only_the_reply_window(world: WbWorld) -> None:
    old = world.emu.state.buyer_writes(WB_SELLER, text="Давний вопрос")
    world.emu.state.advance(timedelta(days=11).total_seconds())
    recent = world.emu.state.buyer_writes(WB_SELLER, text="Свежий вопрос")
    poller = SellerPoller(db=world.db, apis=world.apis, clock=world.emu.state.now)
    report = await poller.poll(world.seller)
    assert report.initial and report.chats_imported == 1 and report.chats_remembered == 1
    assert [r["text"] for r in await world.db.pool.fetch("SELECT text FROM messages")] == [
        "Свежий вопрос"
    ]
    remembered = await world.db.chats.get_by_external(
        seller_id=world.seller.id, external_id=old.chat_id
    )
    assert remembered.last_message_external_id is not None
    assert recent.chat_id != old.chat_id


async def test_a_first_sync_read_over_several_polls_keeps_the_window_until_the_end(
    world: WbWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events, "MAX_BATCHES", 1)
    world.emu.state.events_page_size = 1  # one event per call: a backlog of three polls
    world.emu.state.buyer_writes(WB_SELLER, text="Давний 1")
    world.emu.state.buyer_writes(WB_SELLER, text="Давний 2")
    world.emu.state.advance(timedelta(days=11).total_seconds())
    world.emu.state.buyer_writes(WB_SELLER, text="Свежий")
    poller = SellerPoller(db=world.db, apis=world.apis, clock=world.emu.state.now)

    for _ in range(3):
        report = await poller.poll(world.seller)
        assert report.initial  # the end of the stream is not reached yet
    last = await poller.poll(world.seller)
    state = await world.db.sync_state.get(seller_id=world.seller.id)
    assert last.initial and state.initial_sync_done_at is not None
    assert [r["text"] for r in await world.db.pool.fetch("SELECT text FROM messages")] == [
        "Свежий"
    ]
    assert await world.count("SELECT count(*) FROM chats") == 3
