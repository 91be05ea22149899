"""/metrics says what this instance holds: seller poll leases and the process-wide roles,
with a second instance on the same database whose leases are not counted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.assembly import build_metrics
from bot.ops.metrics import BotMetrics
from storage.database import Database
from storage.pool import create_pool
from tests.storage.factories import make_seller, make_workspace

LEASE = timedelta(minutes=10)


@pytest.fixture
async def other(migrated_dsn: str) -> AsyncIterator[Database]:
    """A second instance on the same database."""
    pool = await create_pool(migrated_dsn, min_size=1, max_size=3)
    try:
        yield Database(pool)
    finally:
        pool.terminate()


async def scrape(metrics: BotMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    await metrics.refresh()
    text = generate_latest(metrics.registry).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_leases_held_counts_this_instances_live_leases_only(
    db: Database, other: Database
) -> None:
    workspace = await make_workspace(db)
    sellers = [(await make_seller(db, workspace, client_id=f"c{n}")).id for n in range(3)]
    mine = await db.instances.register()
    theirs = await other.instances.register()
    try:
        metrics = build_metrics(db)
        assert (await scrape(metrics))[("agentiq_seller_leases_held", ())] == 0
        for seller in sellers[:2]:
            assert await db.seller_leases.take(seller_id=seller, holder=mine.instance_id,
                                               lease=LEASE)  # fmt: skip
        assert await other.seller_leases.take(
            seller_id=sellers[2], holder=theirs.instance_id, lease=LEASE
        )
        assert (await scrape(metrics))[("agentiq_seller_leases_held", ())] == 2
        theirs_metrics = build_metrics(other)
        assert (await scrape(theirs_metrics))[("agentiq_seller_leases_held", ())] == 1

        await db.seller_leases.release(seller_id=sellers[0], holder=mine.instance_id)
        assert (await scrape(metrics))[("agentiq_seller_leases_held", ())] == 1
    finally:
        await mine.release()
        await theirs.release()


async def test_roles_are_reported_as_held_or_not_without_names(db: Database) -> None:
    lock = await db.instances.register()
    try:
        metrics = build_metrics(db)
        leader = {"held": False}
        metrics.roles.watch_role("periodic", lambda: leader["held"])
        metrics.roles.watch_role("telegram_intake", lambda: True)
        found = await scrape(metrics)
        assert found[("agentiq_role_held", (("role", "periodic"),))] == 0
        assert found[("agentiq_role_held", (("role", "telegram_intake"),))] == 1
        leader["held"] = True
        found = await scrape(metrics)
        assert found[("agentiq_role_held", (("role", "periodic"),))] == 1
        labels = {label for _, pairs in found for label, _ in pairs}
        assert db.instance_id not in str(found) and "instance" not in labels
    finally:
        await lock.release()
