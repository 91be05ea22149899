"""Telegram's budget shared by every instance on the database.

The in-process :class:`~bot.outbox.throttle.TelegramThrottle` alone would let each of N
instances spend a group's ~20 units a minute; this spends each unit from one row per group
(and one for the bot) in PostgreSQL, one round trip per send, with the same budgets. The
throttle stays in front of it: it skips groups known to be spent (or paused after a 429)
without asking the database.
"""

from __future__ import annotations

from datetime import timedelta

from bot.outbox.throttle import GROUP_BUDGET, OVERALL_BUDGET, Budget
from storage.tg_budget_repo import Taken, TgBudgetRepo

#: When the database refuses but its snapshot hints "free now" (a concurrent spend it
#: did not see), wait this long before asking again.
MIN_RETRY_SECONDS = 0.25


class SharedBudget:
    def __init__(
        self, repo: TgBudgetRepo, *, group: Budget = GROUP_BUDGET, overall: Budget = OVERALL_BUDGET
    ) -> None:
        self._repo = repo
        self._group = group
        self._overall = overall

    async def take(self, tg_chat_id: int) -> Taken:
        """One unit of the group's budget (and of the bot's), or how long to wait."""
        taken = await self._repo.take(
            tg_chat_id=tg_chat_id,
            group_units=self._group.units,
            group_window=timedelta(seconds=self._group.per_seconds),
            bot_units=self._overall.units,
            bot_window=timedelta(seconds=self._overall.per_seconds),
        )
        if taken.ok:
            return taken
        return Taken(False, max(taken.retry_after, MIN_RETRY_SECONDS))
