"""Taking back, every few seconds, what a killed instance had claimed.

Each worker frees dead instances' claims when it starts; with several instances the
survivors keep running, so without this a killed one's claimed updates, posts, replies and
topic creations would wait out their leases (a minute). The periodic leader runs it; the
claims are known dead from PostgreSQL's own locks, so a live instance's are never touched.
"""

from __future__ import annotations

import logging

from bot.outbox.loop import KickableLoop
from storage.database import Database

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0

#: (table, claimed-by column, lease column) of every claimable queue.
CLAIMS = (
    ("tg_updates", "claimed_by", "lease_until"),
    ("tg_outbox", "claimed_by", "lease_until"),
    ("reply_outbox", "claimed_by", "lease_until"),
    ("chats", "topic_claimed_by", "topic_claimed_until"),
    ("push_inbox", "claimed_by", "lease_until"),
)


class DeadClaimSweeper:
    def __init__(self, *, db: Database, seconds: float = SWEEP_SECONDS) -> None:
        self._db = db
        self._loop = KickableLoop(name="dead-claims", round=self.sweep, idle_seconds=seconds)

    async def sweep(self) -> int:
        """One pass; returns 0 so the loop sleeps between passes whatever it freed."""
        for table, claimed_by, lease_until in CLAIMS:
            freed = await self._db.instances.release_dead_claims(
                table, claimed_by=claimed_by, lease_until=lease_until
            )
            if freed:
                logger.info("took back %d %s claim(s) of a stopped instance", freed, table)
        return 0

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
