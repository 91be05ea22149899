"""Webhook mode: the real bot process killed with -9 after it stored an update, with its
200 never reaching Telegram. Telegram delivers the update again to the restarted process;
tg_updates is keyed by update_id, so the update is processed once: the agent's replies
reach Ozon once each, in order."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator

from .harness import (
    API_KEY,
    CLIENT_ID,
    FULL_RIGHTS,
    SHOP,
    START_SECONDS,
    TOKEN,
    BotProcess,
    FaultWorld,
    bot_env,
    first_seen,
    free_port,
)
from .zygote import Zygote

SECRET = "faults-webhook-secret_0123456789"


class WebhookFaultWorld(FaultWorld):
    async def start(self) -> None:
        """Start the bot and wait until it has registered its webhook (it then listens)."""
        self.run_started_at = len(self.tg.calls)
        await self.bot.start()
        await self._wait_alive(
            lambda: any(m == "setWebhook" for m, _ in self.tg.calls[self.run_started_at :]),
            START_SECONDS,
            "the bot's setWebhook",
        )


@contextlib.asynccontextmanager
async def open_webhook_world(
    data_dir: Path, zygote: Zygote | None = None
) -> AsyncIterator[WebhookFaultWorld]:
    async with (
        OzonEmulator(port=0, rate_limit_rps=0) as ozon,
        TelegramEmulator(port=0, group_limit=(10_000, 60.0), global_limit=(10_000, 1.0)) as tg,
    ):
        ozon.state.add_seller(CLIENT_ID, API_KEY, name=SHOP)
        push_port, webhook_port = free_port(), free_port()
        tg.create_bot(token=TOKEN, username="agentiq_faults_bot")
        owner = tg.create_user(first_name="Олег", username="owner")
        agent = tg.create_user(first_name="Анна", username="anna")
        group = tg.create_group(
            title="Поддержка", is_forum=True, members=[owner.id, agent.id], admins=[owner.id],
            bot_rights=FULL_RIGHTS, owner=owner.id,
        )  # fmt: skip
        env = bot_env(tg, ozon, data_dir, owner.id, push_port)
        env.update(
            {
                "WEBHOOK_URL": f"http://127.0.0.1:{webhook_port}/telegram/webhook",
                "WEBHOOK_SECRET": SECRET,
                "WEBHOOK_PORT": str(webhook_port),
                "WEBHOOK_HOST": "127.0.0.1",
            }
        )
        process = BotProcess(data_dir, env, zygote=zygote)
        world = WebhookFaultWorld(tg, ozon, process, owner, agent, group.id, ozon_push=False)
        try:
            await world.start()
            await world.bootstrap()
            yield world
        finally:
            await process.stop()


@pytest.fixture
async def wfw(tmp_path: Path, zygote: Zygote) -> AsyncIterator[WebhookFaultWorld]:
    async with open_webhook_world(tmp_path / "data", zygote) as world:
        yield world


async def test_kill_after_the_store_before_telegram_got_the_200(wfw: WebhookFaultWorld) -> None:
    chat_id, _ = wfw.buyer_writes(text="Вебхук: где заказ?")
    thread = await wfw.topic_for("Вебхук: где заказ?")
    replies = ["Вебхук, ответ 1", "Вебхук, ответ 2"]
    hold = wfw.tg.hold_next_delivery()
    wfw.agent_replies(thread, replies[0])
    assert await hold.wait_answered(60) == 200  # stored and answered; Telegram never hears it
    await wfw.kill9()
    await wfw.restart()
    hold.release(lost=True)  # Telegram delivers it again, to the new process
    wfw.agent_replies(thread, replies[1])
    await wfw.settle(lambda: len(wfw.ozon_texts(chat_id)) >= len(replies), 90)
    await wfw.polls_pass(1)
    got = wfw.ozon_texts(chat_id)
    assert first_seen(got) == replies, f"order at Ozon: {got}"
    assert got == replies, f"copies at Ozon: {got}"
    assert hold.update_id is not None
    statuses = [s for u, s in wfw.tg.webhook_answers if u == hold.update_id]
    assert statuses[0] == 200 and statuses[-1] == 200 and len(statuses) >= 2
    assert wfw.tg.violations == []
