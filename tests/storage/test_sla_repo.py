"""SlaRepo: ordered priority rules and response targets per seller."""

from __future__ import annotations

import asyncpg
import pytest

from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller, SlaRule
from storage.sla_repo import RuleSpec
from tests.storage.factories import make_seller, make_workspace

KEYWORD = RuleSpec(kind="keyword", priority="urgent", pattern="брак")
FIRST = RuleSpec(kind="first_message", priority="high")
ORDER = RuleSpec(kind="has_order", priority="normal", enabled=False)
UNANSWERED = RuleSpec(kind="unanswered_at_least", priority="high", threshold=3)


async def _sellers(db: Database) -> tuple[Seller, Seller]:
    """Two sellers with an empty SLA configuration (new sellers come with defaults)."""
    workspace = await make_workspace(db)
    sellers = (
        await make_seller(db, workspace, client_id="1"),
        await make_seller(db, workspace, client_id="2"),
    )
    await db.pool.execute("DELETE FROM sla_rules")
    await db.pool.execute("DELETE FROM sla_targets")
    return sellers


async def _rules(db: Database, seller: Seller, count: int) -> list[SlaRule]:
    return [
        await db.sla.add_rule(
            seller_id=seller.id, rule=RuleSpec(kind="keyword", priority="normal", pattern=f"w{i}")
        )
        for i in range(count)
    ]


def _positions(rules: list[SlaRule]) -> list[tuple[int, int]]:
    return [(r.position, r.id) for r in rules]


async def test_add_rule_appends_positions(db: Database) -> None:
    seller, other = await _sellers(db)

    keyword = await db.sla.add_rule(seller_id=seller.id, rule=KEYWORD)
    first = await db.sla.add_rule(seller_id=seller.id, rule=FIRST)
    order = await db.sla.add_rule(seller_id=seller.id, rule=ORDER)
    foreign = await db.sla.add_rule(seller_id=other.id, rule=UNANSWERED)

    assert [keyword.position, first.position, order.position] == [0, 1, 2]
    assert foreign.position == 0  # positions are per seller
    assert (keyword.kind, keyword.priority, keyword.pattern, keyword.enabled) == (
        "keyword",
        "urgent",
        "брак",
        True,
    )
    assert (order.kind, order.enabled) == ("has_order", False)
    assert (foreign.threshold, foreign.seller_id) == (3, other.id)
    assert await db.sla.list_rules(seller_id=seller.id) == [keyword, first, order]
    assert await db.sla.list_rules(seller_id=other.id) == [foreign]


async def test_list_rules_empty(db: Database) -> None:
    seller, _ = await _sellers(db)
    assert await db.sla.list_rules(seller_id=seller.id) == []


@pytest.mark.parametrize(
    "rule",
    [
        RuleSpec(kind="keyword", priority="high"),
        RuleSpec(kind="regex", priority="high", pattern=""),
        RuleSpec(kind="unanswered_at_least", priority="high", threshold=0),
        RuleSpec(kind="unanswered_at_least", priority="high"),  # no threshold at all
        RuleSpec(kind="sentiment", priority="high"),
        RuleSpec(kind="first_message", priority="asap"),
    ],
)
async def test_add_rule_rejects_invalid_rules(db: Database, rule: RuleSpec) -> None:
    seller, _ = await _sellers(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.sla.add_rule(seller_id=seller.id, rule=rule)
    assert await db.sla.list_rules(seller_id=seller.id) == []


async def test_add_rule_after_removal_keeps_positions_dense(db: Database) -> None:
    seller, _ = await _sellers(db)
    rules = await _rules(db, seller, 3)
    await db.sla.remove_rule(seller_id=seller.id, rule_id=rules[2].id)

    added = await db.sla.add_rule(seller_id=seller.id, rule=FIRST)

    assert added.position == 2


async def test_replace_rules(db: Database) -> None:
    seller, other = await _sellers(db)
    await _rules(db, seller, 4)
    foreign = await _rules(db, other, 2)

    replaced = await db.sla.replace_rules(seller_id=seller.id, rules=[FIRST, KEYWORD, UNANSWERED])

    assert [(r.position, r.kind, r.priority) for r in replaced] == [
        (0, "first_message", "high"),
        (1, "keyword", "urgent"),
        (2, "unanswered_at_least", "high"),
    ]
    assert replaced[1].pattern == "брак"
    assert replaced[2].threshold == 3
    assert all(r.seller_id == seller.id for r in replaced)
    assert await db.sla.list_rules(seller_id=seller.id) == replaced
    assert await db.sla.list_rules(seller_id=other.id) == foreign


async def test_replace_rules_with_empty_list_clears(db: Database) -> None:
    seller, _ = await _sellers(db)
    await _rules(db, seller, 2)

    assert await db.sla.replace_rules(seller_id=seller.id, rules=[]) == []
    assert await db.sla.list_rules(seller_id=seller.id) == []


async def test_replace_rules_is_all_or_nothing(db: Database) -> None:
    seller, _ = await _sellers(db)
    before = await _rules(db, seller, 2)

    with pytest.raises(asyncpg.CheckViolationError):
        await db.sla.replace_rules(
            seller_id=seller.id, rules=[FIRST, RuleSpec(kind="regex", priority="high")]
        )

    assert await db.sla.list_rules(seller_id=seller.id) == before


@pytest.mark.parametrize("index", [0, 2, 4])
async def test_remove_rule_closes_the_gap(db: Database, index: int) -> None:
    seller, _ = await _sellers(db)
    rules = await _rules(db, seller, 5)

    await db.sla.remove_rule(seller_id=seller.id, rule_id=rules[index].id)

    remaining = await db.sla.list_rules(seller_id=seller.id)
    expected_ids = [r.id for r in rules if r.id != rules[index].id]
    assert _positions(remaining) == list(enumerate(expected_ids))


async def test_remove_rule_of_another_seller_raises_not_found(db: Database) -> None:
    seller, other = await _sellers(db)
    rules = await _rules(db, seller, 2)
    foreign = await _rules(db, other, 1)

    with pytest.raises(NotFound):
        await db.sla.remove_rule(seller_id=seller.id, rule_id=foreign[0].id)
    with pytest.raises(NotFound):
        await db.sla.remove_rule(seller_id=seller.id, rule_id=999)

    assert await db.sla.list_rules(seller_id=seller.id) == rules
    assert await db.sla.list_rules(seller_id=other.id) == foreign


@pytest.mark.parametrize(
    ("index", "to_position", "expected_order"),
    [
        (3, 1, [0, 3, 1, 2, 4]),  # up
        (1, 3, [0, 2, 3, 1, 4]),  # down
        (4, 0, [4, 0, 1, 2, 3]),  # to the top
        (0, 4, [1, 2, 3, 4, 0]),  # to the bottom
        (2, 2, [0, 1, 2, 3, 4]),  # in place
        (1, 99, [0, 2, 3, 4, 1]),  # clamped to the end
        (3, -5, [3, 0, 1, 2, 4]),  # clamped to the start
    ],
)
async def test_move_rule(
    db: Database, index: int, to_position: int, expected_order: list[int]
) -> None:
    seller, _ = await _sellers(db)
    rules = await _rules(db, seller, 5)

    moved = await db.sla.move_rule(
        seller_id=seller.id, rule_id=rules[index].id, to_position=to_position
    )

    expected_ids = [rules[i].id for i in expected_order]
    assert _positions(moved) == list(enumerate(expected_ids))
    assert await db.sla.list_rules(seller_id=seller.id) == moved
    assert [r.pattern for r in moved] == [rules[i].pattern for i in expected_order]


async def test_move_rule_of_another_seller_raises_not_found(db: Database) -> None:
    seller, other = await _sellers(db)
    rules = await _rules(db, seller, 3)
    foreign = await _rules(db, other, 2)

    with pytest.raises(NotFound):
        await db.sla.move_rule(seller_id=seller.id, rule_id=foreign[1].id, to_position=0)
    with pytest.raises(NotFound):
        await db.sla.move_rule(seller_id=seller.id, rule_id=999, to_position=0)

    assert await db.sla.list_rules(seller_id=seller.id) == rules
    assert await db.sla.list_rules(seller_id=other.id) == foreign


async def test_set_target_upserts_and_get_targets(db: Database) -> None:
    seller, other = await _sellers(db)
    assert await db.sla.get_targets(seller_id=seller.id) == {}

    urgent = await db.sla.set_target(
        seller_id=seller.id, priority="urgent", target_minutes=15, hard_limit_minutes=30
    )
    await db.sla.set_target(
        seller_id=seller.id, priority="normal", target_minutes=60, hard_limit_minutes=240
    )
    updated = await db.sla.set_target(
        seller_id=seller.id, priority="normal", target_minutes=90, hard_limit_minutes=90
    )
    await db.sla.set_target(
        seller_id=other.id, priority="urgent", target_minutes=5, hard_limit_minutes=10
    )

    assert (urgent.seller_id, urgent.priority, urgent.target_minutes) == (seller.id, "urgent", 15)
    assert (updated.target_minutes, updated.hard_limit_minutes) == (90, 90)
    targets = await db.sla.get_targets(seller_id=seller.id)
    assert set(targets) == {"urgent", "normal"}
    assert targets["urgent"] == urgent
    assert targets["normal"] == updated
    assert (await db.sla.get_targets(seller_id=other.id))["urgent"].target_minutes == 5


@pytest.mark.parametrize(("target", "hard_limit"), [(60, 30), (0, 10), (10, 0)])
async def test_set_target_checks(db: Database, target: int, hard_limit: int) -> None:
    seller, _ = await _sellers(db)
    await db.sla.set_target(
        seller_id=seller.id, priority="high", target_minutes=20, hard_limit_minutes=40
    )

    with pytest.raises(asyncpg.CheckViolationError):
        await db.sla.set_target(
            seller_id=seller.id,
            priority="high",
            target_minutes=target,
            hard_limit_minutes=hard_limit,
        )

    kept = (await db.sla.get_targets(seller_id=seller.id))["high"]
    assert (kept.target_minutes, kept.hard_limit_minutes) == (20, 40)


async def test_rules_and_targets_go_with_the_seller(db: Database) -> None:
    seller, _ = await _sellers(db)
    await _rules(db, seller, 2)
    await db.sla.set_target(
        seller_id=seller.id, priority="low", target_minutes=60, hard_limit_minutes=60
    )

    await db.sellers.delete(seller_id=seller.id)

    assert await db.sla.list_rules(seller_id=seller.id) == []
    assert await db.sla.get_targets(seller_id=seller.id) == {}
