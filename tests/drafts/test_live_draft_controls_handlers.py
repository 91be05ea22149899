"""A draft's post never looks sendable when it is not, one step at a time (issue 16, item
7; tests.support.drafting: a sync pass, real DraftWorker rounds against the LLM emulator,
each press one callback update, a pass of the real reply worker, the outbox after each).

- Superseded (the buyer wrote again, or the turn was answered another way): the post is
  edited to «⏳ Черновик устарел» without buttons, by the drafts round that sees it.
- Edited: the post shows the text the agent actually sent, not the draft it replaced.
- The "send me the corrected text" prompt is deleted once used, or once the draft is
  decided another way (dismissed here).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import DeleteMessage, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Message

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.drafts.test_draft_handlers import data_for, one_draft, open_chat
from tests.support.drafting import buyer_message, draft_round, draft_world, sync_once
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, buttons
from tests.support.recorded_bot import BOT_USER, chat_of
from tests.support.texts import has, says

PROMPT_ID = 4343  # unlike any id the recorded session hands out (1001, 1002, …)
STALE = says("draft.state.ignored")


@pytest.fixture
async def hw(db: Database, llm: LlmEmulator) -> AsyncIterator[HandlerWorld]:
    async with draft_world(db, llm) as opened:
        yield opened


def edits_of(requests: list[TelegramMethod[Any]], message_id: int) -> list[EditMessageText]:
    return [r for r in requests if isinstance(r, EditMessageText) and r.message_id == message_id]


async def test_a_draft_the_buyer_wrote_past_is_marked_out_of_date(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Ответ на первый вопрос.")
    chat_id, thread, seller_id = await open_chat(hw, "Первый вопрос")
    post = await one_draft(hw, thread)
    llm.script("Ответ на оба вопроса.")
    buyer_message(hw, "И ещё второй вопрос", chat_id)
    await sync_once(hw, seller_id)
    requests = await draft_round(hw)  # nobody pressed anything on the old draft
    [stale] = edits_of(requests, post.message_id)
    assert has(stale.text, STALE) and not buttons(stale)
    [fresh] = [r for r in requests if isinstance(r, SendMessage) and "оба вопроса" in r.text]
    assert buttons(fresh)


async def test_a_draft_of_a_turn_answered_by_hand_is_marked_out_of_date(
    hw: HandlerWorld,
) -> None:
    _, thread, _ = await open_chat(hw, "Вопрос про упаковку")
    post = await one_draft(hw, thread)
    mine = hw.message(VERA, "Упакуем в коробку.", GROUP_ID, message_thread_id=thread,
                      is_topic_message=True)  # fmt: skip
    await hw.feed("message", mine)
    await hw.app.bridge.replies.run_once()
    await hw.deliver()
    [stale] = edits_of(await draft_round(hw), post.message_id)
    assert has(stale.text, STALE) and not buttons(stale)


async def ask_for_the_prompt(hw: HandlerWorld, post: EditMessageText) -> SendMessage:
    """Vera presses Edit; the prompt is posted (Telegram gives it ``PROMPT_ID``)."""
    await hw.press(VERA, data_for(post, "e"), on=post)
    hw.session.add_result_for(
        SendMessage,
        Message(message_id=PROMPT_ID, date=datetime.now(UTC), chat=chat_of(GROUP_ID),
                from_user=BOT_USER, text="✏️", message_thread_id=None),
    )  # fmt: skip
    [prompt] = [
        r for r in await hw.deliver() if isinstance(r, SendMessage) and r.text.startswith("✏️")
    ]
    return prompt


async def test_an_edited_draft_shows_what_was_sent_and_its_prompt_goes(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Здравствуйте! Размер маломерит.")
    _, thread, _ = await open_chat(hw, "Какой размер взять?")
    post = await one_draft(hw, thread)
    prompt = await ask_for_the_prompt(hw, post)
    edited = "Модель маломерит, берите на размер больше."
    replied_to = {
        "message_id": PROMPT_ID, "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Поддержка", "is_forum": True},
        "from": BOT_USER.model_dump(exclude_none=True), "text": prompt.text,
        "message_thread_id": thread, "is_topic_message": True,
    }  # fmt: skip
    mine = hw.message(VERA, edited, GROUP_ID, message_thread_id=thread, is_topic_message=True,
                      reply_to_message=replied_to)  # fmt: skip
    await hw.feed("message", mine)
    await hw.app.bridge.replies.run_once()
    requests = await hw.deliver()
    [final] = edits_of(requests, post.message_id)
    assert has(final.text, says("draft.state.edited", who="Вера")) and not buttons(final)
    assert edited in final.text and "Размер маломерит" not in final.text
    deleted = [r for r in requests if isinstance(r, DeleteMessage)]
    assert [(d.chat_id, d.message_id) for d in deleted] == [(GROUP_ID, PROMPT_ID)]


async def test_a_prompt_goes_when_the_draft_is_dismissed_instead(hw: HandlerWorld) -> None:
    _, thread, _ = await open_chat(hw, "Здравствуйте, вопрос")
    post = await one_draft(hw, thread)
    await ask_for_the_prompt(hw, post)
    await hw.press(VERA, data_for(post, "x"), on=post)
    requests = await hw.deliver()
    assert has(edits_of(requests, post.message_id)[0].text, says("draft.state.dismissed"))
    assert [r.message_id for r in requests if isinstance(r, DeleteMessage)] == [PROMPT_ID]
    assert await hw.deliver() == []  # once
