"""Editing a draft and an auto-reply, one step at a time (tests.support.drafting: a sync
pass, real DraftWorker rounds against the LLM emulator, each press one callback update, a
pass of the real reply worker, the outbox once after each step).

They replace the full-process test_drafts_e2e.py::test_edit_sends_the_agents_version and
test_auto_and_settings_e2e.py::test_auto_reply_answers_a_safe_intent_and_marks_it. The
edit prompt's message id is read from its record (``edit_prompt_message_id``, what the
bot matches the agent's reply against), not counted from the recorded session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiogram.methods import SendMessage
from aiogram.types import ForceReply, Message

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.drafts.conftest import DRAFT_HEADERS
from tests.drafts.test_draft_handlers import (
    auto_reply_goes_out,
    data_for,
    one_draft,
    open_chat,
    sent_texts,
)
from tests.support.drafting import draft_world, sync_once
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, buttons, shown
from tests.support.recorded_bot import BOT_USER, chat_of
from tests.support.relaying import receipts
from tests.support.texts import has, says

PROMPT_ID = 4242  # unlike any id the recorded session hands out (1001, 1002, …)


@pytest.fixture
async def hw(db: Database, llm: LlmEmulator) -> AsyncIterator[HandlerWorld]:
    async with draft_world(db, llm) as opened:
        yield opened


def topic_posts(hw: HandlerWorld, thread: int) -> list[SendMessage]:
    return [
        r
        for r in hw.session.requests
        if isinstance(r, SendMessage) and r.chat_id == GROUP_ID and r.message_thread_id == thread
    ]


async def test_edit_sends_the_agents_version(hw: HandlerWorld, llm: LlmEmulator) -> None:
    llm.script("Здравствуйте! Размер маломерит.")
    _, thread, _ = await open_chat(hw, "Какой размер взять?")
    post = await one_draft(hw, thread)
    answer = await hw.press(VERA, data_for(post, "e"), on=post)
    assert answer.text == says("draft.answer.edit").template

    # Telegram's answer to the prompt, prepared with the id the test then looks for.
    hw.session.add_result_for(
        SendMessage,
        Message(message_id=PROMPT_ID, date=datetime.now(UTC), chat=chat_of(GROUP_ID),
                from_user=BOT_USER, text="✏️", message_thread_id=None),
    )  # fmt: skip

    [prompt] = [
        r for r in await hw.deliver() if isinstance(r, SendMessage) and r.text.startswith("✏️")
    ]
    assert has(prompt.text, says("draft.edit_prompt", draft="Здравствуйте! Размер маломерит."))
    assert prompt.reply_parameters is not None
    assert prompt.reply_parameters.message_id == post.message_id
    assert isinstance(prompt.reply_markup, ForceReply)
    assert prompt.chat_id == GROUP_ID and prompt.message_thread_id == thread
    prompt_id = await hw.db.pool.fetchval("SELECT edit_prompt_message_id FROM ai_suggestions")
    assert prompt_id == PROMPT_ID  # the id Telegram gave the prompt, recorded

    edited = "Здравствуйте! Модель маломерит, берите на размер больше."
    replied_to = {
        "message_id": prompt_id, "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Поддержка", "is_forum": True},
        "from": BOT_USER.model_dump(exclude_none=True), "text": prompt.text,
        "message_thread_id": thread, "is_topic_message": True,
    }  # fmt: skip
    mine = hw.message(VERA, edited, GROUP_ID, message_thread_id=thread, is_topic_message=True,
                      reply_to_message=replied_to)  # fmt: skip
    await hw.feed("message", mine)
    await hw.app.bridge.replies.run_once()
    assert receipts(await hw.deliver()) == [mine["message_id"]]
    assert sent_texts(hw) == [edited]
    row = await hw.db.pool.fetchrow("SELECT outcome FROM ai_suggestions")
    assert row["outcome"] == "edited"
    reply = await hw.db.pool.fetchrow("SELECT origin, suggestion_id FROM reply_outbox")
    assert reply["origin"] == "draft" and reply["suggestion_id"] is not None


async def test_auto_reply_answers_a_safe_intent_and_marks_it(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    _, thread, seller_id = await auto_reply_goes_out(
        hw, llm, "Спасибо вам за отзыв! Ждём снова.", "Спасибо, всё пришло, очень довольна!"
    )
    assert sent_texts(hw) == ["Спасибо вам за отзыв! Ждём снова."]
    await hw.deliver()
    [post] = [
        p
        for p in shown(hw.session.requests)
        if p.chat_id == GROUP_ID and any(has(p.text, h) for h in DRAFT_HEADERS)
    ]  # one draft post, shown marked, never as a draft to decide on
    assert has(post.text, says("draft.state.auto_sent")) and post.message_thread_id == thread
    assert not buttons(post)  # nothing left to decide
    row = await hw.db.pool.fetchrow("SELECT outcome, auto_send_at FROM ai_suggestions")
    assert row["outcome"] == "auto_sent" and row["auto_send_at"] is not None
    assert await hw.db.pool.fetchval("SELECT origin FROM reply_outbox") == "auto"
    # Not a person's answer by default (the /ai setting): the turn stays open, low, until
    # someone looks (tests/interplay/test_drafts_and_sla_handlers.py has both settings).
    turn = await hw.db.pool.fetchrow("SELECT answered_via, auto_answered_at FROM buyer_turns")
    assert turn["answered_via"] is None and turn["auto_answered_at"] is not None
    await sync_once(hw, seller_id)
    assert len(topic_posts(hw, thread)) == 2  # the buyer's message and the marked auto-reply
