"""A role (one Telegram poller, one periodic worker) is played by one instance at a time
and moves to another when its holder stops or dies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.leadership import Leadership
from storage.database import Database
from storage.pool import create_pool

KEY = 42


def role(db: Database, events: list[str], name: str) -> Leadership:
    async def gain() -> None:
        events.append(f"+{name}")

    async def lose() -> None:
        events.append(f"-{name}")

    return Leadership(
        name=name, key=KEY, repo=db.leaders, on_gain=gain, on_lose=lose, retry_seconds=0.05
    )


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the other side is PostgreSQL
            await asyncio.sleep(0.02)


async def test_one_holder_and_a_graceful_hand_over(db: Database) -> None:
    events: list[str] = []
    first, second = role(db, events, "a"), role(Database(db.pool), events, "b")
    await first.start()
    await second.start()
    assert first.held and not second.held and events == ["+a"]
    await first.stop()
    await until(lambda: second.held)
    assert events == ["+a", "-a", "+b"]
    await second.stop()
    assert await db.leaders.holder_count(KEY) == 0


async def test_a_killed_holder_s_role_moves_within_the_retry_period(
    db: Database, migrated_dsn: str
) -> None:
    pool = await create_pool(migrated_dsn, min_size=1, max_size=2)
    events: list[str] = []
    doomed = role(Database(pool), events, "dead")
    survivor = role(db, events, "b")
    await doomed.start()
    await survivor.start()
    assert doomed.held and not survivor.held
    pool.terminate()  # kill -9: no hand-over, the connection just drops
    await until(lambda: survivor.held)
    assert events[0] == "+dead" and "+b" in events
    assert await db.leaders.holder_count(KEY) == 1
    await doomed.stop_abruptly()
    await survivor.stop()


async def test_a_holder_whose_connection_dies_gives_the_role_up(db: Database) -> None:
    events: list[str] = []
    holder = role(db, events, "a")
    await holder.start()
    assert holder.held
    await db.leaders.kill_all()  # its lock's connection is gone
    await until(lambda: events[-1:] == ["+a"] and len(events) == 3)
    assert events == ["+a", "-a", "+a"]  # noticed, stopped, and (alone) took it again
    await holder.stop()
