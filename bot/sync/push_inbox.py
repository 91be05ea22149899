"""Processing pushes from the inbox (migration 0013), after they were answered.

The receiver (``bot.sync.push``) only inserts a row and kicks this loop. Here rows are
claimed in batches (``FOR UPDATE SKIP LOCKED``, leased to this instance, so several
instances share the work and a killed one's claims come back through ``bot.dead_claims``),
grouped by seller, and handed to the processor of the seller's marketplace. A row is marked
done only after its processor finished, so an instance killed mid-way leaves it pending for
the next one; processors re-read the marketplace and ingestion is idempotent, so doing a
row twice is harmless. A failing processor backs off on the bot's one curve and gives up
after a few tries: the scheduled poll still finds what the push announced.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.outbox.loop import KickableLoop
from bot.retry import backoff
from storage.database import Database
from storage.errors import NotFound
from storage.push_inbox_repo import InboxRow, PushKey
from storage.records import Seller

logger = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 5
IDLE_SECONDS = 5.0
#: Processed rows are kept this long: a duplicate within it is a no-op at the insert.
KEEP = timedelta(days=2)
PRUNE_EVERY = timedelta(minutes=10)


class PushProcessor(Protocol):
    async def process(self, seller: Seller, rows: Sequence[InboxRow]) -> None:
        """Do what the seller's pushes ask for; raise to have them tried again later."""
        ...


class PollOnPush:
    """A push makes the seller's poll run now (Ozon; any push without a cheaper read)."""

    def __init__(self, request: Callable[[int], asyncio.Future[None]]) -> None:
        self._request = request

    async def process(self, seller: Seller, rows: Sequence[InboxRow]) -> None:
        await self._request(seller.id)


class PushInbox:
    def __init__(
        self,
        *,
        db: Database,
        processors: Mapping[str, PushProcessor],
        batch: int = BATCH,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._processors = dict(processors)
        self._batch = batch
        self._clock = clock
        self._in_flight: set[int] = set()
        self._pruned_at: datetime | None = None
        self.loop = KickableLoop(name="push-inbox", round=self.round, idle_seconds=idle_seconds)

    def add_processor(self, marketplace: str, processor: PushProcessor) -> None:
        self._processors[marketplace] = processor

    async def store(self, key: PushKey, *, seller_id: int) -> bool:
        """The receiver's one durable step; True when the notification is new."""
        new = await self._db.push_inbox.store(key, seller_id=seller_id)
        if new:
            self.loop.kick()
        return new

    async def start(self) -> None:
        await self.loop.start()

    async def stop(self) -> None:
        await self.loop.stop()
        if self._in_flight:  # stopped mid-way: not the rows' fault, hand them back
            ids, self._in_flight = sorted(self._in_flight), set()
            await self._db.push_inbox.release(ids=ids, instance_id=self._db.instance_id)

    async def round(self) -> int:
        now = self._clock()
        rows = await self._db.push_inbox.claim(
            instance_id=self._db.instance_id, now=now, limit=self._batch
        )
        if not rows:
            await self._prune(now)
            return 0
        by_seller: dict[int, list[InboxRow]] = defaultdict(list)
        for row in rows:
            by_seller[row.seller_id].append(row)
        self._in_flight.update(row.id for row in rows)
        await asyncio.gather(*(self._seller(rows) for rows in by_seller.values()))
        return len(rows)

    async def drain(self) -> None:
        """Process everything due now (tests; a round is what the loop runs)."""
        while await self.round():
            pass

    async def _seller(self, rows: list[InboxRow]) -> None:
        ids = [row.id for row in rows]
        instance = self._db.instance_id
        try:
            seller = await self._db.sellers.get(seller_id=rows[0].seller_id)
        except NotFound:
            seller = None
        processor = self._processors.get(rows[0].marketplace)
        try:
            if (
                seller is not None
                and seller.state in ("active", "failing")
                and processor is not None
            ):
                await processor.process(seller, rows)
        except Exception as exc:
            attempts = max(row.attempts for row in rows)
            error = f"{type(exc).__name__}: {exc}"
            logger.warning(
                "push processing of seller=%d failed (attempt %d): %s",
                rows[0].seller_id, attempts, type(exc).__name__,
            )  # fmt: skip
            if attempts >= MAX_ATTEMPTS:
                await self._db.push_inbox.mark_failed(ids=ids, instance_id=instance, error=error)
            else:
                await self._db.push_inbox.retry_later(
                    ids=ids,
                    instance_id=instance,
                    not_before=self._clock() + backoff(attempts, base=timedelta(seconds=2)),
                    error=error,
                )
        else:
            await self._db.push_inbox.mark_done(ids=ids, instance_id=instance)
        finally:
            self._in_flight.difference_update(ids)

    async def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        pruned = await self._db.push_inbox.prune(older_than=now - KEEP)
        if pruned:
            logger.info("pruned %d processed push(es)", pruned)
