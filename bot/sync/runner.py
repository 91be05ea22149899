"""Running a seller's poll, on one instance at a time, and deciding what its failures mean.

Several instances may share one database: a poll runs only under the seller's lease
(``seller_leases``), taken in one statement, renewed while the poll runs, released after.
A scheduled poll that cannot have it is skipped (someone is polling, or just did); a poll
asked for by a push waits for one running in this process, and when another instance holds
the lease asks that holder to poll once more when done (the push's news may have come
after its listing); a forced poll (a new shop, an admin) waits for the lease. In one
process a per-seller lock keeps a pushed poll from running beside a scheduled one.

Authentication and subscription problems will not fix themselves: the seller is marked
failing with a reason a person can act on, and is retried only rarely (so a restored
subscription is noticed) instead of hammering Ozon. Anything else (429, 5xx, network)
backs off exponentially per seller; other sellers are unaffected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from enum import Enum

import asyncpg

from bot.retry import backoff as shared_backoff
from bot.sync.poller import PollReport, Progress, SellerPoller
from connectors.errors import AuthFailed, MarketplaceError, PremiumRequired
from storage.database import Database
from storage.records import PollContext, Seller, SyncState
from storage.vault import VaultError

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=30)
PERMANENT_RETRY = timedelta(minutes=30)

#: How long a poll's lease lasts unless renewed (a third of it between renewals).
POLL_LEASE = timedelta(seconds=60)
#: How often a forced poll asks again for a lease another instance holds, and for how long
#: at most (that instance's poll may be a big shop's first sync, which takes minutes).
LEASE_ASK_SECONDS = 0.5
LEASE_WAIT = timedelta(minutes=10)
#: How many times a pushed poll goes between "ask the holder" and "take it myself" when
#: the lease changes hands in between.
_PUSH_TRIES = 3

# Reasons stored for people (admins read them in /sellers); never carry a key or a body.
REASON_INVALID_KEY = "auth_failed"
REASON_PREMIUM = "premium_required"
REASON_UNDECRYPTABLE = "key_undecryptable"


def backoff(consecutive_failures: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at 30 min."""
    return shared_backoff(consecutive_failures, base=BACKOFF_BASE, cap=BACKOFF_CAP)


def describe_failure(error: Exception) -> str:
    """The sanitised text kept in sync_state.last_error."""
    message = str(getattr(error, "message", "") or "")
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


#: The seller and its sync state just after a successful poll, as the hook after a run may
#: use them instead of reading both again (``None``: the hook reads what it needs).
Seen = tuple[Seller, SyncState]


class Trigger(Enum):
    SCHEDULED = "scheduled"
    PUSHED = "pushed"
    FORCED = "forced"


class SyncRunner:
    def __init__(
        self,
        *,
        db: Database,
        poller: SellerPoller,
        on_new_messages: Callable[[], None] | None = None,
        after_run: Callable[[int, Seen | None], Awaitable[object]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        lease: timedelta = POLL_LEASE,
        min_gap: timedelta | None = None,
    ) -> None:
        self._db = db
        self._poller = poller
        self._on_new_messages = on_new_messages  # wakes delivery at once (intake latency)
        self._after_run = after_run  # e.g. health notices: sees every run, skipped ones too
        self._clock = clock
        self._lease = lease
        # A scheduled poll is skipped when any instance's poll of the seller ended within
        # this time: N instances then poll a seller about once per interval, not N times.
        self._min_gap = min_gap
        self._busy: dict[int, asyncio.Lock] = {}
        self._polled: set[int] = set()

    async def run(
        self, seller_id: int, *, force: bool = False, progress: Progress | None = None
    ) -> PollReport | None:
        """Poll if due (``force``: whatever the backoff, waiting for a poll under way);
        ``None`` when skipped (paused, removed, backing off, or polled elsewhere)."""
        trigger = Trigger.FORCED if force else Trigger.SCHEDULED
        return await self._hooked(seller_id, trigger, progress)

    async def run_pushed(self, seller_id: int) -> PollReport | None:
        """A push said the seller has news: poll after the poll under way here, or have the
        instance polling it now poll once more."""
        return await self._hooked(seller_id, Trigger.PUSHED, None)

    async def _hooked(
        self, seller_id: int, trigger: Trigger, progress: Progress | None
    ) -> PollReport | None:
        report = await self._leased(seller_id, trigger, progress)
        if self._after_run is not None:
            seen = report.seen if report is not None else None
            try:
                await self._after_run(seller_id, seen)
            except Exception:  # a notice problem must never stop polling
                logger.exception("after-run hook failed for seller=%d", seller_id)
        return report

    # ------------------------------------------------------------------ the lease

    async def _leased(
        self, seller_id: int, trigger: Trigger, progress: Progress | None
    ) -> PollReport | None:
        busy = self._busy.setdefault(seller_id, asyncio.Lock())
        if trigger is Trigger.SCHEDULED and busy.locked():
            return None  # this process is polling it right now
        async with busy:
            taken = await self._take(seller_id, trigger)
            if taken is None:
                return None
            force = trigger is Trigger.FORCED
            while True:
                try:
                    report = await self._holding(taken, force=force, progress=progress)
                finally:
                    rerun = await self._release(seller_id)
                if not rerun:
                    return report
                taken = await self._take_once(seller_id, min_gap=None)
                if taken is None:
                    return report
                force, progress = False, None  # the once-more poll a push asked for

    async def _take_once(self, seller_id: int, *, min_gap: timedelta | None) -> PollContext | None:
        try:
            taken = await self._db.seller_leases.take(
                seller_id=seller_id,
                holder=self._db.instance_id,
                lease=self._lease,
                min_gap=min_gap,
            )
        except asyncpg.ForeignKeyViolationError:
            return None  # the seller was deleted meanwhile
        if taken is not None:
            logger.debug("poll lease seller=%d taken by %s", seller_id, self._db.instance_id)
        return taken

    async def _take(self, seller_id: int, trigger: Trigger) -> PollContext | None:
        if trigger is Trigger.SCHEDULED:
            # A process's first poll of a seller is not skipped: a restart polls at once.
            first = seller_id not in self._polled
            self._polled.add(seller_id)
            return await self._take_once(seller_id, min_gap=None if first else self._min_gap)
        if trigger is Trigger.PUSHED:
            for _ in range(_PUSH_TRIES):
                if (taken := await self._take_once(seller_id, min_gap=None)) is not None:
                    return taken
                if await self._db.seller_leases.request_rerun(seller_id=seller_id):
                    logger.debug("seller=%d: the instance polling it will poll again", seller_id)
                    return None
            return None
        deadline = asyncio.get_running_loop().time() + LEASE_WAIT.total_seconds()
        while (taken := await self._take_once(seller_id, min_gap=None)) is None:
            if asyncio.get_running_loop().time() > deadline:
                logger.warning("seller=%d: another instance kept its poll lease", seller_id)
                return None
            await asyncio.sleep(LEASE_ASK_SECONDS)
        return taken

    async def _release(self, seller_id: int) -> bool:
        """Give the lease up; whether a push asked for one more poll meanwhile."""
        # Logged before the release commits, so another instance's "taken" comes after it.
        logger.debug("poll lease seller=%d released by %s", seller_id, self._db.instance_id)
        try:
            rerun = await self._db.seller_leases.release(
                seller_id=seller_id, holder=self._db.instance_id
            )
        except Exception:  # the lease then just runs out
            logger.exception("could not release the poll lease of seller=%d", seller_id)
            return False
        return rerun

    async def _holding(
        self, context: PollContext, *, force: bool, progress: Progress | None
    ) -> PollReport | None:
        """The poll, with its lease renewed meanwhile; stopped if the lease is lost (it
        ran out unrenewed, and another instance may be polling by now)."""
        seller_id = context.seller.id
        poll = asyncio.create_task(self._run(context, force=force, progress=progress))
        every = self._lease.total_seconds() / 3
        try:
            while True:
                done, _ = await asyncio.wait({poll}, timeout=every)
                if done:
                    return poll.result()
                if not await self._renew(seller_id):
                    logger.warning("seller=%d: poll lease lost; poll stopped", seller_id)
                    poll.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await poll
                    return None
        finally:
            if not poll.done():  # we were cancelled ourselves
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poll

    async def _renew(self, seller_id: int) -> bool:
        try:
            return await self._db.seller_leases.renew(
                seller_id=seller_id, holder=self._db.instance_id, lease=self._lease
            )
        except Exception:
            logger.exception("could not renew the poll lease of seller=%d", seller_id)
            return False

    # ------------------------------------------------------------------ the poll

    async def _run(
        self, context: PollContext, *, force: bool, progress: Progress | None
    ) -> PollReport | None:
        """Poll from what was read with the lease."""
        seller, state = context.seller, context.state
        seller_id = seller.id
        now = self._clock()
        if seller.state in ("paused", "removed"):
            return None
        if not force and state.next_attempt_at is not None and state.next_attempt_at > now:
            return None
        try:
            report = await self._poller.poll(
                seller, progress, state=state, encrypted_key=context.api_key_encrypted
            )
        except (AuthFailed, PremiumRequired, VaultError) as exc:
            await self._mark_failing(seller_id, exc, now)
            return None
        except MarketplaceError as exc:
            failures = state.consecutive_failures + 1
            await self._db.sync_state.record_failure(
                seller_id=seller_id,
                at=now,
                error=describe_failure(exc),
                next_attempt_at=now + backoff(failures),
            )
            logger.warning(
                "poll seller=%d failed (%s), attempt %d", seller_id, type(exc).__name__, failures
            )
            return None
        if seller.state == "failing":
            await self._db.sellers.set_state(seller_id=seller_id, state="active", reason=None)
            logger.info("seller=%d recovered", seller_id)
        elif seller.state == "active" and report.state is not None:
            report.seen = (seller, report.state)
        if report.messages_stored and self._on_new_messages is not None:
            self._on_new_messages()
        return report

    async def _mark_failing(self, seller_id: int, error: Exception, now: datetime) -> None:
        if isinstance(error, PremiumRequired):
            reason = REASON_PREMIUM
        elif isinstance(error, VaultError):
            reason = REASON_UNDECRYPTABLE
        else:
            reason = REASON_INVALID_KEY
        await self._db.sellers.set_state(seller_id=seller_id, state="failing", reason=reason)
        await self._db.sync_state.record_failure(
            seller_id=seller_id,
            at=now,
            error=describe_failure(error),
            next_attempt_at=now + PERMANENT_RETRY,
        )
        logger.warning("seller=%d is failing: %s", seller_id, reason)
