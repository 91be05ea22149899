"""A 409 from getUpdates: a short one is a hand-over between instances (the previous
poller has not noticed it lost the role yet) and is waited out; a lasting one means a
stranger polls this token, and intake stops saying so."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates

from bot.updates.intake import Intake
from bot.updates.seal import UpdateSeal
from storage.update_repo import UpdateRepo


class ConflictingBot:
    """getUpdates answers 409 ``conflicts`` times, then nothing (an idle long poll)."""

    def __init__(self, conflicts: int) -> None:
        self.session = SimpleNamespace(timeout=1)
        self.conflicts = conflicts
        self.calls = 0

    async def __call__(self, call: GetUpdates, request_timeout: int | None = None) -> list[Any]:
        self.calls += 1
        if self.calls <= self.conflicts:
            raise TelegramConflictError(
                method=call, message="Conflict: terminated by other getUpdates request"
            )
        await asyncio.sleep(0)
        return []


def intake(bot: ConflictingBot, retries: int, slept: list[float]) -> Intake:
    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return Intake(
        bot=cast(Bot, bot),
        repo=cast(UpdateRepo, None),  # no update ever arrives: nothing is stored
        seal=cast(UpdateSeal, None),
        allowed_updates=["message"],
        on_stored=lambda: None,
        conflict_retries=retries,
        sleep=sleep,
    )


async def test_a_short_conflict_is_waited_out() -> None:
    bot, slept = ConflictingBot(conflicts=2), []
    task = asyncio.create_task(intake(bot, 3, slept).run())
    async with asyncio.timeout(5):
        while bot.calls < 5:  # noqa: ASYNC110 - the fake counts its own calls
            await asyncio.sleep(0)
    assert not task.done()  # still polling after the hand-over
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert len(slept) == 2 and slept[0] < slept[1]  # backed off, growing


async def test_a_lasting_conflict_stops_intake_with_the_reason() -> None:
    bot, slept = ConflictingBot(conflicts=100), []
    worker = intake(bot, 3, slept)
    async with asyncio.timeout(5):
        await worker.run()
    assert bot.calls == 4 and len(slept) == 3
    assert worker.stopped_reason is not None and "409" in worker.stopped_reason
