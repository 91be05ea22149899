"""The workers' one loop: failing rounds back off (and recover), a kick always wakes it.

Pauses go through an injected sleep on a fake clock, so an outage of a minute is played
in milliseconds and the rounds it costs are counted exactly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.outbox.loop import KickableLoop


class FakeClock:
    """Seconds since the start; ``sleep`` advances it instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # let the loop's other waiter be cancelled


async def _until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - state changes in the loop's task
            await asyncio.sleep(0.01)


async def test_an_outage_costs_a_few_rounds_not_several_a_second(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    rounds: list[float] = []
    loop: KickableLoop

    async def round() -> int:
        rounds.append(clock.now)
        if clock.now < 60.0:  # the database is away for a minute
            raise ConnectionRefusedError("database away")
        loop.finish()
        return 0

    loop = KickableLoop(name="t", round=round, idle_seconds=0.1, sleep=clock.sleep)
    with caplog.at_level(logging.INFO, logger="bot.outbox.loop"):
        async with asyncio.timeout(5):
            await loop.run()

    assert clock.pauses == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0]  # doubling, capped
    assert len(rounds) == 8  # seven failed rounds in the minute, then the good one
    assert loop.failures == 0  # the good round reset the count
    failed = [r for r in caplog.records if "round failed" in r.getMessage()]
    assert len(failed) == 7
    assert failed[0].exc_info is not None  # the first failure shows its traceback
    assert all(r.exc_info is None for r in failed[1:])  # the rest one line each
    assert "recovered after 7 failed round(s)" in caplog.records[-1].getMessage()


async def test_a_good_round_resets_the_backoff() -> None:
    clock = FakeClock()
    script = ["fail", "fail", "ok", "fail", "ok"]
    loop: KickableLoop

    async def round() -> int:
        step = script.pop(0)
        if not script:
            loop.finish()
        if step == "fail":
            raise RuntimeError("bug")
        return 0

    loop = KickableLoop(name="t", round=round, idle_seconds=7.0, sleep=clock.sleep)
    async with asyncio.timeout(5):
        await loop.run()
    assert clock.pauses == [0.5, 1.0, 7.0, 0.5]  # fail, fail, idle, fail again from base


async def test_the_cap_holds_however_long_the_outage() -> None:
    clock = FakeClock()
    loop: KickableLoop

    async def round() -> int:
        if clock.now > 3600.0:
            loop.finish()
            return 0
        raise ConnectionRefusedError("database away")

    loop = KickableLoop(name="t", round=round, idle_seconds=1.0, sleep=clock.sleep)
    async with asyncio.timeout(5):
        await loop.run()
    assert max(clock.pauses) == 30.0
    assert len(clock.pauses) < 3600 / 30 + 10  # about two rounds a minute during an hour


async def test_a_kick_wakes_the_loop_out_of_its_backoff() -> None:
    rounds = 0

    async def round() -> int:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            raise ConnectionRefusedError("database away")
        return 0

    # Real sleeps: the first retry would come after an hour without the kick.
    hour = timedelta(hours=1)
    loop = KickableLoop(
        name="t", round=round, idle_seconds=3600.0, backoff_base=hour, backoff_cap=hour
    )
    await loop.start()
    try:
        await _until(lambda: loop.failures == 1)
        loop.kick()
        await _until(lambda: rounds == 2)
    finally:
        await loop.stop()


async def test_a_kick_during_a_round_is_not_lost() -> None:
    rounds = 0
    loop: KickableLoop

    async def round() -> int:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            loop.kick()  # a row queued while this round was reading: look again
        return 0

    loop = KickableLoop(name="t", round=round, idle_seconds=3600.0)
    await loop.start()
    try:
        await _until(lambda: rounds == 2)  # long before the hour's idle tick
    finally:
        await loop.stop()


async def test_finish_ends_the_loop_after_the_round_under_way() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[bool] = []

    async def round() -> int:
        started.set()
        await release.wait()
        finished.append(True)
        return 1  # busy: without finish() it would go straight on

    loop = KickableLoop(name="t", round=round, idle_seconds=3600.0)
    task = asyncio.create_task(loop.run())
    await started.wait()
    loop.finish()
    release.set()
    async with asyncio.timeout(5):
        await task
    assert finished == [True]  # the round ran to its end, not cancelled
