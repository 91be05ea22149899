"""The SLA configuration every new seller starts with (Russian wording, support-domain.md).

Ordered rules: the first enabled match decides the priority of a buyer turn. Risky chats
(defects, a wrong item, complaint threats) come first, then delivery and return problems
and new chats, then gratitude (low). Anything unmatched is ``normal``. Targets are minutes
of (business) time: a first response target and a hard limit per priority.
"""

from __future__ import annotations

from storage.sla_repo import RuleSpec

DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        kind="keyword",
        priority="urgent",
        pattern="брак, бракован, сломан, разбит, порван, поврежд, дефект, трещин, треснул, "
        "не работает, не включается, не тот товар, другой товар, перепутали, "
        "роспотребнадзор, суд, претензи, жалоб, мошенн, обман",
    ),
    RuleSpec(
        kind="keyword",
        priority="high",
        pattern="не пришел, не пришёл, не доставили, доставк, где заказ, потерял, "
        "возврат, вернуть, верните, деньги, некомплект, не хватает, отсутствует",
    ),
    RuleSpec(kind="unanswered_at_least", priority="high", threshold=3),
    RuleSpec(kind="first_message", priority="high"),
    # Thanks with no question in it: "Спасибо! А курьер заберёт сам?" still needs an answer.
    RuleSpec(
        kind="regex",
        priority="low",
        pattern=r"^[^?]*(спасибо|благодар|вс[её] отлично)[^?]*$",
    ),
)

# priority → (first response target, hard limit), minutes.
DEFAULT_TARGETS: dict[str, tuple[int, int]] = {
    "urgent": (30, 60),
    "high": (60, 4 * 60),
    "normal": (4 * 60, 24 * 60),
    "low": (24 * 60, 48 * 60),
}

# Share of each priority that must be answered in time (the plan's compliance goals).
COMPLIANCE_GOALS: dict[str, float] = {"urgent": 0.95, "high": 0.90, "normal": 0.85}
