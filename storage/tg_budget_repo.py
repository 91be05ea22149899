"""Telegram's budget kept in the database, so every instance spends from the same one.

Each scope (a group's Telegram chat id, or 0 for the bot as a whole) is one row holding
the times of the units spent inside its window: a sliding window, exact, not a bucket that
would let a burst and a refill both through in one minute. A unit is taken with one
``INSERT … ON CONFLICT DO UPDATE`` per scope in one statement: the conflicting row is locked
and its newest version tested, so two instances can never both take the last unit. The
bot-wide unit is taken first and the group's only if it was: a group refused then wastes
one bot-wide unit for a second, never a group unit for a minute. Times are the database's
(``clock_timestamp()``), so instances' clocks cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.sql import Repository

#: The scope of the bot-wide budget (no Telegram chat has id 0).
BOT_SCOPE = 0


# Trim a row's units to its window and add one now, only while fewer than the budget's
# units are inside the window. ``bot`` runs first; ``grp`` inserts only if ``bot`` took.
_TAKE = """
    WITH bot AS (
        INSERT INTO tg_budget AS b (scope, spent) VALUES (0, ARRAY[clock_timestamp()])
        ON CONFLICT (scope) DO UPDATE
           SET spent = ARRAY(SELECT t FROM unnest(b.spent) t
                              WHERE t > clock_timestamp() - $5::interval ORDER BY t)
                       || clock_timestamp()
         WHERE (SELECT count(*) FROM unnest(b.spent) t
                 WHERE t > clock_timestamp() - $5::interval) < $4
        RETURNING b.scope
    ), grp AS (
        INSERT INTO tg_budget AS g (scope, spent)
        SELECT $1, ARRAY[clock_timestamp()] FROM bot
        ON CONFLICT (scope) DO UPDATE
           SET spent = ARRAY(SELECT t FROM unnest(g.spent) t
                              WHERE t > clock_timestamp() - $3::interval ORDER BY t)
                       || clock_timestamp()
         WHERE (SELECT count(*) FROM unnest(g.spent) t
                 WHERE t > clock_timestamp() - $3::interval) < $2
        RETURNING g.scope
    )
    SELECT ok.group_ok, clock_timestamp() AS now,
           CASE WHEN NOT ok.group_ok THEN (SELECT spent FROM tg_budget WHERE scope = 0)
           END AS bot_spent,
           CASE WHEN NOT ok.group_ok THEN (SELECT spent FROM tg_budget WHERE scope = $1)
           END AS group_spent
      FROM (SELECT EXISTS (SELECT 1 FROM grp) AS group_ok) ok
"""


@dataclass(frozen=True, slots=True)
class Taken:
    """The outcome of one take: ``ok``, or how long until a unit is likely free."""

    ok: bool
    retry_after: float = 0.0


def _wait(spent: list[datetime] | None, now: datetime, units: int, window: timedelta) -> float:
    """Seconds until the oldest unit that keeps the window full leaves it (a hint: it is
    read from the statement's snapshot, which may predate a concurrent spend)."""
    recent = sorted(t for t in (spent or []) if t > now - window)
    if len(recent) < units:
        return 0.0
    return max(0.0, (recent[len(recent) - units] + window - now).total_seconds())


class TgBudgetRepo(Repository):
    async def take(
        self,
        *,
        tg_chat_id: int,
        group_units: int,
        group_window: timedelta,
        bot_units: int,
        bot_window: timedelta,
    ) -> Taken:
        """One unit of the group's budget and of the bot's, both or (as far as the group's
        goes) neither."""
        row = await self._pool.fetchrow(
            _TAKE, tg_chat_id, group_units, group_window, bot_units, bot_window
        )
        assert row is not None
        if row["group_ok"]:
            return Taken(True)
        now = row["now"]
        wait = max(
            _wait(row["bot_spent"], now, bot_units, bot_window),
            _wait(row["group_spent"], now, group_units, group_window),
        )
        return Taken(False, wait)

    async def spent(self, *, scope: int, window: timedelta) -> int:
        """Units spent on a scope within the last ``window`` (tests, benchmarks)."""
        return int(
            await self._pool.fetchval(
                """
                SELECT count(*) FROM tg_budget b, unnest(b.spent) t
                 WHERE b.scope = $1 AND t > clock_timestamp() - $2::interval
                """,
                scope,
                window,
            )
        )
