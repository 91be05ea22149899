"""The real bot and both emulators (tests/e2e), with the SLA clock under the test's control."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.sla.service import SlaService
from storage.database import Database
from tests.support.world import World, open_world, wait_until


@dataclass
class Clock:
    """Real time plus an offset the test moves forward."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@dataclass
class SlaWorld:
    world: World
    clock: Clock

    @property
    def sla(self) -> SlaService:
        assert self.world.app is not None
        return self.world.app.sla

    async def tick(self) -> None:
        await self.sla.ticker.tick()
        await wait_until(self.world.outbox_settled)

    def general(self) -> list[dict[str, Any]]:
        """The bot's posts in General (not in any topic)."""
        return [m for m in self.world.posts() if "message_thread_id" not in m]

    def texts(self, thread_id: int | None = None) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.world.posts(thread_id)]

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.world.tg.calls if name == method]

    async def buyer_topic(self, text: str, **kwargs: Any) -> tuple[str, int]:
        chat_id, _ = self.world.buyer_writes(text=text, **kwargs)
        await self.world.poll()
        thread = await self.world.topic_of(chat_id)
        await self.world.wait_for_posts(thread, 1)
        return chat_id, thread


@pytest.fixture
async def sworld(db: Database) -> AsyncIterator[SlaWorld]:
    async with open_world(db) as world:
        clock = Clock()
        assert world.app is not None
        world.app.sla.clock = clock
        yield SlaWorld(world, clock)
