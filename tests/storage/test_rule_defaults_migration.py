"""Migration 0018 moves sellers whose priority rules are still exactly the previous
defaults (never touched by an admin) to the new defaults (thanks above "first message",
a wrong colour or size urgent), and leaves every list an admin changed as it is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from storage.database import Database
from storage.sla_defaults import DEFAULT_RULES
from storage.sla_repo import RuleSpec
from tests.storage.factories import make_seller, make_workspace

MIGRATION = (
    Path(__file__).resolve().parents[2]
    / "storage/migrations/0018_shop_choice_and_rule_defaults.sql"
)

PREVIOUS_DEFAULTS = (
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
    RuleSpec(
        kind="regex", priority="low", pattern=r"^[^?]*(спасибо|благодар|вс[её] отлично)[^?]*$"
    ),
)


def specs(rules: list) -> list[tuple[object, ...]]:  # type: ignore[type-arg]
    return [(r.kind, r.priority, r.pattern, r.threshold, r.enabled) for r in rules]


async def test_untouched_previous_defaults_become_the_new_ones(db: Database) -> None:
    workspace = await make_workspace(db)
    untouched = await make_seller(db, workspace, client_id="1")
    disabled = await make_seller(db, workspace, client_id="2")
    longer = await make_seller(db, workspace, client_id="3")
    current = await make_seller(db, workspace, client_id="4")
    await db.sla.replace_rules(seller_id=untouched.id, rules=PREVIOUS_DEFAULTS)
    await db.sla.replace_rules(
        seller_id=disabled.id,
        rules=[*PREVIOUS_DEFAULTS[:3], replace(PREVIOUS_DEFAULTS[3], enabled=False),
               PREVIOUS_DEFAULTS[4]],
    )  # fmt: skip
    await db.sla.replace_rules(
        seller_id=longer.id,
        rules=[*PREVIOUS_DEFAULTS, RuleSpec(kind="no_order", priority="low")],
    )
    kept = {
        s.id: specs(await db.sla.list_rules(seller_id=s.id)) for s in (disabled, longer, current)
    }

    data_part = MIGRATION.read_text(encoding="utf-8").split("-- 2.", 1)[1]  # not the table
    await db.pool.execute("-- 2." + data_part)

    migrated = await db.sla.list_rules(seller_id=untouched.id)
    assert specs(migrated) == [
        (r.kind, r.priority, r.pattern, r.threshold, r.enabled) for r in DEFAULT_RULES
    ]
    assert [r.position for r in migrated] == list(range(len(DEFAULT_RULES)))
    for seller_id, before in kept.items():
        assert specs(await db.sla.list_rules(seller_id=seller_id)) == before
