"""Fault injection and the per-Client-Id rate limiter.

Both decide, before (or right after) a Seller API call is handled, whether the call should
misbehave. Neither knows about HTTP: the API layer asks them and acts on the answer.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sandbox.holds import HoldGate

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
    #: Process the call fully, then withhold the response until the fault is released or
    #: the client disconnects: a test knows the call is in flight and can kill the client.
    HOLD = "hold"
    #: ``/v1/chat/send/file`` only: read part of the body, then close the connection;
    #: nothing is stored.
    FAIL_MID_UPLOAD = "fail_mid_upload"


#: The only path a ``fail_mid_upload`` fault can apply to.
UPLOAD_PATH = "/v1/chat/send/file"


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
    #: Matching calls still to let through untouched before the fault applies.
    skip: int = 0
    #: Calls this fault applied to so far.
    hits: int = 0
    gate: HoldGate = field(default_factory=HoldGate, repr=False)

    def matches(self, path: str, client_id: str) -> bool:
        if self.kind is FaultKind.FAIL_MID_UPLOAD and path != UPLOAD_PATH:
            return False
        return (self.path is None or self.path == path) and (
            self.client_id is None or self.client_id == client_id
        )

    async def wait_hits(self, count: int = 1, seconds: float = 30.0) -> None:
        """Until this fault applied to ``count`` calls."""
        await self.gate.wait_for(lambda: self.hits >= count, seconds)

    @property
    def holding(self) -> int:
        """Calls whose answer is being withheld right now (``hold``)."""
        return self.gate.holding

    @property
    def released(self) -> bool:
        return self.gate.released

    def release(self) -> None:
        """Answer every held call; the fault stops holding."""
        self.gate.release()

    async def wait_held(self, seconds: float = 30.0) -> None:
        await self.gate.wait_held(seconds)

    async def wait_idle(self, seconds: float = 30.0) -> None:
        await self.gate.wait_idle(seconds)

    async def hold(self, gone: Callable[[], bool], poll: float = 0.05) -> bool:
        return await self.gate.hold(gone, poll)

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
            "skip": self.skip,
            "hits": self.hits,
            "holding": self.holding,
            "released": self.released,
        }


class FaultBook:
    """The ordered list of active faults; the oldest matching fault wins."""

    __slots__ = ("_by_id", "_faults", "_next_id")

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        #: Every fault since the last clear, used up or not: a used-up ``hold`` still
        #: holds its call until released by id.
        self._by_id: dict[int, Fault] = {}
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
        skip: int = 0,
    ) -> Fault:
        """Register a fault; raises ``ValueError`` on a nonsensical combination."""
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            allowed = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {allowed}") from None
        if count is not None and count < 1:
            raise ValueError("count must be a positive integer")
        if skip < 0:
            raise ValueError("skip must not be negative")
        if fault_kind is FaultKind.SLOW:
            if seconds is None or seconds < 0:
                raise ValueError("a 'slow' fault needs seconds >= 0")
        elif seconds is not None:
            raise ValueError("seconds is the delay of a 'slow' fault; use count or until")
        if until is not None and until.tzinfo is None:
            raise ValueError("until must be timezone-aware")
        if fault_kind is FaultKind.FAIL_MID_UPLOAD and path not in (None, UPLOAD_PATH):
            raise ValueError(f"a 'fail_mid_upload' fault applies to {UPLOAD_PATH} only")
        fault = Fault(
            id=self._next_id,
            kind=fault_kind,
            remaining=count,
            seconds=seconds,
            until=until,
            path=path,
            client_id=client_id,
            skip=skip,
        )
        self._next_id += 1
        self._faults.append(fault)
        self._by_id[fault.id] = fault
        return fault

    def take(self, path: str, client_id: str, now: datetime) -> Fault | None:
        """Consume one application of the first live fault matching this call, if any."""
        if not self._faults:
            return None
        self._faults = [f for f in self._faults if not f.expired(now)]
        for fault in self._faults:
            if fault.released:
                continue
            if fault.matches(path, client_id):
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
        """Answer the calls ``fault`` holds and retire it."""
        fault.release()
        if fault in self._faults:
            self._faults.remove(fault)

    def clear(self) -> None:
        """Forget every fault; calls still held are answered first."""
        for fault in self._by_id.values():
            fault.release()
        self._faults.clear()
        self._by_id.clear()

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
