"""Which SLA notice a waiting turn owes, and how a batch of them reads.

Three notices per buyer turn, each at most once: ``warned`` (about half the target used),
``escalated`` (the target passed; mention the owner, else the admins) and
``hard_breached`` (the hard limit passed). When a later one is due, the earlier ones are
stamped too and not sent: nobody needs "half the time is used" after "time is over".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.sla.format import mention, priority_label, time_left, topic_link
from bot.sla.hours import BusinessHours
from bot.sla.policy import warn_due
from bot.texts import Locale, plain_text, text
from bot.texts.markup import escaped, join, link
from storage.sla_queue_repo import DueTurn

SEVERITY = ("warned", "escalated", "hard_breached")
BATCH_AT = 3  # this many notices at once in one workspace become one post in General
BATCH_ROWS = 15


@dataclass(frozen=True, slots=True)
class Fired:
    turn: DueTurn
    notice: str  # the one to send
    stamps: tuple[bool, bool, bool]  # warned, escalated, hard_breached to record now


def owed(turn: DueTurn, *, now: datetime, hours: BusinessHours) -> Fired | None:
    """The most severe notice due and not yet sent, or ``None``."""
    hard = (
        turn.hard_breached_at is None
        and turn.hard_deadline is not None
        and turn.hard_deadline <= now
    )
    escalate = hard or (
        turn.escalated_at is None and turn.deadline is not None and turn.deadline <= now
    )
    warn = escalate or (
        turn.warned_at is None
        and turn.deadline is not None
        and warn_due(hours, started_at=turn.started_at, deadline=turn.deadline, now=now)
    )
    stamps = (
        warn and turn.warned_at is None,
        escalate and turn.escalated_at is None,
        hard and turn.hard_breached_at is None,
    )
    if not any(stamps):
        return None
    notice = SEVERITY[max(i for i, s in enumerate(stamps) if s)]
    return Fired(turn, notice, stamps)


def who(turn: DueTurn, admins: Sequence[tuple[int, str]], locale: Locale) -> str:
    """The chat's owner, else the workspace admins, else a plain call to anyone."""
    if turn.owner_tg_user_id is not None:
        return mention(turn.owner_tg_user_id, turn.owner_name or "")
    if admins:
        return join((mention(uid, name) for uid, name in admins[:5]), ", ")
    return text("notice.nobody", locale)


def single_text(
    fired: Fired, *, admins: Sequence[tuple[int, str]], now: datetime, locale: Locale
) -> str:
    turn = fired.turn
    return text(
        f"notice.{fired.notice}",
        locale,
        priority=priority_label(turn.priority, locale),
        left=time_left(turn.deadline, now, locale, rough=False),
        who=who(turn, admins, locale),
    )


def _label(turn: DueTurn, locale: Locale) -> str:
    if turn.topic_name:
        return turn.topic_name
    if turn.order_number:
        return plain_text("topic.order", locale, order=turn.order_number)
    return plain_text("topic.chat", locale)


def batch_text(
    fired: Sequence[Fired],
    *,
    admins: Sequence[tuple[int, str]],
    tg_chat_id: int,
    locale: Locale,
) -> str:
    """One post for many notices: most severe first, owners named, admins called once."""
    ordered = sorted(fired, key=lambda f: (-SEVERITY.index(f.notice), f.turn.turn_id))
    lines = [text("notice.batch_head", locale, count=len(fired))]
    for item in ordered[:BATCH_ROWS]:
        turn = item.turn
        label = _label(turn, locale)
        if turn.topic_thread_id is not None:
            label = link(topic_link(tg_chat_id, turn.topic_thread_id), label)
        else:
            label = escaped(label)
        line = f"{text(f'notice.kind.{item.notice}', locale)} · {label}"
        if item.notice != "warned" and turn.owner_tg_user_id is not None:
            line += " · " + mention(turn.owner_tg_user_id, turn.owner_name or "")
        lines.append(line)
    if len(ordered) > BATCH_ROWS:
        lines.append(text("notice.batch_more", locale, count=len(ordered) - BATCH_ROWS))
    unowned = any(f.notice != "warned" and f.turn.owner_tg_user_id is None for f in fired)
    if unowned and admins:
        lines.append(", ".join(mention(uid, name) for uid, name in admins[:5]))
    return "\n".join(lines)
