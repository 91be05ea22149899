"""Ozon push notifications through the real bot: a push makes the buyer's message appear
without waiting for the scheduled poll, and only from allowed networks."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.sync.push_tokens import PushTokens
from sandbox.ozon.server import OzonEmulator
from storage.database import Database
from storage.errors import NotFound
from tests.support.world import CLIENT_ID, World, open_world, wait_until


async def first_polls_done(world: World, restarted: datetime) -> None:
    """The scheduler polls every seller once at start; let that finish before buyers write,
    so that only a push can explain what arrives next (the next poll is an hour away)."""

    async def polled() -> bool:
        state = await world.db.sync_state.get(seller_id=world.seller.id)
        return state.last_success_at is not None and state.last_success_at > restarted

    await wait_until(polled)


async def topic_when_stored(world: World, chat_id: str) -> int:
    async def mapped() -> bool:
        try:
            return (await world.chat(chat_id)).topic_thread_id is not None
        except NotFound:
            return False

    await wait_until(mapped)
    return await world.topic_of(chat_id)


async def with_push(world: World, networks: str) -> str:
    """Restart the bot with the push endpoint on; return its URL."""
    await world.stop()
    world.settings = world.settings.model_copy(
        update={
            "ozon_push_port": 0,
            "ozon_push_host": "127.0.0.1",
            "ozon_push_allowed_networks": (ipaddress.ip_network(networks),),
        }
    )
    restarted = datetime.now(UTC)
    await world.start()
    await first_polls_done(world, restarted)
    assert world.app is not None and world.app.push is not None
    token = await PushTokens(db=world.db, vault=world.vault).current(world.seller.id)
    return f"http://127.0.0.1:{world.app.push.port}/ozon/push/{token.get_secret_value()}"


@pytest.fixture
async def pushing(db: Database) -> AsyncIterator[tuple[World, str]]:
    async with open_world(db) as world:
        url = await with_push(world, "127.0.0.0/8")
        world.ozon.state.set_push_url(CLIENT_ID, url)
        yield world, url


async def test_a_push_brings_the_buyer_message_without_a_scheduled_poll(
    pushing: tuple[World, str],
) -> None:
    world, _ = pushing
    chat_id, _ = world.buyer_writes(text="Здравствуйте, где заказ?")
    thread = await topic_when_stored(world, chat_id)  # the poll interval is an hour
    await world.wait_for_posts(thread, 1)
    assert "Здравствуйте, где заказ?" in world.posts(thread)[0]["text"]

    world.buyer_writes(text="Ау?", chat_id=chat_id)
    await world.wait_for_posts(thread, 2)
    ozon: OzonEmulator = world.ozon
    assert [status for _, _, status in ozon.pushes] == [200, 200]
    stored = await world.db.pool.fetchval("SELECT count(*) FROM messages")
    assert stored == 2  # a push and a poll of the same message store it once


async def test_ping_is_answered_and_junk_is_refused(pushing: tuple[World, str]) -> None:
    _, url = pushing
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


async def test_a_push_from_a_network_not_allowed_is_refused(db: Database) -> None:
    async with open_world(db) as world:
        url = await with_push(world, "195.34.21.0/24")
        world.ozon.state.set_push_url(CLIENT_ID, url)
        world.buyer_writes(text="Здравствуйте")

        async def pushed() -> bool:
            return bool(world.ozon.pushes)

        await wait_until(pushed)
        assert world.ozon.pushes[0][2] == 403
        assert await world.db.pool.fetchval("SELECT count(*) FROM messages") == 0
