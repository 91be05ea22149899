"""What the shared Telegram budget costs per send: one statement on the database.

Every unit the outbox spends is taken from ``tg_budget`` (one row per group and one for the
bot) so several instances never exceed a group's budget together. This times that take on
the embedded PostgreSQL over its Unix socket: sequentially (the worker's pattern: one take
before each send) and from several tasks at once across groups, with budgets large enough
that every take succeeds.

    .venv/bin/python bench/shared_budget.py [--takes 2000] [--groups 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import timedelta

from scratch_db import scratch_database

from storage.database import Database

MINUTE = timedelta(seconds=60)
#: Short enough that the bot-wide row holds about as many units as the real 25-a-second one.
BOT_WINDOW = timedelta(milliseconds=50)


async def take(db: Database, group: int, units: int = 10**6) -> bool:
    taken = await db.tg_budget.take(
        tg_chat_id=-1000 - group,
        group_units=units,
        group_window=MINUTE,
        bot_units=10**6,
        bot_window=BOT_WINDOW,
    )
    return taken.ok


async def timed(db: Database, takes: int, groups: int) -> list[float]:
    durations = []
    for n in range(takes):
        started = time.perf_counter()
        await take(db, n % groups)
        durations.append((time.perf_counter() - started) * 1000)
    return durations


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--takes", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=100)
    args = parser.parse_args()
    async with scratch_database(max_size=10) as db:
        await timed(db, 200, args.groups)  # warm up: rows exist, statements are prepared
        await db.pool.execute("TRUNCATE tg_budget")
        cpu = time.process_time()
        durations = await timed(db, args.takes, args.groups)
        cpu_ms = (time.process_time() - cpu) * 1000 / args.takes
        print(f"sequential takes: {args.takes} over {args.groups} groups")
        print(
            f"  latency ms: p50 {statistics.median(durations):.3f}  "
            f"p95 {statistics.quantiles(durations, n=20)[-1]:.3f}  max {max(durations):.3f}"
        )
        print(f"  bot-side CPU per take: {cpu_ms:.3f} ms")
        await db.pool.execute("TRUNCATE tg_budget")
        started = time.perf_counter()
        results = await asyncio.gather(*(take(db, n % args.groups) for n in range(args.takes)))
        elapsed = time.perf_counter() - started
        print(
            f"concurrent takes (pool of 10): {sum(results)} in {elapsed:.2f} s "
            f"= {args.takes / elapsed:.0f} per second"
        )


if __name__ == "__main__":
    asyncio.run(main())
