"""The one backoff of the whole bot: how long to wait after ``failures`` failures in a row.

Every queue and loop (Telegram updates, the Telegram outbox, replies to marketplaces, seller
and chat sync) retries on this curve with its own base and cap, so "when will it try
again" has one answer to reason about: ``base`` after the first failure, doubling, never
above ``cap`` (retries thin out but never stop for so long that a recovery goes unseen).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

logger = logging.getLogger(__name__)

DEFAULT_CAP = timedelta(minutes=5)
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


def backoff(
    failures: int, *, base: timedelta = timedelta(seconds=1), cap: timedelta = DEFAULT_CAP
) -> timedelta:
    doublings = min(max(0, failures - 1), 32)  # bounded: no overflow after long outages
    seconds = min(cap.total_seconds(), base.total_seconds() * 2.0**doublings)
    return timedelta(seconds=seconds)


async def retry_soon(
    write: Callable[[], Awaitable[T]],
    *,
    what: str,
    tries: int = 3,
    base: timedelta = timedelta(seconds=0.2),
    sleep: Sleep = asyncio.sleep,
) -> T:
    """A few quick tries of a database write that records something already done in the
    world (a post sent, a topic created): the row must catch up before anything else can
    fail, or the act would be repeated. Waits on the one backoff; the last error is raised.
    """
    for failures in range(1, tries + 1):
        try:
            return await write()
        except Exception as exc:
            if failures >= tries:
                raise
            delay = backoff(failures, base=base).total_seconds()
            logger.warning("%s failed (%s); retry %d in %.1f s",
                           what, type(exc).__name__, failures, delay)  # fmt: skip
            await sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
