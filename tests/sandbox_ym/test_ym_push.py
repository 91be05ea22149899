"""The push simulator: notification bodies of ``ym-notification.json``, retries on 5xx and
timeouts, none on 400, duplicates on purpose, out of order on demand, PING's 1 s limit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from sandbox.serving import bound_port, start_site
from sandbox.yandex_market import YandexMarketEmulator
from sandbox.yandex_market.spec import NOTIFICATION_SPEC, check_json, load_spec
from tests.sandbox_ym.conftest import BUSINESS

ANSWER = {"version": "1.0.0", "name": "desk", "time": "2026-06-01T07:15:30.120Z"}
SCHEMAS = {
    "PING": "PingNotificationDTO",
    "CHAT_CREATED": "ChatCreatedNotificationDTO",
    "CHAT_MESSAGE_SENT": "ChatMessageSentNotificationDTO",
    "CHAT_ARBITRAGE_STARTED": "ChatArbitrageStartedNotificationDTO",
    "CHAT_ARBITRAGE_FINISHED": "ChatArbitrageFinishedNotificationDTO",
}


@dataclass
class Receiver:
    """A shop's push endpoint: scripted answers (status or "sleep:<s>"), then 200."""

    url: str = ""
    script: list[str] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box = Receiver()

    async def handle(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        box.received.append(body)
        step = box.script.pop(0) if box.script else "200"
        if step.startswith("sleep:"):
            await asyncio.sleep(float(step.split(":")[1]))
            step = "200"
        status = int(step)
        payload = ANSWER if status == 200 else {"error": {"type": "UNKNOWN", "message": "x"}}
        return web.json_response(payload, status=status)

    app = web.Application()
    app.router.add_post("/notification", handle)
    runner = await start_site(app, "127.0.0.1", 0)
    box.url = f"http://127.0.0.1:{bound_port(runner)}/notification"
    try:
        yield box
    finally:
        await runner.cleanup()


def _valid(body: dict[str, Any]) -> None:
    spec = load_spec(NOTIFICATION_SPEC)
    schema = {"$ref": f"#/components/schemas/{SCHEMAS[body['notificationType']]}"}
    check_json("notification", schema, body, spec)


async def test_buyer_events_are_pushed_in_the_notification_shapes(
    emu: YandexMarketEmulator, receiver: Receiver
) -> None:
    emu.push.settings.urls[BUSINESS] = receiver.url
    first = emu.state.buyer_writes(BUSINESS, text="Здравствуйте", context_type="ORDER")
    emu.state.start_arbitrage(BUSINESS, first.chat_id)
    emu.push.ping(BUSINESS)
    await emu.push.wait_idle()
    for body in receiver.received:
        _valid(body)
    kinds = [b["notificationType"] for b in receiver.received]
    assert set(kinds) == {"CHAT_CREATED", "CHAT_MESSAGE_SENT", "CHAT_ARBITRAGE_STARTED", "PING"}
    sent = next(
        b
        for b in receiver.received
        if b["notificationType"] == "CHAT_MESSAGE_SENT" and b["messageId"] == str(first.message_id)
    )
    assert isinstance(sent["messageId"], str) and sent["chatId"] == first.chat_id


async def test_5xx_and_timeouts_are_retried_400_is_not_and_duplicates_are_sent(
    emu: YandexMarketEmulator, receiver: Receiver
) -> None:
    emu.push.settings.urls[BUSINESS] = receiver.url
    emu.push.settings.ping_timeout = 0.2
    receiver.script = ["500", "sleep:0.5"]  # a 500, then a PING answered too late
    emu.push.ping(BUSINESS)
    await emu.push.wait_idle()
    attempts = [(d.attempt, d.status, d.error) for d in emu.push.deliveries]
    assert attempts == [(1, 500, None), (2, None, "TimeoutError"), (3, 200, None)]

    emu.push.deliveries.clear()
    receiver.script = ["400"]
    emu.push.ping(BUSINESS)
    await emu.push.wait_idle()
    assert [d.status for d in emu.push.deliveries] == [400]  # Market does not retry a 400

    emu.push.deliveries.clear()
    emu.push.settings.duplicates = 2
    emu.state.buyer_writes(BUSINESS, text="Дубль")
    await emu.push.wait_idle()
    created = [d for d in emu.push.deliveries if d.body["notificationType"] == "CHAT_CREATED"]
    assert len(created) == 3 and all(d.status == 200 for d in created)


async def test_held_notifications_wait_until_released_then_go_out_of_order(
    emu: YandexMarketEmulator, receiver: Receiver
) -> None:
    emu.push.settings.urls[BUSINESS] = receiver.url
    emu.push.settings.hold_order = True
    chat = emu.state.buyer_writes(BUSINESS, text="1")
    second = emu.state.buyer_writes(BUSINESS, text="2", chat_id=chat.chat_id)
    await asyncio.sleep(0.05)
    assert receiver.received == []
    assert emu.push.release_held() == 3
    await emu.push.wait_idle()
    ids = [b.get("messageId") for b in receiver.received if b.get("messageId")]
    assert set(ids) == {str(chat.message_id), str(second.message_id)}
    # our own messages are not pushed unless asked (undocumented either way)
    receiver.received.clear()
    emu.push.settings.hold_order = False
    emu.state.partner_writes(BUSINESS, chat.chat_id, "Ответ", [])
    await emu.push.wait_idle()
    assert receiver.received == []
