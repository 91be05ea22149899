"""The Ozon push endpoint: a per-seller secret in the path, the network allow-list as a
second check (X-Forwarded-For only from trusted proxies), a per-seller rate limit, and
Ozon-shaped answers to junk. The real aiohttp server over loopback, a recording poll."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.settings import IpNetwork
from bot.sync.push import MAX_BODY_BYTES, PollTrigger, PushServer, client_address
from bot.sync.push_inbox import PollOnPush, PushInbox
from bot.sync.push_tokens import PushTokens
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault
from tests.storage.factories import CLIENT_ID, make_seller, make_workspace

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
OZON = (ipaddress.ip_network("195.34.21.0/24"),)


def buyer_push(seller_id: str = CLIENT_ID) -> dict[str, object]:
    return {
        "message_type": "TYPE_NEW_MESSAGE",
        "chat_id": "b646d975",
        "chat_type": "Buyer_Seller",
        "message_id": "3000000000817031942",
        "seller_id": seller_id,
    }


@dataclass
class Endpoint:
    server: PushServer
    trigger: PollTrigger
    inbox: PushInbox
    tokens: PushTokens
    seller: Seller
    polled: list[int]

    def url(self, token: str) -> str:
        return f"http://127.0.0.1:{self.server.port}/ozon/push/{token}"


async def open_endpoint(
    db: Database,
    *,
    networks: Sequence[IpNetwork] = LOOPBACK,
    proxies: Sequence[IpNetwork] = (),
) -> Endpoint:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace)
    polled: list[int] = []

    async def poll(seller_id: int) -> None:
        polled.append(seller_id)

    trigger = PollTrigger(poll)
    inbox = PushInbox(db=db, processors={"ozon": PollOnPush(trigger.request)})
    server = PushServer(db=db, inbox=inbox, host="127.0.0.1", port=0,
                        allowed_networks=networks, trusted_proxies=proxies)  # fmt: skip
    await server.start()
    tokens = PushTokens(db=db, vault=Vault([SecretStr(Fernet.generate_key().decode())]))
    return Endpoint(server, trigger, inbox, tokens, seller, polled)


@pytest.fixture
async def endpoint(db: Database) -> AsyncIterator[Endpoint]:
    opened = await open_endpoint(db)
    yield opened
    await opened.server.stop()


async def test_only_the_sellers_token_triggers_a_poll(endpoint: Endpoint) -> None:
    token = (await endpoint.tokens.current(endpoint.seller.id)).get_secret_value()
    assert len(token) >= 40
    base = f"http://127.0.0.1:{endpoint.server.port}"
    async with httpx.AsyncClient() as http:
        wrong = await http.post(endpoint.url("x" * len(token)), json=buyer_push())
        missing = await http.post(f"{base}/ozon/push", json=buyer_push())
        empty = await http.post(f"{base}/ozon/push/", json=buyer_push())
        for refused in (wrong, missing, empty):
            assert refused.status_code == 404
            assert refused.json()["error"]["code"] == "ERROR_UNKNOWN"
        assert endpoint.trigger.busy == frozenset()
        ok = await http.post(endpoint.url(token), json=buyer_push())
        assert ok.json() == {"result": True}
    await endpoint.inbox.drain()
    assert endpoint.polled == [endpoint.seller.id]


async def test_a_rotated_token_stops_working_at_once(db: Database, endpoint: Endpoint) -> None:
    old = (await endpoint.tokens.current(endpoint.seller.id)).get_secret_value()
    new = (await endpoint.tokens.rotate(endpoint.seller.id, actor_tg_user_id=7)).get_secret_value()
    assert new != old
    assert (await endpoint.tokens.current(endpoint.seller.id)).get_secret_value() == new
    async with httpx.AsyncClient() as http:
        assert (await http.post(endpoint.url(old), json=buyer_push())).status_code == 404
        assert (await http.post(endpoint.url(new), json=buyer_push())).status_code == 200
    [entry] = await db.audit.list_recent()
    assert entry.action == "seller.push_url_rotate" and entry.seller_id == endpoint.seller.id
    stored = await db.pool.fetchrow(
        "SELECT push_token_hash, push_token_encrypted FROM sellers WHERE id = $1",
        endpoint.seller.id,
    )
    assert stored is not None
    assert new not in stored["push_token_hash"]
    assert new.encode() not in bytes(stored["push_token_encrypted"])


async def test_a_push_naming_another_seller_polls_nobody(endpoint: Endpoint) -> None:
    token = (await endpoint.tokens.current(endpoint.seller.id)).get_secret_value()
    async with httpx.AsyncClient() as http:
        answer = await http.post(endpoint.url(token), json=buyer_push(seller_id="999"))
    assert answer.json() == {"result": True}  # acknowledged, as Ozon expects
    await endpoint.inbox.drain()
    assert endpoint.trigger.busy == frozenset() and endpoint.polled == []


async def test_junk_is_answered_as_ozon_expects(endpoint: Endpoint) -> None:
    token = (await endpoint.tokens.current(endpoint.seller.id)).get_secret_value()
    async with httpx.AsyncClient() as http:
        huge = await http.post(endpoint.url(token), content=b"{" + b" " * MAX_BODY_BYTES + b"}",
                               headers={"Content-Type": "application/json"})  # fmt: skip
        malformed = await http.post(endpoint.url(token), content=b'{"message_type": ')
        not_object = await http.post(endpoint.url(token), json=[1, 2])
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "ERROR_UNKNOWN"
    for answer in (malformed, not_object):
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "ERROR_PARAMETER_VALUE_MISSED"
    assert endpoint.polled == []


@pytest.mark.parametrize(
    ("proxies", "forwarded", "status"),
    [
        ((), "195.34.21.7", 403),  # no trusted proxy: the header is the client's own words
        (LOOPBACK, "195.34.21.7", 200),  # behind our proxy: Ozon's address counts
        (LOOPBACK, "8.8.8.8", 403),  # behind our proxy: a stranger
        (LOOPBACK, "195.34.21.7, 8.8.8.8", 403),  # a forged left part does not help
        (LOOPBACK, None, 403),  # the proxy itself is not Ozon
    ],
)
async def test_the_allow_list_reads_forwarded_for_only_from_trusted_proxies(
    db: Database, proxies: Sequence[IpNetwork], forwarded: str | None, status: int
) -> None:
    opened = await open_endpoint(db, networks=OZON, proxies=proxies)
    try:
        token = (await opened.tokens.current(opened.seller.id)).get_secret_value()
        headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
        async with httpx.AsyncClient() as http:
            answer = await http.post(opened.url(token), json=buyer_push(), headers=headers)
        assert answer.status_code == status
        await opened.inbox.drain()
        assert opened.polled == ([opened.seller.id] if status == 200 else [])
    finally:
        await opened.server.stop()


def test_client_address_skips_trusted_hops_from_the_right() -> None:
    proxies = (ipaddress.ip_network("10.0.0.0/8"),)
    assert client_address("10.0.0.2", "1.2.3.4, 195.34.21.9, 10.0.0.1", proxies) == "195.34.21.9"
    assert client_address("8.8.8.8", "195.34.21.9", proxies) == "8.8.8.8"
    assert client_address("10.0.0.2", None, proxies) == "10.0.0.2"


async def test_pushes_trigger_at_most_one_poll_per_seller_per_interval() -> None:
    now = [100.0]
    slept: list[float] = []
    polled: list[int] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    trigger: PollTrigger

    async def poll(seller_id: int) -> None:
        polled.append(seller_id)
        if len(polled) == 1:
            for _ in range(20):  # a flood while the first poll runs
                trigger.request(seller_id)
        now[0] += 1.0  # the poll itself takes a second

    trigger = PollTrigger(poll, min_interval=5.0, monotonic=lambda: now[0], sleep=sleep)
    trigger.request(1)
    await trigger.drain()
    assert polled == [1, 1]  # the flood is folded into one poll…
    assert slept == [4.0]  # …that waits out the interval since the first one started
    trigger.request(1)  # a push soon after: waits too
    await trigger.drain()
    assert polled == [1, 1, 1] and slept[-1] == pytest.approx(4.0)
