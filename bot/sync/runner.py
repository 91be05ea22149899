"""Running a seller's poll and deciding what its failures mean.

Authentication and subscription problems will not fix themselves: the seller is marked
failing with a reason a person can act on, and is retried only rarely (so a restored
subscription is noticed) instead of hammering Ozon. Anything else (429, 5xx, network)
backs off exponentially per seller; other sellers are unaffected.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.retry import backoff as shared_backoff
from bot.sync.poller import PollReport, Progress, SellerPoller
from connectors.errors import AuthFailed, MarketplaceError, PremiumRequired
from storage.database import Database
from storage.errors import NotFound
from storage.vault import VaultError

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=30)
PERMANENT_RETRY = timedelta(minutes=30)

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


class SyncRunner:
    def __init__(
        self,
        *,
        db: Database,
        poller: SellerPoller,
        on_new_messages: Callable[[], None] | None = None,
        after_run: Callable[[int], Awaitable[None]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._poller = poller
        self._on_new_messages = on_new_messages  # wakes delivery at once (intake latency)
        self._after_run = after_run  # e.g. health notices: sees every run, skipped ones too
        self._clock = clock

    async def run(
        self, seller_id: int, *, force: bool = False, progress: Progress | None = None
    ) -> PollReport | None:
        """Poll if due; ``None`` when skipped (paused, removed, or backing off)."""
        report = await self._run(seller_id, force=force, progress=progress)
        if self._after_run is not None:
            try:
                await self._after_run(seller_id)
            except Exception:  # a notice problem must never stop polling
                logger.exception("after-run hook failed for seller=%d", seller_id)
        return report

    async def _run(
        self, seller_id: int, *, force: bool, progress: Progress | None
    ) -> PollReport | None:
        try:
            seller = await self._db.sellers.get(seller_id=seller_id)
            state = await self._db.sync_state.get(seller_id=seller_id)
        except NotFound:
            return None
        now = self._clock()
        if seller.state in ("paused", "removed"):
            return None
        if not force and state.next_attempt_at is not None and state.next_attempt_at > now:
            return None
        try:
            report = await self._poller.poll(seller, progress)
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
