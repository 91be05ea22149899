"""Drafts end to end: the real bot between the Telegram, Ozon and LLM emulators. The one
flow kept here: a buyer's message is polled, drafted, and Send (tapped twice) reaches Ozon
once with its receipt. The buttons, wording and refusals are handler cases in
test_draft_handlers.py and test_guard_handlers.py; Edit is one in
test_edit_and_auto_handlers.py."""

from __future__ import annotations

from sandbox.llm import LlmEmulator
from tests.drafts.conftest import (
    buttons,
    callback_answer,
    data_for,
    open_chat,
    wait_for_draft,
)
from tests.support.texts import has, says
from tests.support.world import World, wait_until


async def sent_texts(world: World) -> list[str]:
    return [s.text for s in world.sent_to_ozon()]


async def test_send_double_tap_reaches_ozon_once(dworld: World, llm: LlmEmulator) -> None:
    llm.script("Здравствуйте! Отправим сегодня.")
    _, thread = await open_chat(dworld, "Когда отправите?")
    post = await wait_for_draft(dworld, thread)
    send = data_for(post, "s")
    first = dworld.tg.press_button(dworld.agent_id, dworld.group_id, post["message_id"], send)
    second = dworld.tg.press_button(dworld.agent_id, dworld.group_id, post["message_id"], send)
    answers = {(await callback_answer(dworld, q))["text"] for q in (first, second)}
    assert answers == {
        says("draft.answer.sending").template,
        says("draft.answer.already_sent").template,
    }  # either order

    async def receipt() -> bool:
        return dworld.tg.reactions(dworld.group_id, post["message_id"]) == ["👍"]

    await wait_until(receipt)
    assert await sent_texts(dworld) == ["Здравствуйте! Отправим сегодня."]

    async def buttons_gone() -> bool:
        [current] = [p for p in dworld.posts(thread) if p["message_id"] == post["message_id"]]
        return not buttons(current) and has(current["text"], says("draft.state.sent", who="Анна"))

    await wait_until(buttons_gone)
    row = await dworld.db.pool.fetchrow("SELECT outcome, decided_by_agent_id FROM ai_suggestions")
    assert row["outcome"] == "sent" and row["decided_by_agent_id"] is not None
    reply = await dworld.db.pool.fetchrow("SELECT origin, suggestion_id, status FROM reply_outbox")
    assert (reply["origin"], reply["status"]) == ("draft", "sent")
    turn = await dworld.db.pool.fetchrow("SELECT answered_via FROM buyer_turns")
    assert turn["answered_via"] == "bot"
    await dworld.poll()  # Ozon's history shows our reply: no "cabinet reply" echo
    assert (
        await dworld.db.pool.fetchval("SELECT source FROM messages WHERE direction = 'out'")
        == "bot"
    )
