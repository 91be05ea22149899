"""Injected faults: what a matching API call does instead of (or after) its normal work.

The API layer asks ``FaultBook.take`` before handling a call and acts on the answer; nothing
here knows about HTTP. ``hold`` uses :class:`sandbox.holds.HoldGate`, so a test can kill the
bot while WB has stored a message and the answer is still on its way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.holds import HoldGate


class FaultKind(StrEnum):
    #: 429 problem+json with ``X-Ratelimit-Retry: 1``, as if the budget was spent.
    RATE_LIMIT = "429"
    #: 500 problem+json, nothing done.
    SERVER_ERROR = "500"
    #: Wait ``seconds``, then answer normally.
    SLOW = "slow"
    #: Close the connection before doing anything.
    DROP = "drop"
    #: Do the work (a send is stored and echoed), then close the connection unanswered.
    ACCEPT_THEN_DROP = "accept_then_drop"
    #: Do the work, then withhold the answer until released or the client goes away.
    HOLD = "hold"


@dataclass(slots=True)
class Fault:
    """Matches calls by ``path`` and ``seller_id`` (None: any); applies to the next
    ``remaining`` matching calls after ``skip`` untouched ones, or until cleared."""

    id: int
    kind: FaultKind
    remaining: int | None = None
    seconds: float | None = None
    path: str | None = None
    seller_id: str | None = None
    skip: int = 0
    hits: int = 0
    gate: HoldGate = field(default_factory=HoldGate, repr=False)

    def matches(self, path: str, seller_id: str) -> bool:
        return (self.path is None or self.path == path) and (
            self.seller_id is None or self.seller_id == seller_id
        )

    async def wait_hits(self, count: int = 1, seconds: float = 30.0) -> None:
        await self.gate.wait_for(lambda: self.hits >= count, seconds)

    async def wait_held(self, seconds: float = 30.0) -> None:
        await self.gate.wait_held(seconds)

    async def hold(self, gone: Callable[[], bool]) -> bool:
        return await self.gate.hold(gone)

    def release(self) -> None:
        self.gate.release()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "remaining": self.remaining,
            "seconds": self.seconds,
            "path": self.path,
            "seller_id": self.seller_id,
            "skip": self.skip,
            "hits": self.hits,
            "holding": self.gate.holding,
            "released": self.gate.released,
        }


class FaultBook:
    """Active faults in order; the oldest matching one wins."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._by_id: dict[int, Fault] = {}
        self._next_id = 1

    def add(
        self,
        kind: str,
        *,
        count: int | None = None,
        seconds: float | None = None,
        path: str | None = None,
        seller_id: str | None = None,
        skip: int = 0,
    ) -> Fault:
        """Register a fault; ``ValueError`` on a nonsensical combination."""
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            allowed = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {allowed}") from None
        if count is not None and count < 1:
            raise ValueError("count must be a positive integer")
        if skip < 0:
            raise ValueError("skip must not be negative")
        if (fault_kind is FaultKind.SLOW) != (seconds is not None) or (seconds or 0) < 0:
            raise ValueError("seconds (>= 0) is required by, and only by, a 'slow' fault")
        fault = Fault(self._next_id, fault_kind, count, seconds, path, seller_id, skip=skip)
        self._next_id += 1
        self._faults.append(fault)
        self._by_id[fault.id] = fault
        return fault

    def take(self, path: str, seller_id: str) -> Fault | None:
        """Consume one application of the first live fault matching this call."""
        for fault in self._faults:
            if fault.gate.released or not fault.matches(path, seller_id):
                continue
            if fault.skip > 0:
                fault.skip -= 1
                return None
            fault.hits += 1
            fault.gate.notify()
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            return fault
        return None

    def get(self, fault_id: int) -> Fault | None:
        return self._by_id.get(fault_id)

    def release(self, fault: Fault) -> None:
        fault.release()
        if fault in self._faults:
            self._faults.remove(fault)

    def clear(self) -> int:
        """Forget every fault (held calls are answered first); returns how many were live."""
        live = len(self._faults)
        for fault in self._by_id.values():
            fault.release()
        self._faults.clear()
        self._by_id.clear()
        return live

    def __iter__(self) -> Iterator[Fault]:
        return iter(list(self._by_id.values()))
