"""A sent draft and the SLA clock in one conversation, one step at a time
(tests.support.drafting: a sync pass, real DraftWorker rounds against the LLM emulator, one
press of Send, a pass of the real reply worker, SLA ticks on a moved clock, the outbox once
after each step).

They replace the full-process tests of test_drafts_and_sla_e2e.py (a sent draft answering
the turn and stopping the clock; a notice held up by a 429 dropped once a draft answered
the turn), which goes; auto-reply stopping the clock is test_drafts_and_sla_handlers.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.drafts.test_draft_handlers import data_for, one_draft, open_chat, sent_texts
from tests.sla.conftest import Clock
from tests.support.drafting import draft_world, sync_once
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, buttons
from tests.support.relaying import receipts
from tests.support.texts import has, said, says

# Everything the SLA ticker can post about a turn (in its topic, or as General's batch).
SLA_NOTICES = (says("notice.warned"), says("notice.escalated"), says("notice.hard_breached"))


def sla_notices(texts: list[str]) -> list[str]:
    return [t for t in texts if any(has(t, notice) for notice in SLA_NOTICES)]


@pytest.fixture
async def hw(db: Database, llm: LlmEmulator) -> AsyncIterator[HandlerWorld]:
    async with draft_world(db, llm) as opened:
        opened.app.sla.clock = Clock()
        yield opened


def clock_of(hw: HandlerWorld) -> Clock:
    clock = hw.app.sla.clock
    assert isinstance(clock, Clock)
    return clock


async def tick(hw: HandlerWorld) -> None:
    await hw.app.sla.ticker.tick()
    await hw.deliver()


async def test_a_sent_draft_answers_the_turn_and_stops_the_sla_clock(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    clock = clock_of(hw)
    llm.script("Здравствуйте! Заказ уже в пути, привезём в четверг.")
    chat_id, thread, seller_id = await open_chat(hw, "Где мой заказ? Когда доставка?")

    # The buyer's post carries the SLA line and the ✋ button; the draft comes in its own post.
    [buyer_post] = [p for p in hw.posts(thread) if "Где мой заказ" in p.text]
    assert has(buyer_post.text, says("sla.line"))
    assert list(buttons(buyer_post)) == [says("claim.button").template]
    draft = await one_draft(hw, thread)
    assert not said(buttons(draft), says("claim.button"))

    clock.advance(minutes=5)  # still well within the target: nothing to say yet
    await tick(hw)

    answer = await hw.press(VERA, data_for(draft, "s"), on=draft)
    assert answer.text in says("draft.answer.sending")
    await hw.app.bridge.replies.run_once()
    assert draft.message_id in receipts(await hw.deliver())
    assert sent_texts(hw) == ["Здравствуйте! Заказ уже в пути, привезём в четверг."]
    turn = await hw.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["answered_via"] == "bot" and turn["answered_by_agent_id"] is not None
    chat = await hw.db.pool.fetchrow(
        "SELECT waiting_since, sla_deadline FROM chats WHERE external_id = $1", chat_id
    )
    assert chat["waiting_since"] is None and chat["sla_deadline"] is None

    await sync_once(hw, seller_id)  # Ozon's history now shows our reply: the clock stays stopped
    turn = await hw.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["answered_via"] == "bot"
    assert (
        await hw.db.pool.fetchval("SELECT source FROM messages WHERE direction = 'out'") == "bot"
    )

    posts_before = len(hw.posts(thread))
    general_before = len(hw.posts(None))
    for hours in (1, 3, 24, 47):  # past every target and the marketplace window
        clock.advance(hours=hours)
        await tick(hw)
    assert sla_notices([p.text for p in hw.posts(thread)]) == []
    assert len(hw.posts(thread)) == posts_before
    general = [p.text for p in hw.posts(None)[general_before:]]
    assert not said(general, says("notice.batch_head"))
    turn = await hw.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["warned_at"] is None and turn["escalated_at"] is None
    assert turn["hard_breached_at"] is None
    assert await hw.db.pool.fetchval("SELECT outcome FROM ai_suggestions") == "sent"
    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    assert (await hw.app.sla.waiting(workspace)) == []


async def test_a_notice_held_up_in_the_queue_is_dropped_once_a_draft_answered_the_turn(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    """Telegram made the escalation wait (429); meanwhile the agent sent the draft. The
    notice must not arrive afterwards asking to answer a buyer who has been answered."""
    llm.script("Простите! Заменим товар, оформим сегодня.")
    _, thread, _ = await open_chat(hw, "Пришёл брак, подошва отклеилась")
    draft = await one_draft(hw, thread)

    clock_of(hw).advance(minutes=31)  # urgent: 30 min target passed
    hw.session.add_result_for(
        SendMessage,
        TelegramRetryAfter(
            method=SendMessage(chat_id=GROUP_ID, text="…"),
            message="Too Many Requests: retry after 0",
            retry_after=0,  # the wait itself cut to nothing: the order of steps is the test's
        ),
    )
    report = await hw.app.sla.ticker.tick()
    assert report.notices == 1
    before = len(hw.session.requests)
    await hw.app.outbox.run_once()  # the notice's one attempt, refused with 429
    [refused] = hw.session.requests[before:]
    assert isinstance(refused, SendMessage) and has(refused.text, says("notice.escalated"))
    held = await hw.db.pool.fetchrow(
        "SELECT id, status, last_error FROM tg_outbox WHERE dedup_key LIKE 'sla:%'"
    )
    assert (held["status"], held["last_error"]) == ("pending", "429")

    await hw.press(VERA, data_for(draft, "s"), on=draft)
    await hw.app.bridge.replies.run_once()
    assert await hw.db.pool.fetchval("SELECT answered_via FROM buyer_turns") == "bot"
    await hw.deliver()
    escalations = [p for p in hw.posts(thread) if has(p.text, says("notice.escalated"))]
    assert escalations == [refused]  # the refused attempt only: nothing posted after
    assert (
        await hw.db.pool.fetchval("SELECT status FROM tg_outbox WHERE id = $1", held["id"])
        == "done"
    )  # dropped, not left to be posted later
