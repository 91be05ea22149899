"""An SLA notice for a chat whose topic someone deleted: it must still say which chat it
is about (in the chat's recreated topic), not land in General without any context."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from tests.sla.conftest import Clock, SlaWorld
from tests.support.texts import said, says
from tests.support.world import open_world


@pytest.fixture
async def sworld(db: Database) -> AsyncIterator[SlaWorld]:
    async with open_world(db) as world:
        clock = Clock()
        assert world.app is not None
        world.app.sla.clock = clock
        yield SlaWorld(world, clock)


async def test_an_escalation_for_a_deleted_topic_goes_to_the_recreated_topic(
    sworld: SlaWorld,
) -> None:
    world = sworld.world
    chat_id, thread = await sworld.buyer_topic("Пришёл брак", order_number="4242-0001")
    world.tg.delete_topic(world.group_id, thread)
    sworld.clock.advance(minutes=31)
    await sworld.tick()
    escalated = says("notice.escalated")
    assert not said([m.get("text") for m in sworld.general()], escalated)
    chat = await world.chat(chat_id)
    assert chat.topic_thread_id is not None and chat.topic_thread_id != thread
    assert said(sworld.texts(chat.topic_thread_id), escalated)
