"""Counters of HTTP requests actually sent, per method path and per account.

The sync engine's tests and benchmarks assert on these to prove polling stays cheap (e.g. one
list call per idle cycle), so they count every attempt handed to the transport, retries included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """One finished request: whose, which method, ``"ok"`` or the error type, how long."""

    account: str
    method: str
    outcome: str
    seconds: float


CallObserver = Callable[[CallOutcome], None]


class CallStats:
    """Mutable counters owned by one connector client, and observers of finished calls
    (metrics); an observer must be quick and never raise."""

    def __init__(self) -> None:
        self.total = 0
        self.by_method: Counter[str] = Counter()
        self._by_account: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._observers: list[CallObserver] = []

    def observe(self, observer: CallObserver) -> None:
        self._observers.append(observer)

    def finished(self, account: str, method: str, outcome: str, seconds: float) -> None:
        """A request :meth:`record`-ed before has its answer (or its failure)."""
        if self._observers:
            done = CallOutcome(account, method, outcome, seconds)
            for observer in self._observers:
                observer(done)

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
