"""Deadlines of a buyer turn, from its priority, the seller's targets and business hours.

A turn has two clocks: the response target (``deadline``) and the hard limit
(``hard_deadline``), both counted in working time from the turn's first buyer message
(first response for a new chat, next response after a seller reply). Ozon accepts a reply
only within 48 h of the buyer's last message, so the hard limit never lies past that, and
a chat close to it is treated as urgent whatever the rules said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.sla.hours import BusinessHours
from bot.sla.rules import Decision, TurnFacts, decide, rank
from storage.database import Database
from storage.records import Seller, SlaRule, SlaTarget
from storage.sla_defaults import DEFAULT_TARGETS
from storage.sql import Executor

REPLY_WINDOW_MARGIN = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Everything needed to decide a seller's turns, loaded once per chat ingestion."""

    rules: Sequence[SlaRule]
    targets: Mapping[str, SlaTarget]
    hours: BusinessHours

    def minutes(self, priority: str) -> tuple[int, int]:
        """(target, hard limit) minutes; a missing row falls back to the defaults."""
        target = self.targets.get(priority)
        if target is None:
            return DEFAULT_TARGETS[priority]
        return target.target_minutes, target.hard_limit_minutes

    def decide(self, facts: TurnFacts) -> Decision:
        return decide(self.rules, facts)

    def deadlines(
        self, *, priority: str, started_at: datetime, window_ends_at: datetime | None
    ) -> tuple[datetime, datetime]:
        """(deadline, hard deadline) of a turn; both capped by the marketplace window."""
        target, hard = self.minutes(priority)
        deadline = self.hours.add(started_at, target)
        hard_deadline = self.hours.add(started_at, hard)
        if window_ends_at is not None:
            deadline = min(deadline, window_ends_at)
            hard_deadline = min(hard_deadline, window_ends_at)
        return deadline, hard_deadline


async def load_policy(db: Database, seller: Seller, *, conn: Executor | None = None) -> SlaPolicy:
    return SlaPolicy(
        rules=await db.sla.list_rules(seller_id=seller.id, conn=conn),
        targets=await db.sla.get_targets(seller_id=seller.id, conn=conn),
        hours=BusinessHours.of(seller),
    )


def escalates(current: str, candidate: str) -> bool:
    """A later message only ever raises a turn's priority, never lowers it."""
    return rank(candidate) < rank(current)


def warn_due(
    hours: BusinessHours, *, started_at: datetime, deadline: datetime, now: datetime
) -> bool:
    """About half the target used (in working time)."""
    total = hours.elapsed(started_at, deadline)
    return hours.elapsed(started_at, now) * 2 >= total
