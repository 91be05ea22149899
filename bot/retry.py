"""The one backoff of the whole bot: how long to wait after ``failures`` failures in a row.

Every queue and loop (Telegram updates, the Telegram outbox, replies to marketplaces, seller
and chat sync) retries on this curve with its own base and cap, so "when will it try
again" has one answer to reason about: ``base`` after the first failure, doubling, never
above ``cap`` (retries thin out but never stop for so long that a recovery goes unseen).
"""

from __future__ import annotations

from datetime import timedelta

DEFAULT_CAP = timedelta(minutes=5)


def backoff(
    failures: int, *, base: timedelta = timedelta(seconds=1), cap: timedelta = DEFAULT_CAP
) -> timedelta:
    doublings = min(max(0, failures - 1), 32)  # bounded: no overflow after long outages
    seconds = min(cap.total_seconds(), base.total_seconds() * 2.0**doublings)
    return timedelta(seconds=seconds)
