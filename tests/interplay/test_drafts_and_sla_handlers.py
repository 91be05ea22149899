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
from tests.support.drafting import draft_world, sync_once
from tests.support.handlers import HandlerWorld
from tests.support.texts import has, says

SLA_NOTICES = (says("notice.warned"), says("notice.escalated"), says("notice.hard_breached"))


@pytest.fixture
async def hw(db: Database, llm: LlmEmulator) -> AsyncIterator[HandlerWorld]:
    async with draft_world(db, llm) as opened:
        yield opened


async def test_an_auto_reply_answers_the_turn_and_stops_the_sla_clock(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    clock = Clock()
    hw.app.sla.clock = clock
    chat_id, _, seller_id = await auto_reply_goes_out(
        hw, llm, "Спасибо вам за отзыв! Ждём снова.", "Спасибо, всё пришло, очень довольна!"
    )
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
