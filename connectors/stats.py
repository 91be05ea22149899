"""Counters of HTTP requests actually sent, per method path and per account.

The sync engine's tests and benchmarks assert on these to prove polling stays cheap (e.g. one
list call per idle cycle), so they count every attempt handed to the transport, retries included.
"""

from __future__ import annotations

from collections import Counter, defaultdict


class CallStats:
    """Mutable counters owned by one connector client."""

    def __init__(self) -> None:
        self.total = 0
        self.by_method: Counter[str] = Counter()
        self._by_account: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def record(self, account: str, method: str) -> None:
        """Count one request for ``account`` (e.g. Client-Id) to ``method`` (e.g. a path)."""
        self.total += 1
        self.by_method[method] += 1
        self._by_account[account][method] += 1

    def for_account(self, account: str) -> Counter[str]:
        """A copy of the per-method counts for one account (empty if it made no calls)."""
        return Counter(self._by_account.get(account, Counter()))

    def reset(self) -> None:
        self.total = 0
        self.by_method.clear()
        self._by_account.clear()
