"""Ozon push notifications through the bot's own push server (the one :func:`bot.app.assemble`
builds, listening on loopback), one step at a time: the Ozon emulator pushes to it, the push
inbox is drained once (the poll the push asks for runs then), the Telegram queue once. No
scheduler runs, so only a push explains a buyer's message arriving, and only from allowed
networks. The server's checks one by one (tokens, proxies, pacing) are in
tests/security/test_push_endpoint.py."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram.methods import SendMessage, TelegramMethod

from bot.sync.push_tokens import PushTokens
from storage.database import Database
from tests.support.handlers import GROUP_ID, HandlerWorld, open_handler_world
from tests.support.relaying import settings_with
from tests.support.world import CLIENT_ID, wait_until


@pytest.fixture
def networks() -> str:
    return "127.0.0.0/8"


@pytest.fixture
async def hw(db: Database, networks: str) -> AsyncIterator[HandlerWorld]:
    push_on = settings_with(
        ozon_push_port=0, ozon_push_host="127.0.0.1", ozon_push_min_interval_seconds=0.0,
        ozon_push_allowed_networks=(ipaddress.ip_network(networks),),
    )  # fmt: skip
    async with open_handler_world(db, push_on) as opened:
        assert opened.app.push is not None
        await opened.app.push.start()
        try:
            yield opened
        finally:
            await opened.app.push.stop()


async def subscribed(hw: HandlerWorld) -> str:
    """The bound group's Ozon shop, its push URL set in Ozon's cabinet; the URL."""
    seller = await hw.add_seller(await hw.bound_group())
    assert hw.app.push is not None
    token = await PushTokens(db=hw.db, vault=hw.vault).current(seller.id)
    url = f"http://127.0.0.1:{hw.app.push.port}/ozon/push/{token.get_secret_value()}"
    hw.ozon.state.set_push_url(CLIENT_ID, url)
    return url


async def pushed(hw: HandlerWorld, count: int) -> None:
    """The emulator's ``count``-th push has been answered."""

    async def answered() -> bool:
        return len(hw.ozon.pushes) >= count

    await wait_until(answered)


async def processed(hw: HandlerWorld) -> list[TelegramMethod[Any]]:
    """One drain of the push inbox (the polls it asks for), then the Telegram queue."""
    assert hw.app.push_inbox is not None
    await hw.app.push_inbox.drain()
    return await hw.deliver()


def posted(requests: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [r for r in requests if isinstance(r, SendMessage) and r.chat_id == GROUP_ID]


async def test_a_push_brings_the_buyer_message_without_a_scheduled_poll(
    hw: HandlerWorld,
) -> None:
    await subscribed(hw)
    chat_id, _ = hw.ozon.state.buyer_writes(CLIENT_ID, text="Здравствуйте, где заказ?")
    await pushed(hw, 1)
    [first] = posted(await processed(hw))
    assert first.message_thread_id is not None
    assert "Здравствуйте, где заказ?" in first.text

    hw.ozon.state.buyer_writes(CLIENT_ID, text="Ау?", chat_id=chat_id)
    await pushed(hw, 2)
    [second] = posted(await processed(hw))
    assert second.message_thread_id == first.message_thread_id and "Ау?" in second.text
    assert [status for _, _, status in hw.ozon.pushes] == [200, 200]
    stored = await hw.db.pool.fetchval("SELECT count(*) FROM messages")
    assert stored == 2  # a push and a poll of the same message store it once


async def test_ping_is_answered_and_junk_is_refused(hw: HandlerWorld) -> None:
    url = await subscribed(hw)
    async with httpx.AsyncClient() as http:
        ping = await http.post(url, json={"message_type": "TYPE_PING", "time": "2025-09-14"})
        junk = await http.post(url, content=b"not json")
        foreign = await http.post(
            url, json={"message_type": "TYPE_NEW_MESSAGE", "seller_id": 1, "chat_type": "x"}
        )
    assert ping.status_code == 200 and ping.json()["name"] and ping.json()["time"]
    assert junk.status_code == 400
    assert junk.json()["error"]["code"] == "ERROR_PARAMETER_VALUE_MISSED"
    assert foreign.json() == {"result": True}  # acknowledged, ignored


@pytest.mark.parametrize("networks", ["195.34.21.0/24"])
async def test_a_push_from_a_network_not_allowed_is_refused(hw: HandlerWorld) -> None:
    await subscribed(hw)
    hw.ozon.state.buyer_writes(CLIENT_ID, text="Здравствуйте")
    await pushed(hw, 1)
    assert hw.ozon.pushes[0][2] == 403
    assert posted(await processed(hw)) == []
    assert await hw.db.pool.fetchval("SELECT count(*) FROM push_inbox") == 0
    assert await hw.db.pool.fetchval("SELECT count(*) FROM messages") == 0
