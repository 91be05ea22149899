"""Flood control: the per-group and per-bot budgets of ``docs/telegram-contract.md``.

Each budget is a sliding window: a unit spent at ``t`` frees at ``t + window``, so a bot that
spends its 20 units in a burst waits until the first of them frees, as with Telegram's
``retry_after``. The clock is injected so tests can use short windows or a fake time.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable

from .errors import too_many_requests

#: Methods that cost one unit (sendMediaGroup: one per item) of the group and global budgets.
COUNTED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "copyMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "createForumTopic",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
        "deleteForumTopic",
        "pinChatMessage",
    }
)


class SlidingWindow:
    """At most ``capacity`` units per ``window`` seconds for each key."""

    def __init__(self, capacity: int, window: float) -> None:
        if capacity < 1 or window <= 0:
            raise ValueError("a limit needs capacity >= 1 and window > 0")
        self.capacity = capacity
        self.window = window
        self._spent: dict[object, deque[float]] = defaultdict(deque)

    def wait(self, key: object, units: int, now: float) -> float:
        """Seconds until ``units`` more fit (0 when they fit now)."""
        spent = self._spent[key]
        while spent and spent[0] + self.window <= now:
            spent.popleft()
        excess = len(spent) + units - self.capacity
        if excess <= 0:
            return 0.0
        if units > self.capacity:
            return self.window
        return spent[excess - 1] + self.window - now

    def spend(self, key: object, units: int, now: float) -> None:
        self._spent[key].extend([now] * units)

    def reset(self) -> None:
        self._spent.clear()


class RateLimits:
    """The group and global budgets plus the log of every unit spent.

    ``log`` holds ``(clock time, chat_id, method)`` per unit, so benchmarks can compute units
    per conversation; :meth:`units` totals them per chat.
    """

    def __init__(
        self,
        group_limit: tuple[int, float],
        global_limit: tuple[int, float],
        clock: Callable[[], float],
    ) -> None:
        self.group = SlidingWindow(*group_limit)
        self.overall = SlidingWindow(*global_limit)
        self.clock = clock
        self.log: list[tuple[float, int, str]] = []
        #: 429s answered, per chat (a bot that keeps its budget gets none).
        self.refused: Counter[int] = Counter()
        #: ``(clock time, chat_id, "group" or "bot")`` per 429: which budget ran out.
        self.refusals: list[tuple[float, int, str]] = []

    @staticmethod
    def counted(method: str) -> bool:
        return method in COUNTED_METHODS

    def check(self, chat_id: int, units: int) -> None:
        """Raise the real 429 when ``units`` more would exceed a budget."""
        now = self.clock()
        bot_wait = self.overall.wait("bot", units, now)
        wait = bot_wait
        if chat_id < 0:  # groups and supergroups; private chats only share the global budget
            wait = max(wait, self.group.wait(chat_id, units, now))
        if wait > 0:
            self.refused[chat_id] += 1
            self.refusals.append((now, chat_id, "bot" if bot_wait > 0 else "group"))
            raise too_many_requests(max(1, math.ceil(wait)))

    def charge(self, chat_id: int, method: str, units: int) -> None:
        now = self.clock()
        self.overall.spend("bot", units, now)
        if chat_id < 0:
            self.group.spend(chat_id, units, now)
        self.log.extend((now, chat_id, method) for _ in range(units))

    def units(self, chat_id: int) -> int:
        """Units ever spent in ``chat_id`` (not just in the current window)."""
        return sum(1 for _, chat, _ in self.log if chat == chat_id)

    def reset(self) -> None:
        self.group.reset()
        self.overall.reset()
        self.log.clear()
