"""Polling as a slow safety net while a seller's pushes arrive, at full speed when not.

A seller whose marketplace pushed something recently (``FRESH``) is known to have a working
push subscription: its scheduled poll is skipped while its last successful poll is younger
than ``SAFETY_NET``, so it is polled about every five minutes instead of every
``POLL_INTERVAL_SECONDS``. As soon as pushes stop arriving (a subscription disabled,
Market's 14-day disconnect, a quiet shop) the next tick polls as usual. Reads two indexed
rows per tick; a database error means "poll" (never skip on doubt).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from storage.database import Database

logger = logging.getLogger(__name__)

FRESH = timedelta(minutes=15)
SAFETY_NET = timedelta(minutes=5)


class PushPacing:
    def __init__(
        self,
        *,
        db: Database,
        fresh: timedelta = FRESH,
        safety_net: timedelta = SAFETY_NET,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._fresh = fresh
        self._safety_net = safety_net
        self._clock = clock

    async def may_skip(self, seller_id: int) -> bool:
        """True when this scheduled poll can wait: pushes arrive and a poll ran lately."""
        now = self._clock()
        try:
            last_push = (await self._db.push_inbox.last_received(seller_ids=[seller_id])).get(
                seller_id
            )
            if last_push is None or now - last_push > self._fresh:
                return False
            state = await self._db.sync_state.get(seller_id=seller_id)
        except Exception:
            logger.exception("push pacing of seller=%d unknown: polling", seller_id)
            return False
        polled = state.last_success_at
        return polled is not None and now - polled < self._safety_net
