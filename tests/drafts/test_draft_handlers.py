"""Drafts and their buttons, one step at a time (tests.support.drafting): a sync pass puts
the buyer's messages in the topic, one round of the real draft worker asks the LLM emulator
and queues the post, the outbox posts it, and each press is one callback update. Nothing
polls: these check a draft's wording, buttons, record and refusals, not a flow.

They replace the full-process tests of test_drafts_e2e.py for the burst's one draft, Edit,
Regenerate, Dismiss, the two stale drafts, the guardrail regenerations, the model failing
or timing out, and a refused draft. Send reaching Ozon once stays there, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage, SetMessageReaction, TelegramMethod

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.support.drafting import buyer_message, draft_round, draft_world, sync_once
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, buttons
from tests.support.texts import has, says
from tests.support.world import CLIENT_ID

DRAFT_HEADERS = (says("draft.header.llm"), says("draft.header.template"))


@pytest.fixture
async def hw(db: Database, llm: LlmEmulator) -> AsyncIterator[HandlerWorld]:
    async with draft_world(db, llm) as opened:
        yield opened


async def open_chat(hw: HandlerWorld, *texts: str) -> tuple[str, int, int]:
    """The bound group and its shop; the buyer writes ``texts`` and one sync pass mirrors
    them. Returns the Ozon chat id, the topic and the shop's id."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chat_id = buyer_message(hw, texts[0])
    for more in texts[1:]:
        buyer_message(hw, more, chat_id)
    mirrored = [r for r in await sync_once(hw, seller.id) if isinstance(r, SendMessage)]
    thread = mirrored[0].message_thread_id
    assert thread is not None
    return chat_id, thread, seller.id


def draft_posts(requests: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [
        r
        for r in requests
        if isinstance(r, SendMessage) and any(has(r.text, h) for h in DRAFT_HEADERS)
    ]


async def one_draft(hw: HandlerWorld, thread: int) -> EditMessageText:
    """One worker round posts one draft with buttons into ``thread``; returned as it stands
    in the topic (its message id from the record)."""
    [post] = draft_posts(await draft_round(hw))
    assert post.chat_id == GROUP_ID and post.message_thread_id == thread
    assert buttons(post)
    message_id = await hw.db.pool.fetchval(
        "SELECT tg_message_id FROM ai_suggestions WHERE outcome = 'pending'"
    )
    return EditMessageText(
        chat_id=GROUP_ID, message_id=message_id, text=post.text, reply_markup=post.reply_markup
    )


def data_for(post: EditMessageText, action: str) -> str:
    return next(d for d in buttons(post).values() if d.startswith(f"d1:{action}:"))


def edit_of(requests: list[TelegramMethod[Any]], post: EditMessageText) -> EditMessageText:
    [edit] = [
        r for r in requests if isinstance(r, EditMessageText) and r.message_id == post.message_id
    ]
    return edit


def sent_id(hw: HandlerWorld, method: SendMessage) -> int:
    """The message id the recorded session answered ``method`` with (1001, 1002, … in the
    order of the messages sent)."""
    sent = hw.session.sent(SendMessage)
    return 1001 + next(i for i, r in enumerate(sent) if r is method)


def sent_texts(hw: HandlerWorld) -> list[str]:
    return [s.text for s in hw.ozon.state.sent_by_seller(CLIENT_ID)]


async def auto_reply_goes_out(hw: HandlerWorld, llm: LlmEmulator, answer: str,
                              question: str, *, counts: bool = False,
                              ) -> tuple[str, int, int]:  # fmt: skip
    """The buyer writes ``question`` (a thanks or delivery intent) to a shop with auto-reply
    on; the LLM drafts ``answer``; nobody presses anything, so the auto-send queues it and
    one reply pass sends it. ``counts``: the shop counts an auto-reply as an answer (/ai).
    Returns what :func:`open_chat` does."""
    llm.script(answer)
    opened = await open_chat(hw, question)
    await hw.db.sellers.update_ai(
        seller_id=opened[2],
        instructions="",
        tone="",
        auto_reply_enabled=True,
        auto_reply_intents=["thanks", "delivery"],
    )
    if counts:
        await hw.db.sellers.set_resolve_settings(
            seller_id=opened[2], auto_reply_counts=True, idle_close_days=None
        )
    await draft_round(hw)  # the draft, its auto-send due at once
    await draft_round(hw)  # no one presses anything: the auto-send queues the reply
    await hw.app.bridge.replies.run_once()
    return opened


async def test_a_burst_gets_one_draft_with_four_buttons(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Здравствуйте! Заказ уже в пути, привезём в четверг.")
    _, thread, _ = await open_chat(hw, "Здравствуйте", "Когда доставка?", "Заказ 47873153-0052")
    post = await one_draft(hw, thread)
    assert "Заказ уже в пути" in post.text
    assert sorted(buttons(post)) == sorted(
        says(f"draft.button.{b}").template for b in ("send", "regenerate", "edit", "dismiss")
    )
    assert len(llm.requests) == 1  # one draft for the whole burst
    prompt = llm.requests[0]["messages"]
    assert "Когда доставка?" in prompt[-1]["content"]
    assert "47873153-0052" in prompt[0]["content"]  # order context
    row = await hw.db.pool.fetchrow("SELECT * FROM ai_suggestions")
    assert row["source"] == "llm" and row["outcome"] == "pending"
    assert row["buyer_message_count"] == 3 and row["latency_ms"] >= 0
    assert row["tg_message_id"] == post.message_id
    assert draft_posts(await draft_round(hw)) == []  # and only one


async def test_regenerate_replaces_the_draft_in_the_same_post(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Первый вариант ответа.")
    _, thread, _ = await open_chat(hw, "Есть ли другой цвет?")
    post = await one_draft(hw, thread)
    llm.script("Второй вариант ответа.")
    answer = await hw.press(VERA, data_for(post, "r"), on=post)
    assert answer.text == says("draft.answer.regenerating").template
    current = edit_of(await draft_round(hw), post)
    assert "Второй вариант" in current.text and buttons(current)
    assert len(llm.requests) == 2
    assert llm.requests[1]["messages"][-2]["content"] == "Первый вариант ответа."  # avoid it
    rows = await hw.db.pool.fetch(
        "SELECT id, outcome, regenerated_from FROM ai_suggestions ORDER BY id"
    )
    assert [r["outcome"] for r in rows] == ["regenerated", "pending"]
    assert rows[1]["regenerated_from"] == rows[0]["id"]
    await hw.press(VERA, data_for(current, "s"), on=current)
    await hw.app.bridge.replies.run_once()
    assert sent_texts(hw) == ["Второй вариант ответа."]


async def test_dismiss_removes_the_buttons_and_sends_nothing(hw: HandlerWorld) -> None:
    _, thread, _ = await open_chat(hw, "Здравствуйте, вопрос")
    post = await one_draft(hw, thread)
    answer = await hw.press(VERA, data_for(post, "x"), on=post)
    assert answer.text == says("draft.answer.dismissed").template
    current = edit_of(await hw.deliver(), post)
    assert not buttons(current) and has(current.text, says("draft.state.dismissed"))
    assert await hw.db.pool.fetchval("SELECT outcome FROM ai_suggestions") == "dismissed"
    await hw.app.bridge.replies.run_once()
    assert sent_texts(hw) == []


async def test_a_stale_draft_says_so_instead_of_sending(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Ответ на первый вопрос.")
    chat_id, thread, seller_id = await open_chat(hw, "Первый вопрос")
    post = await one_draft(hw, thread)
    llm.script("Ответ на оба вопроса.")
    buyer_message(hw, "И ещё второй вопрос", chat_id)
    await sync_once(hw, seller_id)
    answer = await hw.press(VERA, data_for(post, "s"), on=post)
    assert answer.text == says("draft.answer.stale_wrote").template
    assert answer.show_alert is True
    second = await one_draft(hw, thread)
    assert "оба вопроса" in second.text
    await hw.app.bridge.replies.run_once()
    assert sent_texts(hw) == []
    outcomes = await hw.db.pool.fetch("SELECT outcome FROM ai_suggestions ORDER BY id")
    assert [r["outcome"] for r in outcomes] == ["ignored", "pending"]


async def test_a_draft_after_an_agent_answered_is_stale(hw: HandlerWorld) -> None:
    _, thread, _ = await open_chat(hw, "Вопрос про упаковку")
    post = await one_draft(hw, thread)
    mine = hw.message(
        VERA, "Упакуем в коробку.", GROUP_ID, message_thread_id=thread, is_topic_message=True
    )
    await hw.feed("message", mine)
    await hw.app.bridge.replies.run_once()
    receipts = [r for r in await hw.deliver() if isinstance(r, SetMessageReaction)]
    assert [(r.message_id, [x.emoji for x in r.reaction or []]) for r in receipts] == [
        (mine["message_id"], ["👍"])
    ]
    answer = await hw.press(VERA, data_for(post, "s"), on=post)
    assert answer.text == says("draft.answer.stale_answered").template
    await hw.app.bridge.replies.run_once()
    assert sent_texts(hw) == ["Упакуем в коробку."]


async def test_a_draft_with_a_phone_is_regenerated_once_then_shown_without_send(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Позвоните нам: +7 916 123-45-67")
    llm.script("Звоните 8 916 123 45 67, решим")
    _, thread, _ = await open_chat(hw, "Брак, что делать?")
    [post] = draft_posts(await draft_round(hw))
    assert post.message_thread_id == thread
    assert len(llm.requests) == 2
    assert "cannot be sent" in llm.requests[1]["messages"][-1]["content"]
    assert "<u><b>8 916 123 45 67</b></u>" in post.text
    assert "⛔" in post.text
    assert says("draft.button.send").template not in buttons(post)
    assert says("draft.button.edit").template in buttons(post)


async def test_a_draft_that_is_clean_after_one_regeneration_is_sendable(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Пишите на shop@mail.ru")
    llm.script("Пришлите, пожалуйста, фото прямо в этот чат.")
    _, thread, _ = await open_chat(hw, "Брак, что делать?")
    post = await one_draft(hw, thread)
    assert "фото прямо в этот чат" in post.text
    assert says("draft.button.send").template in buttons(post)


async def test_the_model_failing_falls_back_to_a_marked_template(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.fail("500", count=None)
    _, thread, _ = await open_chat(hw, "Когда доставка?")
    post = await one_draft(hw, thread)
    assert has(post.text, says("draft.header.template")) and "Мои заказы" in post.text
    row = await hw.db.pool.fetchrow("SELECT source, fallback_reason FROM ai_suggestions")
    assert (row["source"], row["fallback_reason"]) == ("template", "http_500")


async def test_the_model_timing_out_falls_back_to_a_template(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.fail("slow", count=None, seconds=10)
    _, thread, _ = await open_chat(hw, "Спасибо большое!")
    post = await one_draft(hw, thread)
    assert has(post.text, says("draft.header.template"))
    assert await hw.db.pool.fetchval("SELECT fallback_reason FROM ai_suggestions") == "timeout"


async def test_a_refused_draft_is_explained_like_an_agents_reply(hw: HandlerWorld) -> None:
    _, thread, _ = await open_chat(hw, "Вопрос про заказ")
    post = await one_draft(hw, thread)
    hw.ozon.state.advance_clock(49 * 3600)  # Ozon's 48-hour reply window is over
    await hw.press(VERA, data_for(post, "s"), on=post)
    await hw.app.bridge.replies.run_once()
    [notice] = [
        r
        for r in await hw.deliver()
        if isinstance(r, SendMessage) and has(r.text, says("reply_failed.window_closed"))
    ]
    assert notice.message_thread_id == thread
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == post.message_id
    assert sent_texts(hw) == []
    assert await hw.db.pool.fetchval("SELECT error_code FROM reply_outbox") == "window_closed"
