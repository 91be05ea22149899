"""The bot's receiving side in pieces, on a handler world (tests.support.handlers), without
starting it: the :class:`~bot.updates.intake.Intake` and
:class:`~bot.updates.processor.UpdateProcessor` that ``TelegramUpdates.start`` builds, wired
to the assembled (never started) ``TelegramUpdates``' own handler and failure notice, plus
the webhook receiver on a loopback port and the ops server's HTTP endpoints.

``process()`` runs the processor's claiming rounds until nothing is left to claim (each
round's handlers awaited), as its loop would; nothing runs between the steps. Flows through
the running loops (polling, restarts) stay on tests.support.world.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiogram.methods import GetUpdates
from aiogram.types import Update
from pydantic import SecretStr

from bot.updates.intake import Intake
from bot.updates.processor import UpdateProcessor
from bot.updates.webhook import SECRET_HEADER, WebhookConfig, WebhookReceiver
from tests.support.handlers import HandlerWorld

WEBHOOK_SECRET = "webhook-secret_0123456789abcdef"


@dataclass
class Receiving:
    hw: HandlerWorld
    intake: Intake
    processor: UpdateProcessor

    async def process(self) -> None:
        """Claim and run stored updates, round after round, until none is claimable."""
        processor = self.processor
        for _ in range(100):
            await processor._fill()
            tasks = list(processor._inflight)
            if not tasks:
                return
            await asyncio.gather(*tasks)
            await asyncio.sleep(0)  # the done callbacks free the keys
        raise AssertionError("updates still claimable after 100 rounds")


def receiving(hw: HandlerWorld, **processor_options: Any) -> Receiving:
    """Intake and processor as ``TelegramUpdates.start`` builds them (retries due at once)."""
    updates = hw.app.updates
    processor = UpdateProcessor(
        repo=hw.db.updates,
        instance_id="handler-world",
        handle=updates._handle,
        on_failed=updates._tell_failed,
        **{"retry_base_seconds": 0.0, **processor_options},
    )
    intake = Intake(
        bot=hw.bot,
        repo=hw.db.updates,
        seal=updates._seal,
        allowed_updates=hw.app.dispatcher.resolve_used_update_types(),
        on_stored=processor.wake,
        polling_timeout=0,
        sleep=_instant,
    )
    return Receiving(hw, intake, processor)


async def _instant(_: float) -> None:
    """The intake's backoff without waiting."""


class _Stop(BaseException):
    """Ends the intake's loop (it retries every Exception)."""


async def poll_batches(steps: Receiving, *batches: list[dict[str, Any]]) -> list[GetUpdates]:
    """Run the intake's long-polling loop while getUpdates answers ``batches`` in turn (raw
    updates, as Telegram sends them), then stop it; returns the getUpdates calls made."""
    hw = steps.hw
    for batch in batches:
        updates = [Update.model_validate(raw, context={"bot": hw.bot}) for raw in batch]
        hw.session.add_result_for(GetUpdates, updates)
    hw.session.add_result_for(GetUpdates, _Stop())
    with contextlib.suppress(_Stop):
        await steps.intake.run()
    return hw.session.sent(GetUpdates)


@dataclass
class Webhook:
    receiver: WebhookReceiver
    url: str

    async def post(self, update: dict[str, Any], headers: dict[str, str] | None = None) -> int:
        """Telegram's delivery of ``update`` (with the right secret unless ``headers``)."""
        sent = {SECRET_HEADER: WEBHOOK_SECRET} if headers is None else headers
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url, json=update, headers=sent) as response,
        ):
            return response.status


@contextlib.asynccontextmanager
async def open_webhook(receiving: Receiving) -> AsyncIterator[Webhook]:
    """The webhook receiver storing through the intake's ``accept``, on a loopback port."""
    config = WebhookConfig(
        url="https://bot.example.com/telegram/webhook",
        secret=SecretStr(WEBHOOK_SECRET),
        host="127.0.0.1",
        port=0,
    )
    receiver = WebhookReceiver(config=config, accept=receiving.intake.accept)
    await receiver.start()
    try:
        yield Webhook(receiver, f"http://127.0.0.1:{receiver.port}{config.path}")
    finally:
        await receiver.stop()


@contextlib.asynccontextmanager
async def open_ops(hw: HandlerWorld) -> AsyncIterator[str]:
    """The assembled ops server (METRICS_PORT=0 in the world's settings) started on its
    own; yields its base URL."""
    ops = hw.app.ops
    assert ops is not None, "open the handler world with metrics_port=0"
    await ops.start()
    try:
        yield f"http://127.0.0.1:{ops.port}"
    finally:
        await ops.stop()


async def scrape(base_url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/metrics") as response:
        assert response.status == 200
        return await response.text()
