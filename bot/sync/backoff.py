"""The one backoff formula of sync: doubling from a base, capped, bounded for long outages."""

from __future__ import annotations

from datetime import timedelta


def backoff(consecutive_failures: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """base, 2·base, 4·base, … capped at ``cap``."""
    doublings = min(max(0, consecutive_failures - 1), 16)  # bounded: no overflow after days
    return min(cap, base * 2**doublings)
