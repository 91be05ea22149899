"""Webhook mode through the real bot and the Telegram emulator's webhook delivery: stored
before the 200, refused without the secret, redelivered after a 500 or a lost 200, and
processed once every time (tg_updates is keyed by update_id)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.errors import StartupError
from bot.updates.webhook import SECRET_HEADER
from storage.database import Database
from tests.support.world import World, open_world, wait_until

SECRET = "webhook-secret_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def webhook_world(db: Database) -> AsyncIterator[tuple[World, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    overrides = {"webhook_url": url, "webhook_secret": SECRET, "webhook_port": port}
    async with open_world(db, settings_overrides=overrides) as world:
        yield world, url


async def open_topic(world: World) -> tuple[str, int]:
    chat_id, _ = world.buyer_writes(text="Когда доставка?")
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1)
    return chat_id, thread


async def relayed(world: World, text: str) -> None:
    async def arrived() -> bool:
        return text in [r.text for r in world.sent_to_ozon()]

    await wait_until(arrived)


async def settled(db: Database) -> None:
    async def nothing_running() -> bool:
        pending = "SELECT count(*) FROM tg_updates WHERE status = 'pending'"
        return await db.pool.fetchval(pending) == 0

    await wait_until(nothing_running)


async def processed(db: Database, update_id: int) -> None:
    async def done() -> bool:
        status = await db.pool.fetchval(
            "SELECT status FROM tg_updates WHERE update_id = $1", update_id
        )
        return status == "done"

    await wait_until(done)


async def test_the_bot_sets_its_webhook_and_a_reply_arrives_through_it_once(db: Database) -> None:
    async with webhook_world(db) as (world, url):
        webhook = world.tg.webhook
        assert webhook is not None and webhook.url == url and webhook.secret_token == SECRET
        assert webhook.allowed_updates and "message" in webhook.allowed_updates
        assert not [m for m, _ in world.tg.calls if m == "getUpdates"]  # no polling at all
        _, thread = await open_topic(world)
        sent = world.tg.user_sends(world.agent_id, world.group_id, "Завтра", thread_id=thread)
        await relayed(world, "Завтра")
        [update_id] = [
            u["update_id"]
            for u in world.tg.updates
            if u.get("message", {}).get("text") == "Завтра"
        ]
        await processed(db, update_id)
        assert [r.text for r in world.sent_to_ozon()] == ["Завтра"]
        assert (update_id, 200) in world.tg.webhook_answers
        assert world.tg.reactions(world.group_id, sent["message_id"]) in ([], ["👍"])


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({SECRET_HEADER: "wrong-secret"}, 403), ({SECRET_HEADER: SECRET[:-1]}, 403)],
)
async def test_a_request_without_the_right_secret_is_refused_and_nothing_is_stored(
    db: Database, headers: dict[str, str], status: int
) -> None:
    async with webhook_world(db) as (_world, url), aiohttp.ClientSession() as http:
        forged = {"update_id": 990001, "message": {"message_id": 1, "date": 0,
                  "chat": {"id": 1, "type": "private"}, "text": "/start"}}  # fmt: skip
        async with http.post(url, json=forged, headers=headers) as response:
            assert response.status == status
        assert await db.pool.fetchval("SELECT count(*) FROM tg_updates") == 0


async def test_a_failed_store_answers_500_and_the_redelivery_is_processed_once(
    db: Database,
) -> None:
    async with webhook_world(db) as (world, _url):
        _, thread = await open_topic(world)
        await settled(db)  # the failure is this update's store, not an earlier one's finish
        # A real store failure: the table is away while the update arrives.
        await db.pool.execute("ALTER TABLE tg_updates RENAME TO tg_updates_away")
        try:
            world.tg.user_sends(world.agent_id, world.group_id, "Ответ 1", thread_id=thread)
            update_id = world.tg.updates[-1]["update_id"]

            async def refused() -> bool:
                return (update_id, 500) in world.tg.webhook_answers

            await wait_until(refused)
        finally:
            await db.pool.execute("ALTER TABLE tg_updates_away RENAME TO tg_updates")
        await relayed(world, "Ответ 1")
        await processed(db, update_id)
        statuses = [s for u, s in world.tg.webhook_answers if u == update_id]
        assert statuses[0] == 500 and statuses[-1] == 200
        assert [r.text for r in world.sent_to_ozon()] == ["Ответ 1"]


async def test_a_lost_200_makes_telegram_redeliver_and_the_update_runs_once(
    db: Database,
) -> None:
    async with webhook_world(db) as (world, _url):
        _, thread = await open_topic(world)
        hold = world.tg.hold_next_delivery()
        world.tg.user_sends(world.agent_id, world.group_id, "Ответ 2", thread_id=thread)
        assert await hold.wait_answered() == 200  # stored, answered, the answer never arrives
        await relayed(world, "Ответ 2")  # processed from the table meanwhile
        hold.release(lost=True)
        assert hold.update_id is not None

        async def redelivered() -> bool:
            return [s for u, s in world.tg.webhook_answers if u == hold.update_id] == [200, 200]

        await wait_until(redelivered)
        await asyncio.sleep(0.5)  # give a second run every chance to show up
        assert [r.text for r in world.sent_to_ozon()] == ["Ответ 2"]
        row = await db.pool.fetchrow(
            "SELECT status, attempts FROM tg_updates WHERE update_id = $1", hold.update_id
        )
        assert (row["status"], row["attempts"]) == ("done", 1)


async def test_switching_back_to_polling_deletes_the_webhook(db: Database) -> None:
    async with webhook_world(db) as (world, _url):
        assert world.tg.webhook is not None
        await world.stop()
        assert world.tg.webhook is not None  # stopping keeps it: Telegram holds the updates
        world.settings = world.settings.model_copy(update={"webhook_url": None})
        await world.start()
        _, thread = await open_topic(world)
        world.tg.user_sends(world.agent_id, world.group_id, "Опросом", thread_id=thread)
        await relayed(world, "Опросом")
        assert world.tg.webhook is None
        assert "deleteWebhook" in [m for m, _ in world.tg.calls]


async def test_a_webhook_telegram_refuses_stops_start_up_with_its_reason(db: Database) -> None:
    overrides = {
        "webhook_url": "https://bot.example.com:9999/telegram/webhook",  # not a webhook port
        "webhook_secret": SECRET,
        "webhook_port": 0,
    }
    with pytest.raises(StartupError) as caught:
        async with open_world(db, settings_overrides=overrides):
            pass
    assert str(caught.value).startswith("Telegram refused WEBHOOK_URL: Bad Request: bad webhook")
    assert SECRET not in str(caught.value)
