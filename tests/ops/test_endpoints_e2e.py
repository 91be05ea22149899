"""/healthz, /readyz and /metrics of the real bot after a real flow: the numbers scraped
are the numbers the emulators counted; a stopped loop and a missing migration are named.
Single counters (a Telegram 429, a marketplace error) are handler cases: the assembled ops
server started on its own, scraped after one delivery or one sync pass."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import CreateForumTopic
from prometheus_client.parser import text_string_to_metric_families

from bot.logging_setup import JsonFormatter
from bot.settings import Settings
from storage.database import Database
from tests.support.drafting import buyer_message, sync_once
from tests.support.handlers import GROUP_ID, HandlerWorld, open_handler_world
from tests.support.ops_steps import open_ops, scrape
from tests.support.world import API_KEY, CLIENT_ID, World, open_world, wait_until


@pytest.fixture
async def ops_world(db: Database) -> AsyncIterator[World]:
    async with open_world(db, settings_overrides={"metrics_port": 0}) as world:
        yield world


async def get(world: World, path: str) -> tuple[int, Any]:
    assert world.app is not None and world.app.ops is not None
    url = f"http://127.0.0.1:{world.app.ops.port}{path}"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        body = await response.json() if path != "/metrics" else await response.text()
        return response.status, body


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
          **labels: str) -> float:  # fmt: skip
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the process's JSON log would show, secrets masked."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter([API_KEY]))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


async def test_metrics_healthz_and_readyz_after_a_buyer_message_and_an_agent_reply(
    ops_world: World, json_lines: io.StringIO
) -> None:
    world = ops_world
    chat_id, _ = world.buyer_writes(text="Когда доставка?")
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1)
    world.tg.user_sends(world.agent_id, world.group_id, "Завтра", thread_id=thread)

    async def replied_and_settled() -> bool:
        # The turn is marked answered just after Ozon accepts the reply: wait for that too,
        # or the drafts queue may still count it.
        unanswered = await world.db.pool.fetchval(
            "SELECT count(*) FROM buyer_turns WHERE answered_at IS NULL"
        )
        return bool(world.sent_to_ozon()) and await world.outbox_settled() and unanswered == 0

    await wait_until(replied_and_settled)
    status, text = await get(world, "/metrics")
    assert status == 200
    found = samples(text)
    group = str(world.group_id)
    assert value(found, "agentiq_telegram_units_total", group=group) == world.tg.units(
        world.group_id
    )
    assert value(found, "agentiq_telegram_rate_limited_total", group=group) == 0
    assert value(found, "agentiq_intake_latency_seconds_count") == 1
    assert value(found, "agentiq_reply_latency_seconds_count", origin="agent") == 1
    ozon_calls = sum(n for (client, _), n in world.ozon.calls.items() if client == CLIENT_ID)
    seller = str(world.seller.id)
    assert ozon_calls > 0
    assert (
        value(found, "agentiq_marketplace_calls_total", marketplace="ozon", seller_id=seller)
        == ozon_calls
    )
    assert (
        value(
            found, "agentiq_marketplace_call_seconds_count", marketplace="ozon", seller_id=seller
        )
        == ozon_calls
    )
    assert value(found, "agentiq_queue_depth", queue="tg_updates", kind="") == 0
    assert value(found, "agentiq_queue_depth", queue="drafts", kind="") == 0
    # One instance: it leads and long-polls; its poll has ended, so it holds no lease.
    assert value(found, "agentiq_role_held", role="periodic") == 1
    assert value(found, "agentiq_role_held", role="telegram_intake") == 1
    assert ("agentiq_seller_leases_held", frozenset()) in found
    assert value(found, "agentiq_seller_leases_held") == 0
    assert "Когда" not in text and "Завтра" not in text and "Обувь" not in text

    entries = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    [sent] = [e for e in entries if e["message"].startswith("reply=")]
    chat = await world.chat(chat_id)
    assert (sent["chat_id"], sent["seller_id"]) == (chat.id, world.seller.id)
    assert isinstance(sent["reply_id"], int) and sent["logger"] == "bot.bridge.replies"
    assert "Завтра" not in json_lines.getvalue() and API_KEY not in json_lines.getvalue()

    # /healthz: every loop beats; a stopped one is named.
    status, body = await get(world, "/healthz")
    assert status == 200 and body["status"] == "ok" and body["problems"] == []
    assert set(body["heartbeat_age_seconds"]) >= {
        "telegram-delivery", "marketplace-replies", "updates-processor", "updates-intake"
    }  # fmt: skip
    assert world.app is not None
    await world.app.outbox.loop.stop()
    status, body = await get(world, "/healthz")
    assert status == 503 and body["problems"] == ["telegram-delivery: not running"]
    await world.app.outbox.loop.start()

    # /readyz: the database, its migrations and a cached getMe.

    def get_me_calls() -> int:
        return sum(1 for method, _ in world.tg.calls if method == "getMe")

    before = get_me_calls()
    for _ in range(3):
        status, body = await get(world, "/readyz")
        assert status == 200 and body == {"status": "ok", "problems": []}
    assert get_me_calls() - before <= 1  # cached: not one getMe per probe
    latest = await world.db.pool.fetchval("SELECT max(version) FROM schema_migrations")
    row = await world.db.pool.fetchrow(
        "DELETE FROM schema_migrations WHERE version = $1 RETURNING *", latest
    )
    try:
        status, body = await get(world, "/readyz")
        assert status == 503
        assert body["problems"] == [f"database: migrations not applied: [{latest}]"]
    finally:
        await world.db.pool.execute(
            "INSERT INTO schema_migrations SELECT (r).* "
            "FROM (SELECT $1::schema_migrations AS r) s",
            tuple(row.values()),
        )


@contextlib.asynccontextmanager
async def ops_handler_world(db: Database) -> AsyncIterator[tuple[HandlerWorld, Any, str]]:
    """A handler world with the ops server on its own port, its group and Ozon shop."""

    def metrics_on(settings: Settings) -> Settings:
        return settings.model_copy(update={"metrics_port": 0})

    async with open_handler_world(db, metrics_on) as hw, open_ops(hw) as base_url:
        seller = await hw.add_seller(await hw.bound_group())
        yield hw, seller, base_url


async def test_a_telegram_429_is_counted_for_its_group(db: Database) -> None:
    async with ops_handler_world(db) as (hw, seller, base_url):
        limited = TelegramRetryAfter(
            method=CreateForumTopic(chat_id=GROUP_ID, name="…"),
            message="Too Many Requests: retry after 0",
            retry_after=0,  # due again at once: the same delivery round creates the topic
        )
        hw.session.add_result_for(CreateForumTopic, limited)
        chat_id = buyer_message(hw, "Где заказ?")
        requests = await sync_once(hw, seller.id)
        assert len([r for r in requests if isinstance(r, CreateForumTopic)]) == 2
        chat = await hw.db.chats.get_by_external(seller_id=seller.id, external_id=chat_id)
        assert chat.topic_thread_id is not None
        text = await scrape(base_url)
        group = str(GROUP_ID)
        assert value(samples(text), "agentiq_telegram_rate_limited_total", group=group) == 1


async def test_marketplace_errors_are_counted_per_seller(db: Database) -> None:
    async with ops_handler_world(db) as (hw, seller, base_url):
        hw.ozon.state.add_fault("500", count=1)  # the next call fails once, its retry passes
        await hw.app.sync.run_now(seller.id)
        found = samples(await scrape(base_url))
        errors = {
            dict(labels)["error"]: n
            for (name, labels), n in found.items()
            if name == "agentiq_marketplace_errors_total"
            and dict(labels)["seller_id"] == str(seller.id)
        }
        assert sum(errors.values()) == 1, errors
