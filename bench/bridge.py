"""Telegram bridge benchmark: intake and reply latency, budget units per buyer message, a burst.

The real bot (dispatcher, long polling, delivery and reply workers) runs against the Ozon and
Telegram emulators over loopback, on the embedded PostgreSQL, exactly as in production.

* **Intake latency**: from the start of the poll that fetches a buyer message to its post in
  the topic (so it includes the Ozon calls and the database commit), with a Telegram budget
  that is not the limit.
* **Reply latency**: from the agent's message in the topic (the Telegram emulator queues the
  update) to the Ozon emulator receiving it: long polling, the reply queue and the send.
* **Units per buyer message**: Telegram units spent per new chat and per follow-up, and the
  average for a mix of one new chat to three follow-ups (drafts off: ``bench/drafts.py``
  measures the one unit per turn they add).
* **Burst**: 30 new chats at once under the real per-group budget, time-compressed 10×
  (20 units per 6 s in the emulator, the bot's default 18-per-window throttle scaled alike):
  how many 429s Telegram answered and how long delivery took (in real minutes).

    .venv/bin/python bench/bridge.py [--samples 40] [--burst 30]

Prints figures; asserts nothing (machines differ).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot
from cryptography.fernet import Fernet
from pydantic import SecretStr
from scratch_db import scratch_database

from bot.app import App, assemble, build_bot
from bot.outbox.throttle import GROUP_BUDGET, Budget, TelegramThrottle
from bot.settings import Settings
from connectors.ozon.client import OzonClient
from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault

TOKEN = "123456789:EmulatorOnlyBridgeBench"
CLIENT_ID = "900001"
API_KEY = "bench-bridge-key"
RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}
COMPRESSION = 10.0  # the burst runs budget windows 10x shorter than Telegram's minute


@dataclass
class Rig:
    db: Database
    tg: TelegramEmulator
    ozon: OzonEmulator
    app: App
    bot: Bot
    seller: Seller
    group_id: int
    agent_id: int

    def posts(self, thread_id: int | None = None) -> int:
        return sum(
            1
            for m in self.tg.bot_messages(self.group_id, thread_id)
            if "text" in m or "photo" in m or "document" in m
        )

    async def outbox_empty(self) -> bool:
        pending = await self.db.pool.fetchval(
            "SELECT count(*) FROM tg_outbox WHERE status = 'pending'"
        )
        return pending == 0

    async def thread_of(self, external_id: str) -> int:
        async def mapped() -> bool:
            chat = await self.db.chats.get_by_external(
                seller_id=self.seller.id, external_id=external_id
            )
            return chat.topic_thread_id is not None

        await until(mapped)
        chat = await self.db.chats.get_by_external(
            seller_id=self.seller.id, external_id=external_id
        )
        assert chat.topic_thread_id is not None
        return chat.topic_thread_id


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = 600.0) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - the emulators are polled
            await asyncio.sleep(0.002)


@contextlib.asynccontextmanager
async def rig(
    db: Database, *, group_limit: tuple[int, float], throttle: Budget
) -> AsyncIterator[Rig]:
    await db.pool.execute("TRUNCATE workspaces, sellers, agents CASCADE")
    async with (
        OzonEmulator(port=0) as ozon,
        TelegramEmulator(port=0, group_limit=group_limit, global_limit=(30, 1.0)) as tg,
    ):
        ozon.state.add_seller(CLIENT_ID, API_KEY, name="Bench shop")
        tg.create_bot(token=TOKEN, username="bench_bot")
        agent = tg.create_user(first_name="Agent")
        group = tg.create_group(
            "Bench", is_forum=True, members=[agent.id], admins=[agent.id], bot_rights=RIGHTS
        )
        workspace = await db.workspaces.bind(
            tg_chat_id=group.id, title="Bench", bound_by_tg_user_id=agent.id
        )
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        seller = await db.sellers.create(
            workspace_id=workspace.id,
            marketplace="ozon",
            name="Bench shop",
            client_id=CLIENT_ID,
            api_key_encrypted=vault.encrypt(SecretStr(API_KEY)),
        )
        settings = Settings(
            bot_token=TOKEN,
            telegram_api_url=tg.base_url,
            ozon_api_url=ozon.base_url,
            poll_interval_seconds=3600,  # the benchmark polls explicitly
            drafts_enabled=False,  # the bridge alone; bench/drafts.py measures what drafts add
        )
        bot = build_bot(TOKEN, tg.base_url)
        async with OzonClient(base_url=ozon.base_url) as client:
            app = assemble(
                settings,
                db=db,
                vault=vault,
                ozon=client,
                bot=bot,
                throttle=TelegramThrottle(group=throttle),
            )
            await app.updates.start()
            try:
                await until(lambda: _true_when(bool(app.sync.seller_ids())))
                yield Rig(db, tg, ozon, app, bot, seller, group.id, agent.id)
            finally:
                await app.updates.stop()
                await bot.session.close()
        if tg.violations:
            print(f"!! Bot API spec violations: {tg.violations[:3]}")


async def _true_when(value: bool) -> bool:
    return value


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   "
        f"max {ordered[-1] * 1000:7.1f} ms   (n={len(ordered)})"
    )


async def intake_and_reply(db: Database, samples: int) -> None:
    """Latency with an unlimited budget, and the units each kind of message costs."""
    async with rig(db, group_limit=(100_000, 60.0), throttle=Budget(100_000, 60.0)) as r:
        intake: list[float] = []
        reply: list[float] = []
        new_units: list[int] = []
        follow_units: list[int] = []
        chats = max(1, samples // 4)
        for index in range(samples):
            is_new = index % 4 == 0  # one new chat, then three follow-ups in it
            if is_new:
                external, _ = r.ozon.state.buyer_writes(
                    CLIENT_ID, text=f"Здравствуйте, где заказ {index}?", order_number=f"{index}-1"
                )
                thread = None
            else:
                r.ozon.state.buyer_writes(
                    CLIENT_ID, text=f"И ещё вопрос {index}", chat_id=external
                )
            before_posts = r.posts(thread)
            before_units = r.tg.units(r.group_id)
            started = time.perf_counter()
            await r.app.sync.run_now(r.seller.id)
            if thread is None:
                thread = await r.thread_of(external)
                before_posts = 0
            await until(lambda t=thread, b=before_posts: _true_when(r.posts(t) > b))
            intake.append(time.perf_counter() - started)
            await until(r.outbox_empty)
            spent = r.tg.units(r.group_id) - before_units
            (new_units if is_new else follow_units).append(spent)

            sent_before = len(r.ozon.state.sent_by_seller(CLIENT_ID))
            started = time.perf_counter()
            r.tg.user_sends(r.agent_id, r.group_id, f"Ответ {index}", thread_id=thread)
            await until(
                lambda n=sent_before: _true_when(len(r.ozon.state.sent_by_seller(CLIENT_ID)) > n)
            )
            reply.append(time.perf_counter() - started)
            await until(r.outbox_empty)  # the receipt reaction, off the clock
        mix = (statistics.mean(new_units) + 3 * statistics.mean(follow_units)) / 4
        print(f"Intake latency (poll start → post in topic), {chats} chats:")
        print(f"  {percentiles(intake)}")
        print("Reply latency (agent's message → Ozon emulator):")
        print(f"  {percentiles(reply)}")
        print("Telegram units per buyer message:")
        print(f"  new chat   {statistics.mean(new_units):.2f}  (topic + post)")
        print(f"  follow-up  {statistics.mean(follow_units):.2f}")
        print(f"  mix 1 new : 3 follow-ups  {mix:.2f} per message")


async def burst(db: Database, count: int) -> None:
    window = 60.0 / COMPRESSION
    throttle = Budget(GROUP_BUDGET.units, GROUP_BUDGET.per_seconds / COMPRESSION)
    async with rig(db, group_limit=(20, window), throttle=throttle) as r:
        rejected = 0
        check = r.tg.limits.check

        def counting_check(chat_id: int, units: int) -> None:
            nonlocal rejected
            try:
                check(chat_id, units)
            except Exception:
                rejected += 1
                raise

        r.tg.limits.check = counting_check  # type: ignore[method-assign]
        externals = [
            r.ozon.state.buyer_writes(CLIENT_ID, text=f"Вопрос {i}", order_number=f"B{i}")[0]
            for i in range(count)
        ]
        started = time.perf_counter()
        await r.app.sync.run_now(r.seller.id)

        async def all_posted() -> bool:
            rows = await r.db.pool.fetch(
                "SELECT topic_thread_id FROM chats WHERE topic_thread_id IS NOT NULL"
            )
            return len(rows) == count and all(r.posts(row[0]) >= 1 for row in rows)

        await until(all_posted)
        elapsed = time.perf_counter() - started
        units = r.tg.units(r.group_id)
        print(
            f"Burst of {len(externals)} new chats under the per-group budget "
            f"(time compressed {COMPRESSION:.0f}x):"
        )
        print(
            f"  delivered all in {elapsed:.1f} s = {elapsed * COMPRESSION / 60:.1f} real minutes,"
            f" {units} units, 429 answers from Telegram: {rejected}"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--burst", type=int, default=30)
    args = parser.parse_args()
    async with scratch_database() as db:
        await intake_and_reply(db, args.samples)
        await burst(db, args.burst)


if __name__ == "__main__":
    asyncio.run(main())
