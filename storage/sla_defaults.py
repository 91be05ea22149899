"""The SLA configuration every new seller starts with (Russian wording, support-domain.md).

Ordered rules: the first enabled match decides the priority of a buyer turn. Risky chats
(defects, a wrong item — including a wrong colour or size —, complaint threats) come first,
then delivery and return problems, then gratitude with no question in it (low: it goes
above "first message", so «Спасибо большое, всё отлично!» in a new chat is not high), then
new chats. Anything unmatched is ``normal``. Migration 0018 moves sellers whose rules were
still the previous defaults, untouched, to these. Targets are minutes
of (business) time: a first response target and a hard limit per priority.
"""

from __future__ import annotations

from storage.sla_repo import RuleSpec

# The default "thanks without a question" rule; /rules shows it by name, not as a regex.
THANKS_PATTERN = r"^[^?]*(спасибо|благодар|вс[её] отлично)[^?]*$"

DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        kind="keyword",
        priority="urgent",
        pattern="брак, бракован, сломан, разбит, порван, поврежд, дефект, трещин, треснул, "
        "не работает, не включается, не тот товар, другой товар, перепутали, "
        "не тот цвет, не того цвета, не тот размер, не того размера, цвет не тот, "
        "размер не тот, пришел друг, пришла друг, пришло друг, прислали друг, привезли друг, "
        "роспотребнадзор, суд, претензи, жалоб, мошенн, обман",
    ),
    RuleSpec(
        kind="keyword",
        priority="high",
        pattern="не пришел, не пришёл, не доставили, доставк, где заказ, потерял, "
        "возврат, вернуть, верните, деньги, некомплект, не хватает, отсутствует",
    ),
    RuleSpec(kind="unanswered_at_least", priority="high", threshold=3),
    # Thanks with no question in it: "Спасибо! А курьер заберёт сам?" still needs an answer.
    RuleSpec(kind="regex", priority="low", pattern=THANKS_PATTERN),
    RuleSpec(kind="first_message", priority="high"),
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
