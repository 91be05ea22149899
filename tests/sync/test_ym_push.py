"""Yandex Market push through the real push server, inbox and adapter, against the YM
emulator's push simulator: answered at once with Market's shape, stored once, processed
after the answer; a storm of duplicates, out-of-order notifications and a PING loses no
buyer message and doubles none. The answer latencies are printed (run with -s)."""

from __future__ import annotations

import ipaddress
import statistics
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.marketplaces import build_marketplaces
from bot.seller_api import SellerApis
from bot.sync.poller import SellerPoller
from bot.sync.push import PollTrigger, PushServer
from bot.sync.push_inbox import PushInbox
from bot.sync.push_tokens import PushTokens
from bot.sync.ym_push import YmPushes
from connectors.ozon.client import OzonClient
from connectors.yandex_market.client import YandexMarketClient
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault
from tests.storage.factories import make_seller, make_workspace
from tests.support.world import wait_until

BUSINESS = 5123456
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@dataclass
class Desk:
    db: Database
    emu: YandexMarketEmulator
    seller: Seller
    server: PushServer
    inbox: PushInbox
    url: str

    async def texts(self, chat_id: int) -> list[str]:
        rows = await self.db.pool.fetch(
            """
            SELECT m.text FROM messages m JOIN chats c ON c.id = m.chat_id
             WHERE c.seller_id = $1 AND c.external_id = $2 ORDER BY m.id
            """,
            self.seller.id,
            str(chat_id),
        )
        return [r["text"] for r in rows]

    async def settled(self) -> None:
        """Every notification delivered and every inbox row processed."""
        await self.emu.push.wait_idle()

        async def processed() -> bool:
            pending = await self.db.pool.fetchval(
                "SELECT count(*) FROM push_inbox WHERE status = 'pending'"
            )
            return int(pending) == 0

        await wait_until(processed, seconds=30)


@pytest.fixture
async def desk(db: Database) -> AsyncIterator[Desk]:
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    async with YandexMarketEmulator() as emu, YandexMarketClient(base_url=emu.base_url) as ym, \
            OzonClient(base_url="http://127.0.0.1:9") as ozon:  # fmt: skip
        emu.state.add_business(BUSINESS, name="Кабинет")
        key = emu.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
        workspace = await make_workspace(db)
        seller = await make_seller(db, workspace, client_id=str(BUSINESS), marketplace="ym",
                                   api_key_encrypted=vault.encrypt(SecretStr(key)))  # fmt: skip
        apis = SellerApis(db=db, vault=vault, marketplaces=build_marketplaces(ozon=ozon, ym=ym))
        poller = SellerPoller(db=db, apis=apis)

        async def poll(seller_id: int) -> None:
            await poller.poll(await db.sellers.get(seller_id=seller_id))

        trigger = PollTrigger(poll)
        inbox = PushInbox(db=db, processors={"ym": YmPushes(db=db, apis=apis,
                                                            poll=trigger.request)})  # fmt: skip
        server = PushServer(db=db, inbox=inbox, host="127.0.0.1", port=0,
                            allowed_networks=(), ym_networks=LOOPBACK)  # fmt: skip
        await server.start()
        await inbox.start()
        token = (await PushTokens(db=db, vault=vault).current(seller.id)).get_secret_value()
        url = f"http://127.0.0.1:{server.port}/ym/push/{token}/notification"
        emu.push.settings.urls[BUSINESS] = url
        try:
            yield Desk(db, emu, seller, server, inbox, url)
        finally:
            await server.stop()
            await inbox.stop()
            await trigger.cancel()


async def test_a_push_storm_loses_nothing_and_doubles_nothing(desk: Desk) -> None:
    push = desk.emu.push
    state = desk.emu.state
    push.settings.duplicates = 2  # every notification three times
    push.settings.hold_order = True  # then all of them newest first
    first = state.buyer_writes(BUSINESS, text="Где мой заказ?")
    a = first.chat_id
    sent_a = ["Где мой заказ?"] + [f"a{n}" for n in range(1, 5)]
    for body in sent_a[1:]:
        state.buyer_writes(BUSINESS, chat_id=a, text=body)
    b = state.buyer_writes(BUSINESS, text="b0", context_type="DIRECT").chat_id
    sent_b = ["b0", "b1", "b2"]
    for body in sent_b[1:]:
        state.buyer_writes(BUSINESS, chat_id=b, text=body)
    push.ping(BUSINESS)  # a PING in the middle of the storm
    assert push.release_held() == 10  # 2 chats created + 8 messages
    await desk.settled()
    assert await desk.texts(a) == sent_a
    assert await desk.texts(b) == sent_b

    # The chats are known now: a second storm is read from the stored last message.
    later = [f"a{n}" for n in range(5, 9)]
    for body in later:
        state.buyer_writes(BUSINESS, chat_id=a, text=body)
    push.ping(BUSINESS)
    assert push.release_held() == 4
    await desk.settled()
    assert await desk.texts(a) == sent_a + later
    assert await desk.texts(b) == sent_b

    # Every attempt was answered 200 in Market's shape within its limit: the simulator
    # counts a late answer (over 1 s for PING, 10 s otherwise) as a failure and retries.
    deliveries = push.deliveries
    assert len(deliveries) == 3 * (14 + 2)  # PINGs are sent three times too
    assert all(d.status == 200 and d.attempt == 1 and d.error is None for d in deliveries)
    stored = await desk.db.push_inbox.rows(seller_id=desk.seller.id)
    assert len(stored) == 14  # one row per notification, whatever the duplicates
    assert all(row.status == "done" for row in stored)
    for ping in (True, False):
        seconds = sorted(
            d.seconds for d in deliveries if (d.body["notificationType"] == "PING") is ping
        )
        # A figure for the note, not a limit (run with -s, or read the captured output).
        sys.stdout.write(
            f"\nYM push answer latency ({'PING' if ping else 'chat events'}, n={len(seconds)}):"
            f" p50={statistics.median(seconds) * 1000:.1f} ms max={seconds[-1] * 1000:.1f} ms\n"
        )


async def test_every_answer_has_markets_shape_and_junk_gets_a_400(desk: Desk) -> None:
    base = desk.url.removesuffix("/notification")
    async with httpx.AsyncClient() as http:
        ping = await http.post(desk.url, json={"notificationType": "PING", "time": "2026-06-01"})
        at_base = await http.post(base, json={"notificationType": "PING"})
        order = await http.post(desk.url, json={"notificationType": "ORDER_CREATED",
                                                "orderId": 1, "campaignId": 2})  # fmt: skip
        other = await http.post(desk.url, json={"notificationType": "CHAT_MESSAGE_SENT",
                                                "chatId": 1, "messageId": "9",
                                                "businessId": 999, "sentAt": "x"})  # fmt: skip
        broken = await http.post(desk.url, json={"notificationType": "CHAT_MESSAGE_SENT",
                                                 "chatId": 1, "businessId": BUSINESS})  # fmt: skip
        junk = await http.post(desk.url, content=b"{not json")
        wrong = await http.post(base.rsplit("/", 1)[0] + "/" + "x" * 43, json={})
    for answer in (ping, at_base, order, other):
        assert answer.status_code == 200
        assert set(answer.json()) == {"version", "name", "time"}
        assert answer.json()["time"].endswith("Z")
    for answer in (broken, junk):
        assert answer.status_code == 400  # Market logs it and does not retry
        assert answer.json()["error"]["type"] == "WRONG_EVENT_FORMAT"
    assert wrong.status_code == 404
    # Only chat events of this cabinet are noted; the rest is acknowledged and dropped.
    assert await desk.db.push_inbox.rows(seller_id=desk.seller.id) == []


async def test_a_push_the_database_cannot_store_is_answered_500(desk: Desk) -> None:
    await desk.db.pool.execute("ALTER TABLE push_inbox RENAME TO push_inbox_away")
    try:
        async with httpx.AsyncClient() as http:
            answer = await http.post(desk.url, json={
                "notificationType": "CHAT_CREATED", "chatId": 5, "businessId": BUSINESS,
                "createdAt": "2026-06-01T07:15:00.213Z"})  # fmt: skip
    finally:
        await desk.db.pool.execute("ALTER TABLE push_inbox_away RENAME TO push_inbox")
    assert answer.status_code == 500  # Market sends it again
    assert answer.json()["error"]["type"] == "UNKNOWN"
