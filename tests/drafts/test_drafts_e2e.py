"""Drafts end to end: the real bot between the Telegram, Ozon and LLM emulators."""

from __future__ import annotations

from sandbox.llm import LlmEmulator
from tests.drafts.conftest import (
    buttons,
    callback_answer,
    data_for,
    open_chat,
    wait_for_draft,
)
from tests.e2e.conftest import World, wait_until


async def test_a_burst_gets_one_draft_with_four_buttons(dworld: World, llm: LlmEmulator) -> None:
    llm.script("Здравствуйте! Заказ уже в пути, привезём в четверг.")
    _, thread = await open_chat(dworld, "Здравствуйте", "Когда доставка?", "Заказ 47873153-0052")
    post = await wait_for_draft(dworld, thread)
    assert "Заказ уже в пути" in post["text"]
    assert sorted(buttons(post)) == sorted(["✅ Отправить", "🔄 Другой вариант", "✏️ Изменить",
                                            "✖️ Скрыть"])  # fmt: skip
    assert len(llm.requests) == 1  # one draft for the whole burst
    prompt = llm.requests[0]["messages"]
    assert "Когда доставка?" in prompt[-1]["content"]
    assert "47873153-0052" in prompt[0]["content"]  # order context
    row = await dworld.db.pool.fetchrow("SELECT * FROM ai_suggestions")
    assert row["source"] == "llm" and row["outcome"] == "pending"
    assert row["buyer_message_count"] == 3 and row["latency_ms"] >= 0
    assert row["tg_message_id"] == post["message_id"]
