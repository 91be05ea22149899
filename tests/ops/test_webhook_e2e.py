"""Webhook mode: stored before the 200, refused without the secret, redelivered after a
500 or a lost 200, and processed once every time (tg_updates is keyed by update_id).

One flow runs the real bot against the Telegram emulator's webhook delivery: it sets its
webhook, a reply arrives through it once, a restart in polling mode deletes the webhook,
and a webhook Telegram refuses stops the next start-up with its reason. The receiver's own
rules are handler cases: its aiohttp endpoint on a loopback port, storing through the
intake the bot builds, the stored updates run by its processor and the reply worker
(tests.support.ops_steps, tests.support.relaying)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator

import pytest

from bot.errors import StartupError
from bot.updates.webhook import SECRET_HEADER
from storage.database import Database
from tests.support.handlers import HandlerWorld
from tests.support.ops_steps import WEBHOOK_SECRET, open_webhook, receiving
from tests.support.relaying import open_relay_world
from tests.support.world import World, open_world, wait_until

SECRET = WEBHOOK_SECRET


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


async def processed(db: Database, update_id: int) -> None:
    async def done() -> bool:
        status = await db.pool.fetchval(
            "SELECT status FROM tg_updates WHERE update_id = $1", update_id
        )
        return status == "done"

    await wait_until(done)


async def test_the_bot_sets_its_webhook_a_reply_arrives_through_it_once_then_polling_deletes_it(
    db: Database,
) -> None:
    """Full process: Telegram's own delivery to the running bot, then two restarts (back to
    polling; a webhook URL Telegram refuses)."""
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

        # Switching back to polling deletes the webhook.
        await world.stop()
        assert world.tg.webhook is not None  # stopping keeps it: Telegram holds the updates
        assert "deleteWebhook" not in [m for m, _ in world.tg.calls]
        world.settings = world.settings.model_copy(update={"webhook_url": None})
        await world.start()
        world.tg.user_sends(world.agent_id, world.group_id, "Опросом", thread_id=thread)
        await relayed(world, "Опросом")
        assert world.tg.webhook is None
        assert "deleteWebhook" in [m for m, _ in world.tg.calls]

        # A webhook Telegram refuses stops start-up with its reason.
        await world.stop()
        refused = {"webhook_url": "https://bot.example.com:9999/telegram/webhook",  # no
                   "webhook_port": 0}  # webhook port  # fmt: skip
        world.settings = world.settings.model_copy(update=refused)
        with pytest.raises(StartupError) as caught:
            await world.start()
        assert str(caught.value).startswith(
            "Telegram refused WEBHOOK_URL: Bad Request: bad webhook"
        )
        assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({SECRET_HEADER: "wrong-secret"}, 403), ({SECRET_HEADER: SECRET[:-1]}, 403)],
)
async def test_a_request_without_the_right_secret_is_refused_and_nothing_is_stored(
    hw: HandlerWorld, headers: dict[str, str], status: int
) -> None:
    async with open_webhook(receiving(hw)) as webhook:
        forged = {"update_id": 990001, "message": {"message_id": 1, "date": 0,
                  "chat": {"id": 1, "type": "private"}, "text": "/start"}}  # fmt: skip
        assert await webhook.post(forged, headers) == status
    assert await hw.db.pool.fetchval("SELECT count(*) FROM tg_updates") == 0
    assert hw.session.requests == []


async def test_a_failed_store_answers_500_and_the_redelivery_is_processed_once(
    db: Database,
) -> None:
    async with open_relay_world(db) as rw:
        chat_id, thread = await rw.topic()
        steps = receiving(rw.hw)
        update = {"update_id": 5001, "message": rw.agent_message(thread, "text", "Ответ 1")}
        async with open_webhook(steps) as webhook:
            # A real store failure: the table is away while the update arrives.
            await db.pool.execute("ALTER TABLE tg_updates RENAME TO tg_updates_away")
            try:
                assert await webhook.post(update) == 500
            finally:
                await db.pool.execute("ALTER TABLE tg_updates_away RENAME TO tg_updates")
            assert await db.pool.fetchval("SELECT count(*) FROM tg_updates") == 0
            assert await webhook.post(update) == 200  # Telegram delivers it again
        await steps.process()
        await rw.relay()
        status = await db.pool.fetchval("SELECT status FROM tg_updates WHERE update_id = 5001")
        assert status == "done"
        assert rw.market.sent_texts(chat_id) == ["Ответ 1"]


async def test_a_lost_200_makes_telegram_redeliver_and_the_update_runs_once(
    db: Database,
) -> None:
    async with open_relay_world(db) as rw:
        chat_id, thread = await rw.topic()
        steps = receiving(rw.hw)
        update = {"update_id": 5002, "message": rw.agent_message(thread, "text", "Ответ 2")}
        async with open_webhook(steps) as webhook:
            assert await webhook.post(update) == 200  # stored; the answer never arrives
            await steps.process()  # processed from the table meanwhile
            await rw.relay()
            assert rw.market.sent_texts(chat_id) == ["Ответ 2"]
            assert await webhook.post(update) == 200  # Telegram delivers it again
        await steps.process()
        await rw.relay()
        assert rw.market.sent_texts(chat_id) == ["Ответ 2"]
        row = await db.pool.fetchrow(
            "SELECT status, attempts FROM tg_updates WHERE update_id = 5002"
        )
        assert (row["status"], row["attempts"]) == ("done", 1)
        assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 1
