"""/stats benchmark: 30 days at 50,000 buyer messages a day, chart included (target < 2 s).

Seeds one workspace with 5 sellers, 200,000 chats and 750,000 buyer turns over 30 days
(two buyer messages per turn on average: 1.5 million buyer messages), 20 agents, and
300,000 AI drafts with outcomes, on the embedded PostgreSQL. Then times what /stats 30d
does before replying: the figures (SQL aggregates), the text and the PNG chart (drawn in
a worker thread, as the handler does).

    .venv/bin/python bench/stats.py [--days 30] [--messages-per-day 50000] [--runs 3]

Prints seconds per run and per part. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

from scratch_db import scratch_database

from bot.sla.stats import build_report, render_chart, render_text
from storage.database import Database

SELLERS = 5
CHATS = 200_000
MESSAGES_PER_TURN = 2


async def seed(db: Database, *, days: int, per_day: int, now: datetime) -> int:
    workspace = await db.workspaces.bind(
        tg_chat_id=-1002000000001, title="WS", bound_by_tg_user_id=1
    )
    for s in range(SELLERS):
        await db.sellers.create(
            workspace_id=workspace.id, marketplace="ozon", name=f"Shop {s}", client_id=str(s),
            api_key_encrypted=b"x",
        )  # fmt: skip
    turns = days * per_day // MESSAGES_PER_TURN
    await db.pool.execute(
        """
        INSERT INTO agents (tg_user_id, display_name)
        SELECT 1000 + g, 'Agent ' || g FROM generate_series(1, 20) g;
        """
    )
    await db.pool.execute(
        """
        INSERT INTO chats (seller_id, external_id, status, order_number)
        SELECT s.id, 'c' || g, 'open', 'o' || g
          FROM sellers s CROSS JOIN generate_series(1, $1::int / $2::int) g
        """,
        CHATS,
        SELLERS,
    )
    await db.pool.execute(
        """
        INSERT INTO buyer_turns (chat_id, kind, started_at, priority, deadline, hard_deadline,
                                 buyer_message_count, answered_at, answered_via,
                                 answered_by_agent_id)
        SELECT chat_id, CASE WHEN g <= $3::int THEN 'first' ELSE 'next' END, started, prio,
               started + target, started + target * 2, $5::int,
               CASE WHEN g <= $1::int - 100 THEN started + target * (random() * 1.6) END,
               CASE WHEN g <= $1 - 100 THEN (CASE WHEN g % 7 = 0 THEN 'cabinet' ELSE 'bot' END)
               END,
               CASE WHEN g <= $1 - 100 AND g % 7 <> 0 THEN 1 + g % 20 END
          FROM (
            SELECT g, 1 + (g - 1) % $3::int AS chat_id,
                   $2::timestamptz
                       - ($4::int * interval '1 day') * (1 - g::float8 / $1::int) AS started,
                   (ARRAY['urgent','high','normal','low'])[1 + g % 4] AS prio,
                   (ARRAY[30, 60, 240, 1440])[1 + g % 4] * interval '1 minute' AS target
              FROM generate_series(1, $1) g
          ) x
        """,
        turns,
        now,
        CHATS,
        days,
        MESSAGES_PER_TURN,
    )
    await db.pool.execute(
        """
        INSERT INTO ai_suggestions (chat_id, text, source, outcome, created_at)
        SELECT 1 + g % $1::int, 'draft', 'llm',
               (ARRAY['sent','edited','dismissed','ignored','regenerated'])[1 + g % 5],
               $2::timestamptz - ($3::int * interval '1 day') * random()
          FROM generate_series(1, $3::int * 10000) g
        """,
        CHATS,
        now,
        days,
    )
    await db.pool.execute("ANALYZE")
    return turns


async def main(args: argparse.Namespace) -> None:
    async with scratch_database(max_size=5) as db:
        now = datetime.now(UTC)
        print(f"seeding {args.days} days × {args.messages_per_day} buyer messages a day …")
        started = time.perf_counter()
        turns = await seed(db, days=args.days, per_day=args.messages_per_day, now=now)
        print(f"seeded {turns} buyer turns in {time.perf_counter() - started:.1f} s")
        sellers = await db.sellers.list_all()
        for run in range(1, args.runs + 1):
            t0 = time.perf_counter()
            report = await build_report(db, sellers=sellers, period="30d", now=now)
            t1 = time.perf_counter()
            body = render_text(report, "ru")
            png = await asyncio.to_thread(render_chart, report, "ru")
            t2 = time.perf_counter()
            print(
                f"run {run}: {t2 - t0:.2f} s to the reply (figures {t1 - t0:.2f} s, "
                f"text + chart {t2 - t1:.2f} s; {report.overall.turns} turns, "
                f"{len(body)} chars, PNG {len(png) // 1024} KiB)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--messages-per-day", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
