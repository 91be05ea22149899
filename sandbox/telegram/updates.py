"""The bot's update queue with getUpdates semantics (offsets, long polling, 409 Conflict).

Updates are filtered by ``allowed_updates`` when they are queued, as Telegram does. A poller
waits on an event that every new update sets, so a long poll returns as soon as something
arrives. A new getUpdates terminates one still waiting with 409, as the real server does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from .errors import CONFLICT_POLL, BotApiError

#: Update types delivered only when listed explicitly in ``allowed_updates``.
EXCLUDED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
FIRST_UPDATE_ID = 700_000_001


class UpdatesGate:
    """Holds the getUpdates that follows a delivered batch: the bot's confirmation.

    Armed when installed; the first non-empty batch returned afterwards is recorded in
    ``batch``; the next getUpdates is then held (after applying its offset when
    ``confirm``, before it otherwise) until :meth:`release`, or until another getUpdates
    supersedes it (409, as Telegram answers a second poller). A test kills the bot while
    :attr:`holding` is set: the batch was delivered and the bot has asked for more.
    """

    def __init__(self, *, confirm: bool = True) -> None:
        self.confirm = confirm
        self.batch: list[int] = []  # update_ids of the delivered batch
        self.offset: int | None = None  # the offset the held getUpdates carried
        self.holding = asyncio.Event()
        self.done = False
        self._released = asyncio.Event()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def release(self) -> None:
        self._released.set()

    async def wait_holding(self, seconds: float = 30.0) -> list[int]:
        """Until the getUpdates after the batch is held; returns the batch's update ids."""
        async with asyncio.timeout(seconds):
            await self.holding.wait()
        return list(self.batch)

    def to_dict(self) -> dict[str, object]:
        return {
            "confirm": self.confirm,
            "batch": list(self.batch),
            "offset": self.offset,
            "holding": self.holding.is_set() and not self.done,
            "released": self.released,
            "done": self.done,
        }


class UpdateQueue:
    """Pending updates of one bot; ``update_id`` grows by one per queued update."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.pending: list[dict[str, Any]] = []
        self.allowed: frozenset[str] | None = None  # None: the default set
        self.delivered: list[dict[str, Any]] = []  # everything ever queued, for inspection
        self._next_id = FIRST_UPDATE_ID
        self._wake = asyncio.Event()
        self._poller: object | None = None
        self.gate: UpdatesGate | None = None

    def is_allowed(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in EXCLUDED_BY_DEFAULT
        return kind in self.allowed

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update unless ``allowed_updates`` filters it out; wake the poller."""
        if not self.is_allowed(kind):
            return None
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self.pending.append(update)
        self.delivered.append(update)
        self._notify()
        return update

    def _notify(self) -> None:
        self._wake.set()
        self._wake = asyncio.Event()

    def nudge(self) -> None:
        """Wake whoever waits for updates (e.g. the webhook pusher after setWebhook)."""
        self._notify()

    async def wait_for_change(self, seconds: float) -> None:
        """Until an update is queued or :meth:`nudge` is called, at most ``seconds``."""
        wake = self._wake
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await wake.wait()

    def confirm(self, offset: int | None) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset``."""
        if not offset:
            return
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is None:
            return  # omitted: keep the previous setting
        self.allowed = frozenset(allowed) if allowed else None

    def clear(self) -> int:
        dropped = len(self.pending)
        self.pending.clear()
        return dropped

    async def get(
        self, offset: int | None, limit: int, wait_seconds: float
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm, then return up to ``limit`` updates, waiting up to
        ``wait_seconds`` (the call's ``timeout``) for the first one."""
        token = object()
        if self._poller is not None:
            self._notify()  # the waiting request sees it was superseded and answers 409
        self._poller = token
        gate = self.gate if self.gate is not None and self.gate.batch else None
        try:
            if gate is not None and not gate.confirm:
                await self._hold(gate, token, offset)
            self.confirm(offset)
            if gate is not None and gate.confirm:
                await self._hold(gate, token, offset)
            return await self._wait(token, limit, wait_seconds)
        finally:
            if self._poller is token:
                self._poller = None

    async def _hold(self, gate: UpdatesGate, token: object, offset: int | None) -> None:
        self.gate = None  # one hold per gate
        gate.offset = offset
        gate.holding.set()
        try:
            while not gate.released:
                if self._poller is not token:
                    raise BotApiError(CONFLICT_POLL, 409)
                wake = self._wake
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), 0.1)
        finally:
            gate.done = True

    async def _wait(self, token: object, limit: int, wait_seconds: float) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, wait_seconds)
        while True:
            if self._poller is not token:
                raise BotApiError(CONFLICT_POLL, 409)
            if self.pending:
                batch = [dict(update) for update in self.pending[:limit]]
                if self.gate is not None and not self.gate.batch:
                    self.gate.batch = [update["update_id"] for update in batch]
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            wake = self._wake
            try:
                await asyncio.wait_for(wake.wait(), remaining)
            except TimeoutError:
                continue

    def install_gate(self, *, confirm: bool = True) -> UpdatesGate:
        """Hold the getUpdates after the next delivered batch (see :class:`UpdatesGate`)."""
        if self.gate is not None:
            self.gate.release()
        self.gate = UpdatesGate(confirm=confirm)
        return self.gate

    def terminate_pollers(self) -> None:
        """Make a waiting poller answer now (used when the emulator stops)."""
        if self.gate is not None:
            self.gate.release()
        self._poller = object()
        self._notify()
