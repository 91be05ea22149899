"""The processor against the real table: per-key order, keys in parallel, retries with a
cap, crash loops given up, graceful drain. Handlers here are stand-ins that record."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.updates.processor import UpdateProcessor, describe
from storage.database import Database
from storage.update_repo import IncomingUpdate, StoredUpdate

Handle = Callable[[dict[str, Any]], Awaitable[None]]


def _u(update_id: int, key: str) -> IncomingUpdate:
    return IncomingUpdate(update_id, key, {"update_id": update_id, "key": key})


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - state changes in other tasks
            await asyncio.sleep(0.01)


class Run:
    def __init__(self, db: Database, handle: Handle, **options: Any) -> None:
        self.failed: list[tuple[int, str]] = []

        async def on_failed(update: StoredUpdate, reason: str) -> None:
            self.failed.append((update.update_id, reason))

        self.processor = UpdateProcessor(
            repo=db.updates,
            instance_id="me",
            handle=handle,
            on_failed=on_failed,
            **{"retry_base_seconds": 0.05, "idle_poll_seconds": 0.05, **options},
        )
        self.task: asyncio.Task[None] | None = None


@contextlib.asynccontextmanager
async def running(db: Database, handle: Handle, **options: Any) -> AsyncIterator[Run]:
    run = Run(db, handle, **options)
    run.task = asyncio.create_task(run.processor.run())
    try:
        yield run
    finally:
        await run.processor.drain(1.0)
        await run.task


async def test_one_key_runs_one_at_a_time_in_update_id_order(db: Database) -> None:
    seen: list[int] = []
    busy: set[str] = set()

    async def handle(payload: dict[str, Any]) -> None:
        assert payload["key"] not in busy, "two updates of one key at once"
        busy.add(payload["key"])
        await asyncio.sleep(random.uniform(0, 0.03))
        seen.append(payload["update_id"])
        busy.discard(payload["key"])

    await db.updates.store([_u(i, "topic") for i in range(1, 7)])
    async with running(db, handle) as run:
        await _until(lambda: len(seen) == 6)
        run.processor.wake()
    assert seen == [1, 2, 3, 4, 5, 6]
    assert await db.updates.count_pending() == 0


async def test_a_slow_topic_does_not_hold_another_topic(db: Database) -> None:
    release = asyncio.Event()
    seen: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        if payload["key"] == "topic-1":
            await release.wait()
        seen.append(payload["update_id"])

    await db.updates.store([_u(1, "topic-1"), _u(2, "topic-1"), _u(3, "topic-2"),
                            _u(4, "topic-2"), _u(5, "topic-2")])  # fmt: skip
    async with running(db, handle):
        await _until(lambda: seen == [3, 4, 5])  # topic 2 is done while topic 1 waits
        release.set()
        await _until(lambda: len(seen) == 5)
    assert seen == [3, 4, 5, 1, 2]


async def test_new_updates_are_picked_up_when_woken(db: Database) -> None:
    seen: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        seen.append(payload["update_id"])

    async with running(db, handle, idle_poll_seconds=60.0) as run:
        await asyncio.sleep(0.1)  # idle, waiting for a wake-up
        assert seen == []
        await db.updates.store([_u(1, "a")])
        run.processor.wake()
        await _until(lambda: bool(seen), seconds=5)  # long before the 60 s idle poll
        assert seen == [1]


async def test_a_failing_handler_is_retried_then_failed_and_reported(db: Database) -> None:
    calls: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        calls.append(payload["update_id"])
        if payload["update_id"] == 1:
            raise RuntimeError("the buyer's secret text must not be logged")

    await db.updates.store([_u(1, "a"), _u(2, "a")])
    async with running(db, handle, max_attempts=3) as run:
        await _until(lambda: calls.count(2) == 1)
    assert calls == [1, 1, 1, 2]  # 2 waited until 1 was given up
    [(update_id, reason)] = run.failed
    assert update_id == 1 and reason.startswith("RuntimeError at test_processor.py:")
    assert "secret" not in reason
    failed = await db.updates.get(1)
    assert failed is not None and (failed.status, failed.attempts) == ("failed", 3)
    done = await db.updates.get(2)
    assert done is not None and done.status == "done"


async def test_an_update_that_keeps_killing_the_process_is_given_up(db: Database) -> None:
    await db.updates.store([_u(1, "a")])
    await db.pool.execute("UPDATE tg_updates SET attempts = 3")  # three runs never finished
    ran: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        ran.append(payload["update_id"])

    async with running(db, handle, max_attempts=3) as run:
        await _until(lambda: bool(run.failed))
    assert ran == []
    assert run.failed == [(1, "interrupted 3 times")]


async def test_drain_lets_handlers_finish(db: Database) -> None:
    finished: list[int] = []
    started = asyncio.Event()

    async def handle(payload: dict[str, Any]) -> None:
        started.set()
        await asyncio.sleep(0.2)
        finished.append(payload["update_id"])

    await db.updates.store([_u(1, "a")])
    run = Run(db, handle)
    task = asyncio.create_task(run.processor.run())
    await started.wait()
    await run.processor.drain(5.0)
    await task
    assert finished == [1]
    done = await db.updates.get(1)
    assert done is not None and done.status == "done"


async def test_drain_hands_back_what_did_not_finish_in_time(db: Database) -> None:
    started = asyncio.Event()

    async def handle(payload: dict[str, Any]) -> None:
        started.set()
        await asyncio.sleep(60)

    await db.updates.store([_u(1, "a")])
    run = Run(db, handle)
    task = asyncio.create_task(run.processor.run())
    await started.wait()
    await run.processor.drain(0.1)
    await task
    left = await db.updates.get(1)
    assert left is not None
    assert (left.status, left.claimed_by, left.attempts) == ("pending", None, 0)


def test_describe_names_type_and_place_but_not_the_message() -> None:
    try:
        raise ValueError("Здравствуйте, мой адрес ...")
    except ValueError as exc:
        described = describe(exc)
    assert described.startswith("ValueError at test_processor.py:")
    assert "адрес" not in described


@pytest.mark.parametrize("concurrency", [1, 8])
async def test_concurrency_bounds_keys_in_flight(db: Database, concurrency: int) -> None:
    current = 0
    peak = 0
    seen: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        nonlocal current, peak
        current += 1
        peak = max(peak, current)
        await asyncio.sleep(0.05)
        current -= 1
        seen.append(payload["update_id"])

    await db.updates.store([_u(i, f"k{i}") for i in range(1, 13)])
    async with running(db, handle, concurrency=concurrency):
        await _until(lambda: len(seen) == 12)
    assert peak <= concurrency
    if concurrency > 1:
        assert peak > 1  # different keys really ran in parallel


class FlakyRepo:
    """The real repository, except that the first ``failures`` claims fail (an outage)."""

    def __init__(self, repo: Any, failures: int) -> None:
        self._repo = repo
        self.failures = failures
        self.claims = 0

    async def claim(self, **kwargs: Any) -> list[StoredUpdate]:
        self.claims += 1
        if self.claims <= self.failures:
            raise ConnectionRefusedError("database away")
        result: list[StoredUpdate] = await self._repo.claim(**kwargs)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)


async def test_claiming_backs_off_during_an_outage_and_recovers(db: Database) -> None:
    seen: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        seen.append(payload["update_id"])

    await db.updates.store([_u(1, "a")])
    flaky = FlakyRepo(db.updates, failures=2)
    processor = UpdateProcessor(
        repo=flaky,  # type: ignore[arg-type]
        instance_id="me",
        handle=handle,
        on_failed=lambda update, reason: asyncio.sleep(0),
        idle_poll_seconds=0.01,  # without the backoff it would claim a hundred times a second
    )
    task = asyncio.create_task(processor.run())
    try:
        await _until(lambda: flaky.claims >= 2)
        await asyncio.sleep(0.3)  # inside the second pause (1 s after the 0.5 s one)
        assert flaky.claims == 2
        await _until(lambda: seen == [1])  # the third claim works
    finally:
        await processor.drain(1.0)
        await task
    done = await db.updates.get(1)
    assert done is not None and done.status == "done"


async def test_a_blip_while_finishing_does_not_hold_the_chat_until_the_lease_runs_out(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update ran; its "done" fails twice (the database blinked). It is finished on a
    quick retry, so the chat's next update runs now, not after the lease, and nothing
    runs twice."""
    seen: list[int] = []
    original = db.updates.mark_done
    failures = {"left": 2}

    async def blinking(**kwargs: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("the database went away")
        await original(**kwargs)

    async def handle(payload: dict[str, Any]) -> None:
        seen.append(payload["update_id"])

    monkeypatch.setattr(db.updates, "mark_done", blinking)
    await db.updates.store([_u(1, "topic"), _u(2, "topic")])
    async with running(db, handle, lease=timedelta(minutes=10)) as run:
        await _until(lambda: seen == [1, 2])
        await _until(lambda: run.processor.in_flight == 0)
    assert failures["left"] == 0
    assert seen == [1, 2]
    assert await db.updates.count_pending() == 0
