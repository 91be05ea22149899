"""Fault injection and the per-Client-Id rate limiter.

Both decide, before (or right after) a Seller API call is handled, whether the call should
misbehave. Neither knows about HTTP: the API layer asks them and acts on the answer.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .ids import format_time


class FaultKind(StrEnum):
    """What an injected fault does to a matching call."""

    #: Answer 429 code 8 as if the rate limit was hit.
    RATE_LIMIT = "429"
    #: Answer 500 code 13 ``Internal error``.
    SERVER_ERROR = "500"
    #: Wait ``seconds`` and then answer normally.
    SLOW = "slow"
    #: Close the connection without a response, before processing.
    DROP = "drop"
    #: Process the call fully, then close the connection without a response: the client
    #: sees a transport error although Ozon accepted the request.
    ACCEPT_THEN_DROP = "accept_then_drop"


@dataclass(slots=True)
class Fault:
    """One injected fault rule.

    It matches calls by ``path`` and ``client_id`` (``None`` matches any) and applies to the
    next ``remaining`` matching calls, or until the emulated time ``until``, or (with neither)
    until cleared.
    """

    id: int
    kind: FaultKind
    remaining: int | None = None
    seconds: float | None = None
    until: datetime | None = None
    path: str | None = None
    client_id: str | None = None

    def matches(self, path: str, client_id: str) -> bool:
        return (self.path is None or self.path == path) and (
            self.client_id is None or self.client_id == client_id
        )

    def expired(self, now: datetime) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return True
        return self.until is not None and now >= self.until

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "remaining": self.remaining,
            "seconds": self.seconds,
            "until": format_time(self.until) if self.until else None,
            "path": self.path,
            "client_id": self.client_id,
        }


class FaultBook:
    """The ordered list of active faults; the oldest matching fault wins."""

    __slots__ = ("_faults", "_next_id")

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(
        self,
        kind: str,
        *,
        count: int | None = None,
        seconds: float | None = None,
        until: datetime | None = None,
        path: str | None = None,
        client_id: str | None = None,
    ) -> Fault:
        """Register a fault; raises ``ValueError`` on a nonsensical combination."""
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            allowed = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {allowed}") from None
        if count is not None and count < 1:
            raise ValueError("count must be a positive integer")
        if fault_kind is FaultKind.SLOW:
            if seconds is None or seconds < 0:
                raise ValueError("a 'slow' fault needs seconds >= 0")
        elif seconds is not None:
            raise ValueError("seconds is the delay of a 'slow' fault; use count or until")
        if until is not None and until.tzinfo is None:
            raise ValueError("until must be timezone-aware")
        fault = Fault(
            id=self._next_id,
            kind=fault_kind,
            remaining=count,
            seconds=seconds,
            until=until,
            path=path,
            client_id=client_id,
        )
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def take(self, path: str, client_id: str, now: datetime) -> Fault | None:
        """Consume one application of the first live fault matching this call, if any."""
        if not self._faults:
            return None
        self._faults = [f for f in self._faults if not f.expired(now)]
        for fault in self._faults:
            if fault.matches(path, client_id):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()

    def __iter__(self) -> Iterator[Fault]:
        return iter(list(self._faults))

    def __len__(self) -> int:
        return len(self._faults)


class RateLimiter:
    """Sliding one-second window per Client-Id, on the wall clock (never the emulated one).

    A call is allowed when fewer than ``rps`` calls were allowed in the preceding second;
    rejected calls are not recorded, so a client that backs off recovers within a second.
    ``rps <= 0`` disables limiting.
    """

    __slots__ = ("_clock", "_windows", "rps")

    def __init__(self, rps: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rps = rps
        self._clock = clock
        self._windows: dict[str, deque[float]] = {}

    def allow(self, client_id: str) -> bool:
        if self.rps <= 0:
            return True
        now = self._clock()
        window = self._windows.get(client_id)
        if window is None:
            window = self._windows[client_id] = deque()
        horizon = now - 1.0
        while window and window[0] <= horizon:
            window.popleft()
        if len(window) >= self.rps:
            return False
        window.append(now)
        return True

    def reset(self) -> None:
        self._windows.clear()
