"""The pause before trying again: doubling from ``base``, never above ``cap``."""

from __future__ import annotations


def backoff_seconds(attempt: int, *, base: float = 1.0, cap: float = 30.0) -> float:
    """Seconds to wait before try ``attempt + 1`` (``attempt`` counts from 1)."""
    return min(cap, base * 2 ** max(0, attempt - 1))
