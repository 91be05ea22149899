"""Auto-reply and the SLA clock in one conversation, one step at a time
(tests.support.drafting: a sync pass, real DraftWorker rounds against the LLM emulator, one
reply pass, SLA ticks on a moved clock, the outbox once after each).

A sent draft stopping the clock is test_drafts_and_sla_steps.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SendMessage

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.drafts.test_draft_handlers import auto_reply_goes_out, sent_texts
from tests.sla.conftest import Clock
from tests.support.drafting import buyer_message, draft_world, sync_once
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld
from tests.support.texts import has, says

SLA_NOTICES = (says("notice.warned"), says("notice.escalated"), says("notice.hard_breached"))


@pytest.fixture
async def hw(db: Database, llm: LlmEmulator) -> AsyncIterator[HandlerWorld]:
    async with draft_world(db, llm) as opened:
        yield opened


async def test_an_auto_reply_answers_the_turn_and_stops_the_sla_clock(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    """With the shop's setting on: the automatic reply is the answer."""
    clock = Clock()
    hw.app.sla.clock = clock
    chat_id, _, seller_id = await auto_reply_goes_out(
        hw, llm, "Спасибо вам за отзыв! Ждём снова.", "Спасибо, всё пришло, очень довольна!",
        counts=True,
    )  # fmt: skip
    assert sent_texts(hw) == ["Спасибо вам за отзыв! Ждём снова."]
    await sync_once(hw, seller_id)
    assert await hw.db.pool.fetchval("SELECT answered_via FROM buyer_turns") == "auto"
    posted: list[str] = []
    for hours in (1, 3, 24, 47):
        clock.advance(hours=hours)
        await hw.app.sla.ticker.tick()
        posted += [r.text for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert [t for t in posted if any(has(t, n) for n in SLA_NOTICES)] == []
    turn = await hw.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["warned_at"] is None and turn["escalated_at"] is None
    chat = await hw.db.pool.fetchrow(
        "SELECT waiting_since FROM chats WHERE external_id = $1", chat_id
    )
    assert chat["waiting_since"] is None


async def test_by_default_an_auto_reply_leaves_the_turn_queued_low_until_someone_takes_it(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    """The shop's /ai setting off (the default): the automatic reply went out, but the
    turn waits in the queue at low priority, never warned or escalated, until a person
    looks; taking the chat accepts the automatic reply as the answer."""
    clock = Clock()
    hw.app.sla.clock = clock
    chat_id, thread, seller_id = await auto_reply_goes_out(
        hw, llm, "Спасибо вам за отзыв! Ждём снова.", "Спасибо, всё пришло, очень довольна!"
    )
    assert sent_texts(hw) == ["Спасибо вам за отзыв! Ждём снова."]
    await sync_once(hw, seller_id)  # the auto-reply shows up in Ozon's history
    posted: list[str] = []
    for hours in (1, 3, 24, 47):
        clock.advance(hours=hours)
        await hw.app.sla.ticker.tick()
        posted += [r.text for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert [t for t in posted if any(has(t, n) for n in SLA_NOTICES)] == []
    turn = await hw.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["answered_at"] is None and turn["auto_answered_at"] is not None
    assert turn["priority"] == "low" and turn["warned_at"] is None
    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    [waiting] = await hw.app.sla.waiting(workspace)
    assert waiting.priority == "low" and waiting.sla_deadline is None

    await hw.feed("message", hw.message(VERA, "/take", GROUP_ID, message_thread_id=thread,
                                        is_topic_message=True))  # fmt: skip
    turn = await hw.db.pool.fetchrow("SELECT * FROM buyer_turns")
    vera = await hw.db.agents.get_by_tg_user(tg_user_id=VERA.id)
    assert turn["answered_via"] == "auto" and turn["answered_by_agent_id"] == vera.id
    assert turn["answered_at"] == turn["auto_answered_at"]
    assert await hw.app.sla.waiting(workspace) == []
    assert chat_id


async def test_the_buyer_writing_after_an_uncounted_auto_reply_starts_a_new_turn(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    """The automatic reply did answer the first turn once the buyer moves on; the new
    message runs its own clock at its own priority."""
    chat_id, _, seller_id = await auto_reply_goes_out(
        hw, llm, "Спасибо вам за отзыв! Ждём снова.", "Спасибо, всё пришло, очень довольна!"
    )
    await sync_once(hw, seller_id)
    buyer_message(hw, "А где мой чек? Пришлите, пожалуйста", chat_id)
    await sync_once(hw, seller_id)
    turns = await hw.db.pool.fetch("SELECT * FROM buyer_turns ORDER BY id")
    assert [t["answered_via"] for t in turns] == ["auto", None]
    assert turns[0]["answered_at"] == turns[0]["auto_answered_at"]
    assert turns[1]["auto_answered_at"] is None and turns[1]["deadline"] is not None
    chat = await hw.db.pool.fetchrow(
        "SELECT waiting_since, unanswered_count FROM chats WHERE external_id = $1", chat_id
    )
    assert chat["unanswered_count"] == 1 and chat["waiting_since"] == turns[1]["started_at"]
