"""The connectors' one retry loop, on scripted attempts (no HTTP): what it repeats, what
it waits, and what a send that may have arrived turns into."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import pytest

from connectors.errors import (
    AuthFailed,
    MarketplaceError,
    MarketplaceUnavailable,
    RateLimited,
    SendOutcomeUnknown,
    ServerError,
)
from connectors.retry import Retrier, RetryPolicy

LOG = logging.getLogger("tests.retry_loop")


class Script:
    """Attempts that fail with the given errors in turn, then return "ok"."""

    def __init__(self, failures: Iterable[MarketplaceError]) -> None:
        self._failures = list(failures)
        self.numbers: list[int] = []
        self.slept: list[float] = []

    async def attempt(self, number: int) -> str:
        self.numbers.append(number)
        if self._failures:
            raise self._failures.pop(0)
        return "ok"

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


async def run(
    script: Script,
    policy: RetryPolicy | None = None,
    *,
    verify: Callable[[], object] | None = None,
    repeatable: bool = True,
) -> str | None:
    retrier = Retrier(
        policy=policy or RetryPolicy(), sleep=script.sleep, random=lambda: 1.0, logger=LOG
    )
    if verify is None:
        return await retrier.call(
            script.attempt, what="test POST /send", who="seller=1", repeatable=repeatable
        )

    async def verified() -> bool:
        return bool(verify())

    return await retrier.call(
        script.attempt, what="test POST /send", who="seller=1", verify=verified
    )


async def test_transient_failures_are_retried_on_the_backoff() -> None:
    script = Script([ServerError(502), MarketplaceUnavailable(may_have_arrived=False)])
    assert await run(script, RetryPolicy(base_delay=0.5)) == "ok"
    assert script.numbers == [1, 2, 3]
    assert script.slept == [0.5, 1.0]


async def test_a_final_error_is_raised_at_once() -> None:
    script = Script([AuthFailed("invalid_key")])
    with pytest.raises(AuthFailed):
        await run(script)
    assert script.numbers == [1]
    assert script.slept == []


async def test_attempts_run_out_and_the_last_error_is_raised() -> None:
    script = Script([ServerError(500)] * 5)
    with pytest.raises(ServerError):
        await run(script, RetryPolicy(max_attempts=3))
    assert script.numbers == [1, 2, 3]
    assert len(script.slept) == 2  # no pointless wait after the last attempt


async def test_retry_after_is_capped_or_raised_as_the_policy_says() -> None:
    capped = Script([RateLimited(600.0)])
    assert await run(capped, RetryPolicy(max_retry_after=30.0)) == "ok"
    assert capped.slept == [30.0]

    refused = Script([RateLimited(600.0)])
    with pytest.raises(RateLimited):
        await run(refused, RetryPolicy(max_retry_after=30.0, raise_beyond_retry_after=True))
    assert refused.slept == []

    short = Script([RateLimited(3.0)])
    assert await run(short, RetryPolicy(raise_beyond_retry_after=True)) == "ok"
    assert short.slept == [3.0]


async def test_a_send_that_may_have_arrived_is_not_repeated_when_not_repeatable() -> None:
    script = Script([MarketplaceUnavailable(may_have_arrived=True)])
    with pytest.raises(SendOutcomeUnknown):
        await run(script, repeatable=False)
    assert script.numbers == [1]


async def test_a_refusal_before_the_server_acted_is_retried_even_when_not_repeatable() -> None:
    script = Script([RateLimited(1.0), MarketplaceUnavailable(may_have_arrived=False)])
    assert await run(script, repeatable=False) == "ok"
    assert script.numbers == [1, 2, 3]


async def test_verify_finds_the_send_and_nothing_is_sent_again() -> None:
    script = Script([ServerError(500)])
    assert await run(script, RetryPolicy(base_delay=0.5), verify=lambda: True) is None
    assert script.numbers == [1]
    assert script.slept == [0.5]  # the backoff is spent before looking


async def test_verify_not_finding_it_sends_again_without_a_second_wait() -> None:
    script = Script([ServerError(500)])
    assert await run(script, RetryPolicy(base_delay=0.5), verify=lambda: False) == "ok"
    assert script.numbers == [1, 2]
    assert script.slept == [0.5]


async def test_verified_and_not_repeatable_together_is_a_mistake() -> None:
    async def never() -> bool:
        return False

    script = Script([])
    retrier = Retrier(policy=RetryPolicy(), sleep=script.sleep, random=lambda: 1.0, logger=LOG)
    with pytest.raises(ValueError, match="not both"):
        await retrier.call(script.attempt, what="x", who="y", verify=never, repeatable=False)
    assert script.numbers == []


async def test_a_client_s_own_final_transient_failure_is_raised_at_once() -> None:
    """E.g. a 429 for an hourly budget: retrying inside one call cannot help."""
    script = Script([RateLimited(None, status=429), RateLimited(1.0)])
    retrier = Retrier(
        policy=RetryPolicy(),
        sleep=script.sleep,
        random=lambda: 1.0,
        logger=LOG,
        gives_up=lambda exc: isinstance(exc, RateLimited) and exc.retry_after is None,
    )
    with pytest.raises(RateLimited):
        await retrier.call(script.attempt, what="x", who="y")
    assert script.numbers == [1]
    assert script.slept == []
