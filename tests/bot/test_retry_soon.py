"""The quick tries that record an act already done (a post sent, a topic created)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.retry import retry_soon


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.slept: list[float] = []

    async def write(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("database away")
        return "saved"

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


async def test_a_write_that_recovers_is_saved_after_waits_on_the_one_backoff() -> None:
    flaky = Flaky(failures=2)
    result = await retry_soon(
        flaky.write, what="saving", tries=3, base=timedelta(seconds=0.2), sleep=flaky.sleep
    )
    assert result == "saved"
    assert flaky.calls == 3
    assert flaky.slept == [0.2, 0.4]


async def test_the_last_error_is_raised_without_a_wait_after_it() -> None:
    flaky = Flaky(failures=5)
    with pytest.raises(ConnectionError):
        await retry_soon(flaky.write, what="saving", tries=3, sleep=flaky.sleep)
    assert flaky.calls == 3
    assert len(flaky.slept) == 2
