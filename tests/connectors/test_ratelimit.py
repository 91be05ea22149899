"""Token-bucket limiter with a fake clock."""

import asyncio

import pytest

from connectors.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.now += delay


async def test_burst_of_100_takes_the_right_fake_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(40.0, clock=clock, sleep=clock.sleep)
    granted: list[float] = []
    for _ in range(100):
        await limiter.acquire("111")
        granted.append(clock.now)
    # burst of 10, then 40/s for the remaining 90 calls
    assert clock.now == pytest.approx(90 / 40)
    assert clock.now >= 2.25 - 1e-9
    # never more than 50 requests in any one-second window (Ozon's limit per Client-Id)
    for start in granted:
        assert sum(1 for t in granted if start <= t < start + 1.0) <= 50


async def test_two_keys_do_not_share_a_budget() -> None:
    clock = FakeClock()
    limiter = RateLimiter(40.0, clock=clock, sleep=clock.sleep)
    for _ in range(50):
        await limiter.acquire("111")
    spent = clock.now
    assert spent > 0
    for _ in range(10):
        await limiter.acquire("222")
    assert clock.now == spent  # the second seller's burst was free


async def test_tokens_refill_over_idle_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, burst=2, clock=clock, sleep=clock.sleep)
    for _ in range(2):
        await limiter.acquire("k")
    assert clock.now == 0
    clock.now += 10.0  # idle: bucket refills but only up to the burst
    for _ in range(3):
        await limiter.acquire("k")
    assert clock.now == pytest.approx(10.1)


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)


async def test_concurrent_callers_queue_behind_each_other() -> None:
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)

    limiter = RateLimiter(10.0, burst=2, clock=lambda: 0.0, sleep=record)
    await asyncio.gather(*(limiter.acquire("k") for _ in range(5)))
    # two free tokens, then each caller reserves the next slot: 0.1 s apart
    assert waits == pytest.approx([0.1, 0.2, 0.3])
