"""Health notices: one when a seller starts failing, one when it recovers; never per poll."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.admin.health import HealthMonitor, assess_health
from bot.sync.poller import PollReport
from bot.sync.runner import REASON_INVALID_KEY, SyncRunner
from connectors.errors import AuthFailed
from storage.database import Database
from tests.storage.factories import T0, at, make_seller, make_workspace
from tests.support.handlers import BORIS, GROUP_ID, HandlerWorld, shown, texts
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID

THRESHOLD = timedelta(minutes=30)


async def test_a_revoked_key_gives_one_notice_in_general_and_one_on_recovery(
    hw: HandlerWorld,
) -> None:
    """The shop added by its one-line command, then the real sync passes (as the scheduler
    runs them) and the outbox, one step at a time."""
    await hw.bound_group()
    added = await hw.say(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь")
    assert said(texts(added + await hw.deliver(), BORIS.id), says("add.summary"))
    [seller] = await hw.db.sellers.list_all()

    hw.ozon.state.set_api_key(CLIENT_ID, "ozon-someone-revoked-it-000")
    for _ in range(3):
        await hw.app.sync.run_now(seller.id)
    first = shown(await hw.deliver())
    [notice] = [m for m in first if has(m.text, says("health.failing"))]  # not one per poll
    assert not [m for m in first if has(m.text, says("health.recovered"))]
    assert notice.chat_id == GROUP_ID
    assert has(notice.text, says("health.failing", shop="Обувь"))
    assert has(notice.text, says("seller_reason.auth_failed"))
    assert notice.message_thread_id is None  # General
    assert (await hw.db.sellers.get(seller_id=seller.id)).state == "failing"

    hw.ozon.state.set_api_key(CLIENT_ID, API_KEY)  # the seller restored the key in Ozon
    await hw.app.sync.run_now(seller.id)
    await hw.app.sync.run_now(seller.id)
    posts = shown(await hw.deliver())
    [recovered] = [m for m in posts if has(m.text, says("health.recovered"))]
    assert recovered.chat_id == GROUP_ID
    assert has(recovered.text, says("health.recovered", shop="Обувь"))
    assert not [m for m in posts if has(m.text, says("health.failing"))]


@pytest.mark.parametrize(
    ("state", "failures", "last_success_minutes_ago", "expected"),
    [
        ("active", 0, 5, "ok"),
        ("active", 0, None, None),  # never polled yet: nothing to say
        ("active", 3, 10, None),  # failing briefly: keep quiet
        ("active", 3, 30, "failing"),  # failing for the threshold: tell
        ("failing", 1, 1, "failing"),  # key/premium: at once
        ("paused", 9, 600, None),  # paused on purpose
    ],
)
async def test_assess_health(
    db: Database,
    state: str,
    failures: int,
    last_success_minutes_ago: int | None,
    expected: str | None,
) -> None:
    seller = await make_seller(db, await make_workspace(db))
    sync = await db.sync_state.get(seller_id=seller.id)
    success = None if last_success_minutes_ago is None else at(-last_success_minutes_ago)
    seller = replace(seller, state=state)  # type: ignore[arg-type]
    sync = replace(sync, consecutive_failures=failures, last_success_at=success)
    assert assess_health(seller, sync, now=T0, threshold=THRESHOLD) == expected


async def test_network_failures_are_announced_once_after_the_threshold(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace)
    now = [at(0)]
    kicks: list[int] = []
    monitor = HealthMonitor(
        db=db, threshold=THRESHOLD, kick=lambda: kicks.append(1), clock=lambda: now[0]
    )
    await db.sync_state.record_success(seller_id=seller.id, at=at(0))
    assert await monitor.check(seller.id) is None  # ok was already the announced state

    for minute in (1, 10, 29):
        now[0] = at(minute)
        await db.sync_state.record_failure(
            seller_id=seller.id, at=now[0], error="ServerError", next_attempt_at=None
        )
        assert await monitor.check(seller.id) is None
    now[0] = at(31)
    await db.sync_state.record_failure(
        seller_id=seller.id, at=now[0], error="ServerError", next_attempt_at=None
    )
    assert await monitor.check(seller.id) == "failing"
    assert await monitor.check(seller.id) is None  # not one per poll

    now[0] = at(40)
    await db.sync_state.record_success(seller_id=seller.id, at=now[0])
    assert await monitor.check(seller.id) == "ok"
    assert await monitor.check(seller.id) is None

    texts = [
        r["payload"]["text"]
        for r in await db.pool.fetch("SELECT payload FROM tg_outbox ORDER BY id")
    ]
    assert len(texts) == 2 and len(kicks) == 2
    assert has(texts[0], says("health.unreachable", attempts=4))
    assert has(texts[1], says("health.recovered"))


async def test_a_failing_seller_notice_names_the_reason_in_the_workspace_locale(
    db: Database,
) -> None:
    workspace = await make_workspace(db, locale="en")
    seller = await make_seller(db, workspace, name="Shoes & Co")
    await db.sellers.set_state(seller_id=seller.id, state="failing", reason=REASON_INVALID_KEY)
    monitor = HealthMonitor(db=db, threshold=THRESHOLD, clock=lambda: T0)
    assert await monitor.check(seller.id) == "failing"
    [row] = await db.pool.fetch("SELECT payload, chat_id FROM tg_outbox")
    assert row["chat_id"] is None and row["payload"].get("thread_id") is None  # General
    assert "“Shoes &amp; Co”" in row["payload"]["text"]
    assert has(row["payload"]["text"], says("health.failing", "en", shop="Shoes & Co"))
    assert has(row["payload"]["text"], says("seller_reason.auth_failed", "en"))
    assert await monitor.check(999) is None  # removed meanwhile: nothing


class _StubPoller:
    """Stands in for SellerPoller: fails with what it is given, else reports nothing new."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.error: Exception | None = None

    async def poll(self, seller: object, progress: object = None, **_: object
                   ) -> PollReport:  # fmt: skip
        if self.error is not None:
            raise self.error
        seller_id = seller.id  # type: ignore[attr-defined]
        state = await self.db.sync_state.record_success(seller_id=seller_id, at=T0)
        return PollReport(seller_id=seller_id, state=state)


async def test_the_runner_calls_the_health_hook_after_every_run_and_survives_it(
    db: Database,
) -> None:
    seller = await make_seller(db, await make_workspace(db))
    poller = _StubPoller(db)
    seen: list[int] = []

    async def hook(seller_id: int, what: object) -> None:
        seen.append(seller_id)
        if len(seen) == 2:
            raise RuntimeError("a broken notice must not stop polling")

    runner = SyncRunner(db=db, poller=poller, after_run=hook, clock=lambda: T0)  # type: ignore[arg-type]
    assert await runner.run(seller.id, force=True) is not None
    poller.error = AuthFailed("invalid_key")
    assert await runner.run(seller.id, force=True) is None  # hook raised: still returns
    assert await runner.run(seller.id) is None  # backing off: skipped, hook still sees it
    assert seen == [seller.id] * 3
    assert (await db.sellers.get(seller_id=seller.id)).state == "failing"


class _NoDatabase:
    """Any read fails the test: what the poll saw must be enough."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the health check read the database ({name})")


async def test_what_a_poll_saw_decides_an_unchanged_health_without_a_read(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    state = await db.sync_state.record_success(seller_id=seller.id, at=T0)
    monitor = HealthMonitor(db=_NoDatabase(), threshold=THRESHOLD, clock=lambda: T0)  # type: ignore[arg-type]
    assert await monitor.check(seller.id, (seller, state)) is None


async def test_what_a_poll_saw_still_announces_a_change(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    await db.sync_state.record_success(seller_id=seller.id, at=at(0))
    await db.sync_state.record_failure(
        seller_id=seller.id, at=at(1), error="ServerError", next_attempt_at=None
    )
    monitor = HealthMonitor(db=db, threshold=THRESHOLD, clock=lambda: at(40))
    assert await monitor.check(seller.id) == "failing"
    state = await db.sync_state.record_success(seller_id=seller.id, at=at(40))
    assert await monitor.check(seller.id, (seller, state)) == "ok"
    [_, recovered] = await db.pool.fetch("SELECT payload FROM tg_outbox ORDER BY id")
    assert has(recovered["payload"]["text"], says("health.recovered"))


async def test_the_runner_hands_the_hook_what_a_successful_poll_saw(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    poller = _StubPoller(db)
    seen: list[object] = []

    async def hook(seller_id: int, what: object) -> None:
        seen.append(what)

    runner = SyncRunner(db=db, poller=poller, after_run=hook, clock=lambda: T0)  # type: ignore[arg-type]
    await runner.run(seller.id, force=True)
    poller.error = AuthFailed("invalid_key")
    await runner.run(seller.id, force=True)
    [(polled, state), failed] = seen
    assert polled == seller and state.last_success_at == T0  # type: ignore[attr-defined]
    assert failed is None  # a failure changed the seller: the hook reads it fresh
