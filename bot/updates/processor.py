"""Runs stored updates: one at a time per chat key in update_id order, keys in parallel.

The table is the queue: an update is marked done only after its handler returned, so a
crash mid-handler makes it run again (handlers are idempotent by update / message id).
A handler that raises is retried with backoff while its key waits (nothing overtakes it),
then marked failed and reported, so one bad update never blocks its chat for ever. An
update that was claimed more often than allowed (it kept killing the process) is given up
without running it again.

Claiming runs in the workers' one loop (:class:`~bot.outbox.loop.KickableLoop`): a new
update stored or a handler finished wakes it, an idle tick catches updates whose retry
came due, and a failing claim (the database is away) is retried on its backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.log_context import log_ids
from bot.outbox.loop import KickableLoop
from bot.retry import backoff, retry_soon
from bot.updates.attempts import LAST_ATTEMPT, PersonTold
from storage.update_repo import StoredUpdate, UpdateRepo

logger = logging.getLogger(__name__)

Handle = Callable[[dict[str, Any]], Awaitable[None]]
OnFailed = Callable[[StoredUpdate, str], Awaitable[None]]

PRUNE_AFTER = timedelta(days=6)  # below Telegram's quiet week after which ids restart
PRUNE_EVERY_SECONDS = 3600.0
CLAIM_BACKOFF_BASE = timedelta(seconds=0.5)  # the database is away: claiming fails
RETRY_CAP = timedelta(seconds=30)
#: Quick tries of finishing an update that ran (0.2 s doubling, about 3 s in all): a blip
#: must not leave it claimed until its lease runs out, holding its chat back meanwhile.
MARK_DONE_TRIES = 5


def _utcnow() -> datetime:
    return datetime.now(UTC)


def describe(exc: BaseException) -> str:
    """Type and place of an exception, never its message (it may quote what people wrote)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {last.filename.rsplit('/', 1)[-1]}:{last.lineno}"


class UpdateProcessor:
    def __init__(
        self,
        *,
        repo: UpdateRepo,
        instance_id: str,
        handle: Handle,
        on_failed: OnFailed,
        concurrency: int = 8,
        max_attempts: int = 3,
        retry_base_seconds: float = 1.0,
        lease: timedelta = timedelta(seconds=60),
        idle_poll_seconds: float = 1.0,
        handler_timeout_seconds: float = 600.0,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._repo = repo
        self._instance_id = instance_id
        self._handle = handle
        self._on_failed = on_failed
        self._concurrency = concurrency
        self._max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        self._lease = lease
        self._handler_timeout = handler_timeout_seconds
        self._clock = clock
        self._stopping = False
        self._inflight: dict[asyncio.Task[None], StoredUpdate] = {}
        self._last_renew = time.monotonic()
        self._last_prune = 0.0
        self._loop = KickableLoop(
            name="updates-processor",
            round=self._claim_round,
            idle_seconds=idle_poll_seconds,
            backoff_base=CLAIM_BACKOFF_BASE,
            backoff_cap=RETRY_CAP,
        )

    @property
    def last_beat(self) -> float:
        """When the last claiming round started (for /healthz)."""
        return self._loop.last_beat

    def wake(self) -> None:
        """Something new is stored: look at the table now instead of at the next tick."""
        self._loop.kick()

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    async def run(self) -> None:
        """Claim and run updates until :meth:`drain` is called (or the task is cancelled:
        then the handlers in flight are cancelled too and their rows stay claimed, as in
        a crash; the next start takes them back)."""
        try:
            await self._loop.run()
        except asyncio.CancelledError:
            for task in list(self._inflight):
                task.cancel()
            raise

    async def drain(self, timeout_seconds: float) -> None:
        """Graceful stop: claim nothing more, let handlers in flight finish (bounded), then
        cancel the rest and hand their claims back for the next start."""
        self._stopping = True
        self._loop.finish()
        tasks = list(self._inflight)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout_seconds)
            if pending:
                left = [self._inflight[task].update_id for task in pending]
                logger.warning("Stopping with %d update(s) unfinished: %s", len(left), left)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                await self._repo.release(instance_id=self._instance_id, update_ids=left)

    async def _claim_round(self) -> int:
        """Renew and prune as due, then fill the free slots. Returns 0: the loop then
        waits for a wake-up (a new update, a handler finished) or its idle tick."""
        await self._housekeeping()
        await self._fill()
        return 0

    async def _fill(self) -> None:
        free = self._concurrency - len(self._inflight)
        if free <= 0 or self._stopping:
            return
        claimed = await self._repo.claim(
            instance_id=self._instance_id,
            now=self._clock(),
            limit=free,
            lease=self._lease,
            exclude_keys=[u.chat_key for u in self._inflight.values()],
        )
        for update in claimed:
            task = asyncio.create_task(self._process(update), name=f"update-{update.update_id}")
            self._inflight[task] = update
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._inflight.pop(task, None)
        self._loop.kick()

    async def _housekeeping(self) -> None:
        now = time.monotonic()
        if self._inflight and now - self._last_renew >= self._lease.total_seconds() / 3:
            self._last_renew = now
            await self._repo.extend_leases(
                instance_id=self._instance_id,
                update_ids=[u.update_id for u in self._inflight.values()],
                until=self._clock() + self._lease,
            )
        if now - self._last_prune >= PRUNE_EVERY_SECONDS or not self._last_prune:
            self._last_prune = now
            pruned = await self._repo.prune(older_than=self._clock() - PRUNE_AFTER)
            if pruned:
                logger.info("Forgot %d finished update(s) older than %s", pruned, PRUNE_AFTER)

    async def _process(self, update: StoredUpdate) -> None:
        with log_ids(update_id=update.update_id):
            await self._process_update(update)

    async def _process_update(self, update: StoredUpdate) -> None:
        if update.attempts > self._max_attempts:
            # It was claimed that often without finishing: it keeps killing the process.
            await self._give_up(update, f"interrupted {update.attempts - 1} times")
            return
        last = LAST_ATTEMPT.set(update.attempts >= self._max_attempts)
        try:
            async with asyncio.timeout(self._handler_timeout):
                await self._handle(update.payload)
        except PersonTold as exc:  # the errors router told the person already
            await self._give_up(update, describe(exc.__cause__ or exc), tell=False)
            return
        except Exception as exc:  # any handler failure is retried, then reported
            reason = describe(exc)
            if update.attempts >= self._max_attempts:
                await self._give_up(update, reason)
                return
            delay = backoff(
                update.attempts, base=timedelta(seconds=self._retry_base), cap=RETRY_CAP
            ).total_seconds()
            logger.warning("Update %d failed (%s), attempt %d/%d; retry in %.1f s",
                           update.update_id, reason, update.attempts, self._max_attempts,
                           delay)  # fmt: skip
            await self._repo.retry_later(
                update_id=update.update_id,
                not_before=self._clock() + timedelta(seconds=delay),
                error=reason,
            )
            return
        finally:
            LAST_ATTEMPT.reset(last)
        try:  # it ran: a failed finish would run it again when the lease runs out
            await retry_soon(
                lambda: self._repo.mark_done(update_id=update.update_id),
                what=f"Marking update {update.update_id} done",
                tries=MARK_DONE_TRIES,
            )
        except Exception as exc:  # still away: the lease runs out; it runs again (idempotent)
            logger.error("Update %d ran but could not be marked done (%s)",
                         update.update_id, type(exc).__name__)  # fmt: skip

    async def _give_up(self, update: StoredUpdate, reason: str, *, tell: bool = True) -> None:
        logger.error("Update %d failed for good after %d attempt(s): %s",
                     update.update_id, update.attempts, reason)  # fmt: skip
        await self._repo.mark_failed(update_id=update.update_id, error=reason)
        if not tell:
            return
        try:
            await self._on_failed(update, reason)
        except Exception as exc:  # the row says failed; the log says why
            logger.error("Could not report failed update %d (%s)",
                         update.update_id, type(exc).__name__)  # fmt: skip
