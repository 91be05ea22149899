"""Drafts and SLA together in one conversation, through the Telegram, Ozon and LLM
emulators: the two features were built apart, so their meeting points are checked here.
Auto-reply stopping the clock is a handler case in test_drafts_and_sla_handlers.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.drafts.conftest import (
    buttons,
    callback_answer,
    data_for,
    draft_settings,
    wait_for_draft,
)
from tests.sla.conftest import Clock, SlaWorld
from tests.support.texts import has, said, says
from tests.support.world import open_world, wait_until

# Everything the SLA ticker can post about a turn (in its topic, or as General's batch).
SLA_NOTICES = (says("notice.warned"), says("notice.escalated"), says("notice.hard_breached"))


def sla_notices(texts: list[str]) -> list[str]:
    return [t for t in texts if any(has(t, notice) for notice in SLA_NOTICES)]


@pytest.fixture
async def both(db: Database, llm: LlmEmulator) -> AsyncIterator[SlaWorld]:
    async with open_world(db, settings_overrides=draft_settings(llm)) as world:
        clock = Clock()
        assert world.app is not None
        world.app.sla.clock = clock
        yield SlaWorld(world, clock)


async def test_a_sent_draft_answers_the_turn_and_stops_the_sla_clock(
    both: SlaWorld, llm: LlmEmulator
) -> None:
    world = both.world
    llm.script("Здравствуйте! Заказ уже в пути, привезём в четверг.")
    chat_id, thread = await both.buyer_topic("Где мой заказ? Когда доставка?")

    # The buyer's post carries the SLA line and the ✋ button; the draft comes in its own post.
    [buyer_post] = [p for p in world.posts(thread) if "Где мой заказ" in p.get("text", "")]
    assert has(buyer_post["text"], says("sla.line"))
    assert list(buttons(buyer_post)) == [says("claim.button").template]
    draft = await wait_for_draft(world, thread)
    assert not said(buttons(draft), says("claim.button"))

    both.clock.advance(minutes=5)  # still well within the target: nothing to say yet
    await both.tick()

    query = world.tg.press_button(
        world.agent_id, world.group_id, draft["message_id"], data_for(draft, "s")
    )
    assert (await callback_answer(world, query))["text"] in says("draft.answer.sending")

    async def receipted() -> bool:
        return world.tg.reactions(world.group_id, draft["message_id"]) == ["👍"]

    await wait_until(receipted)
    assert [s.text for s in world.sent_to_ozon()] == [
        "Здравствуйте! Заказ уже в пути, привезём в четверг."
    ]
    turn = await world.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["answered_via"] == "bot" and turn["answered_by_agent_id"] is not None
    chat = await world.chat(chat_id)
    assert chat.waiting_since is None and chat.sla_deadline is None

    await world.poll()  # Ozon's history now shows our reply: the clock stays stopped
    turn = await world.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["answered_via"] == "bot"
    assert (
        await world.db.pool.fetchval("SELECT source FROM messages WHERE direction = 'out'")
        == "bot"
    )

    posts_before = len(world.posts(thread))
    general_before = len(both.general())
    for hours in (1, 3, 24, 47):  # past every target and the marketplace window
        both.clock.advance(hours=hours)
        await both.tick()
    assert sla_notices(both.texts(thread)) == []
    assert len(world.posts(thread)) == posts_before
    general = [m.get("text", "") for m in both.general()[general_before:]]
    assert not said(general, says("notice.batch_head"))
    turn = await world.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["warned_at"] is None and turn["escalated_at"] is None
    assert turn["hard_breached_at"] is None
    assert await world.db.pool.fetchval("SELECT outcome FROM ai_suggestions") == "sent"
    assert (await both.sla.waiting(world.workspace)) == []


async def test_a_notice_held_up_in_the_queue_is_dropped_once_a_draft_answered_the_turn(
    both: SlaWorld, llm: LlmEmulator
) -> None:
    """Telegram made the escalation wait (429); meanwhile the agent sent the draft. The
    notice must not arrive afterwards asking to answer a buyer who has been answered."""
    world = both.world
    llm.script("Простите! Заменим товар, оформим сегодня.")
    _, thread = await both.buyer_topic("Пришёл брак, подошва отклеилась")
    draft = await wait_for_draft(world, thread)
    await wait_until(world.outbox_settled)

    both.clock.advance(minutes=31)  # urgent: 30 min target passed
    world.tg.inject_error(
        "sendMessage", "Too Many Requests: retry after 3", 429, count=1, retry_after=3
    )
    report = await both.sla.ticker.tick()
    assert report.notices == 1

    async def held_up() -> bool:
        error = await world.db.pool.fetchval(
            "SELECT last_error FROM tg_outbox WHERE dedup_key LIKE 'sla:%'"
        )
        return error == "429"

    await wait_until(held_up)
    query = world.tg.press_button(
        world.agent_id, world.group_id, draft["message_id"], data_for(draft, "s")
    )
    await callback_answer(world, query)

    async def answered() -> bool:
        return await world.db.pool.fetchval("SELECT answered_via FROM buyer_turns") == "bot"

    await wait_until(answered)
    await wait_until(world.outbox_settled)
    assert not said(both.texts(thread), says("notice.escalated"))
