"""Drafts benchmark: how long until a draft is visible, and what it costs in Telegram units.

The real bot runs against the Ozon, Telegram and LLM emulators (as in the end-to-end
tests) on the embedded PostgreSQL. The LLM emulator answers after a fixed model latency;
each buyer turn is a new chat with a burst of buyer messages.

    PYTHONPATH=. .venv/bin/python bench/drafts.py [--turns 20] [--model-latency 0.5]
                                                  [--debounce 0.3] [--burst 3]

Prints, per run: the time from the buyer's messages being stored to the draft post being
visible in Telegram, minus the model's fixed latency and minus the configured debounce
(the deliberate wait for a burst to settle) — the overhead the product adds (target
≤ 0.5 s); then Telegram units per turn with drafts off and on, and the difference (target
≤ 1 unit per buyer turn). Nothing is asserted: figures vary with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg

from bot.outbox.throttle import Budget
from sandbox.llm import LlmEmulator
from storage.database import Database
from storage.embedded import EmbeddedPostgres, with_database
from storage.migrate import apply_migrations
from storage.pool import create_pool
from tests.e2e.conftest import World, open_world

KEY = "bench-llm-key"
PLENTY = (10_000, 60.0)  # no throttling: we count units, we do not want to wait for them


def draft_visible(world: World, thread: int) -> bool:
    """A post carrying the draft's buttons (``d:`` data; the buyer's post has ✋ take)."""
    return any(
        button.get("callback_data", "").startswith("d:")
        for post in world.posts(thread)
        for row in (post.get("reply_markup") or {}).get("inline_keyboard") or []
        for button in row
    )


async def run(db: Database, args: argparse.Namespace, *, drafts: bool) -> tuple[list[float], int]:
    """One pass over ``turns`` new chats; returns per-turn overheads and units spent."""
    async with LlmEmulator(latency=args.model_latency, api_key=KEY) as llm:
        overrides = {
            "drafts_enabled": drafts,
            "draft_debounce_seconds": args.debounce,
            "llm_api_key": KEY,
            "llm_base_url": llm.base_url,
            "llm_timeout_seconds": 10.0,
        }
        async with open_world(
            db, group_limit=PLENTY, throttle=Budget(*PLENTY), settings_overrides=overrides
        ) as world:
            overheads: list[float] = []
            for turn in range(args.turns):
                chat_id, _ = world.buyer_writes(text=f"Здравствуйте! Вопрос {turn}")
                for more in range(args.burst - 1):
                    world.buyer_writes(chat_id=chat_id, text=f"Когда доставка? ({more})")
                await world.poll()
                stored = time.monotonic()
                thread = await world.topic_of(chat_id)
                if drafts:
                    while not draft_visible(world, thread):  # noqa: ASYNC110 - emulator state
                        await asyncio.sleep(0.002)
                    visible = time.monotonic()
                    overheads.append(visible - stored - args.model_latency - args.debounce)
                else:
                    await world.wait_for_posts(thread, args.burst)
            while not await world.outbox_settled():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            units = world.tg.units(world.group_id)
        return overheads, units


async def fresh_database(admin_dsn: str, name: str) -> Database:
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    conn = await asyncpg.connect(with_database(admin_dsn, name))
    try:
        await apply_migrations(conn)
    finally:
        await conn.close()
    return Database(await create_pool(with_database(admin_dsn, name)))


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        embedded = EmbeddedPostgres(Path(folder))
        admin_dsn = await embedded.start()
        try:
            results = {}
            for drafts in (False, True):
                db = await fresh_database(admin_dsn, f"bench_drafts_{int(drafts)}")
                try:
                    results[drafts] = await run(db, args, drafts=drafts)
                finally:
                    await db.pool.close()
        finally:
            await embedded.stop()
    overheads, units_on = results[True]
    _, units_off = results[False]
    print(f"turns: {args.turns} (a burst of {args.burst} buyer messages each, a new chat each)")
    print(
        f"model latency (emulator, subtracted): {args.model_latency:.3f} s; "
        f"debounce (subtracted): {args.debounce:.3f} s"
    )
    ordered = sorted(overheads)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"draft overhead beyond model + debounce: median {statistics.median(ordered):.3f} s, "
        f"p95 {p95:.3f} s, max {ordered[-1]:.3f} s  (target ≤ 0.5 s)"
    )
    per_off, per_on = units_off / args.turns, units_on / args.turns
    print(
        f"Telegram units per turn: drafts off {per_off:.2f}, drafts on {per_on:.2f}, "
        f"extra {per_on - per_off:.2f}  (target ≤ 1)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--model-latency", type=float, default=0.5)
    parser.add_argument("--debounce", type=float, default=0.3)
    parser.add_argument("--burst", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
