"""What the emulators' "hold" faults share: a call that has taken effect waits for its
answer until a test releases it or the client goes away, and tests can wait for that.

A test kills the bot *while* a call is held, so the fault lands inside the window where the
server has acted and the client does not know it yet.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable


class HoldGate:
    """Counts held calls and wakes waiters on every change."""

    def __init__(self) -> None:
        self.holding = 0
        self._released = asyncio.Event()
        self._changed = asyncio.Event()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def notify(self) -> None:
        """Something a waiter may be waiting for changed (a hit, a hold, a release)."""
        self._changed.set()
        self._changed = asyncio.Event()

    def release(self) -> None:
        """Answer every held call; later matching calls are no longer held."""
        self._released.set()
        self.notify()

    async def wait_for(self, condition: Callable[[], bool], seconds: float) -> None:
        async with asyncio.timeout(seconds):
            while not condition():
                await self._changed.wait()

    async def wait_held(self, seconds: float = 30.0) -> None:
        """Until a call is being held right now: the client is waiting for its answer."""
        await self.wait_for(lambda: self.holding >= 1, seconds)

    async def wait_idle(self, seconds: float = 30.0) -> None:
        """Until no call is held any more (released, or its client went away)."""
        await self.wait_for(lambda: self.holding == 0, seconds)

    async def hold(self, gone: Callable[[], bool], poll: float = 0.05) -> bool:
        """Withhold the answer until released (True) or the client is gone (False)."""
        self.holding += 1
        self.notify()
        try:
            while not self._released.is_set():
                if gone():
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._released.wait(), poll)
            return True
        finally:
            self.holding -= 1
            self.notify()
