"""Agent → Ozon: kill -9 inside the windows of a reply, and lost responses.

Toward Ozon nothing may be lost, doubled or reordered: the product can read Ozon's history
before a resend, so even a kill with the call in flight must end with exactly one copy.
A single reply in flight or its answer lost runs on every marketplace in
``test_relay_spine.py``; the batches here are marketplace-independent.
"""

from __future__ import annotations

from .harness import FaultWorld, first_seen

SEND = "/v1/chat/send/message"
SEND_FILE = "/v1/chat/send/file"
CABINET = "💼"  # the mark of a post "💼 Ответ из кабинета Ozon"


async def _chat_with_topic(fw: FaultWorld, text: str) -> tuple[str, int]:
    chat_id, _ = fw.buyer_writes(text=text)
    return chat_id, await fw.topic_for(text)


async def test_kill_after_a_batch_was_delivered_before_it_was_acted_on(fw: FaultWorld) -> None:
    chat_id, thread = await _chat_with_topic(fw, "Партия: где заказ?")
    replies = [f"Партия, ответ {n}" for n in range(1, 4)]
    gate = fw.tg.hold_next_poll(confirm=True)
    for reply in replies:
        fw.agent_replies(thread, reply)
    await gate.wait_holding(30)  # Telegram has the confirmation; kill before anything else
    await fw.kill9()
    await fw.restart()
    await fw.settle(lambda: len(fw.ozon_texts(chat_id)) >= len(replies), 60)
    await fw.polls_pass(1)
    assert fw.ozon_texts(chat_id) == replies


async def test_six_replies_back_to_back_arrive_once_in_order(fw: FaultWorld) -> None:
    chat_id, thread = await _chat_with_topic(fw, "Шесть: вопрос")
    replies = [f"Шесть, ответ {n}" for n in range(1, 7)]
    for reply in replies:  # one getUpdates batch
        fw.agent_replies(thread, reply)
    await fw.settle(lambda: len(fw.ozon_texts(chat_id)) >= len(replies), 60)
    assert fw.ozon_texts(chat_id) == replies


async def test_six_replies_with_a_kill_while_the_third_is_at_ozon(fw: FaultWorld) -> None:
    chat_id, thread = await _chat_with_topic(fw, "Шесть с падением: вопрос")
    replies = [f"Шесть-падение, ответ {n}" for n in range(1, 7)]
    held = fw.ozon.state.add_fault("hold", count=1, path=SEND, skip=2)
    for reply in replies:
        fw.agent_replies(thread, reply)
    await held.wait_held(60)
    await fw.kill9()
    await fw.restart()
    await fw.settle(lambda: len(fw.ozon_texts(chat_id)) >= len(replies), 90)
    await fw.polls_pass(1)
    got = fw.ozon_texts(chat_id)
    assert first_seen(got) == replies, f"order at Ozon: {got}"
    assert got == replies, f"copies at Ozon: {got}"
