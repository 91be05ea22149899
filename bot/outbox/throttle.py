"""Telegram's budget, kept on our side so 429s are the exception, not the rhythm.

A forum supergroup is one peer: all its topics share about 20 sends and edits per minute
(topic creation counts as a send), and a bot has about 30 per second overall. We keep a
sliding window per group a little under that, a global window, and a pause per group when
Telegram answers 429 anyway (``retry_after`` often 25-40 s for groups) — only that group
waits; other groups keep going.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Budget:
    units: int
    per_seconds: float


GROUP_BUDGET = Budget(18, 60.0)  # Telegram: about 20 per minute per group
OVERALL_BUDGET = Budget(25, 1.0)  # Telegram: about 30 per second per bot


class _Window:
    """The times of recent units; at most ``budget.units`` inside any ``per_seconds``."""

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._times: deque[float] = deque()

    def delay(self, now: float) -> float:
        horizon = now - self._budget.per_seconds
        while self._times and self._times[0] <= horizon:
            self._times.popleft()
        if len(self._times) < self._budget.units:
            return 0.0
        return self._times[0] + self._budget.per_seconds - now

    def spend(self, now: float) -> None:
        self._times.append(now)


class TelegramThrottle:
    """Decides when a unit may be spent on a group; never sleeps itself (the caller
    skips a busy group and serves others meanwhile)."""

    def __init__(
        self,
        *,
        group: Budget = GROUP_BUDGET,
        overall: Budget = OVERALL_BUDGET,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._group_budget = group
        self._clock = clock
        self._groups: dict[int, _Window] = {}
        self._overall_budget = overall
        self._overall = _Window(overall)
        self._paused_until: dict[int, float] = {}
        self._spent: defaultdict[int, int] = defaultdict(int)

    @property
    def group_budget(self) -> Budget:
        return self._group_budget

    @property
    def overall_budget(self) -> Budget:
        return self._overall_budget

    def _window(self, chat_id: int) -> _Window:
        window = self._groups.get(chat_id)
        if window is None:
            window = self._groups[chat_id] = _Window(self._group_budget)
        return window

    def delay(self, chat_id: int) -> float:
        """Seconds until one unit may be spent on ``chat_id`` (0 means now)."""
        now = self._clock()
        paused = self._paused_until.get(chat_id, 0.0) - now
        return max(0.0, paused, self._window(chat_id).delay(now), self._overall.delay(now))

    def spend(self, chat_id: int) -> None:
        now = self._clock()
        self._window(chat_id).spend(now)
        self._overall.spend(now)
        self._spent[chat_id] += 1

    def pause(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429 with ``retry_after``: hold this group only."""
        until = self._clock() + seconds
        self._paused_until[chat_id] = max(until, self._paused_until.get(chat_id, 0.0))

    def spent(self, chat_id: int) -> int:
        """Units spent on a group since start (benchmarks report units per message)."""
        return self._spent[chat_id]
