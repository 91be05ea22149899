"""Agent → Ozon: kill -9 inside the windows of a reply, and lost responses.

Toward Ozon nothing may be lost, doubled or reordered: the product can read Ozon's history
before a resend, so even a kill with the call in flight must end with exactly one copy.
"""

from __future__ import annotations

import pytest

from .harness import FaultWorld, first_seen, png

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


def _reply(fw: FaultWorld, kind: str, thread: int, tag: str) -> None:
    if kind == "text":
        fw.agent_replies(thread, f"Ответ {tag}")
    elif kind == "photo":
        fw.agent_replies(thread, photo=png(tag), caption=None)
    else:
        fw.agent_replies(thread, document=(f"{tag}.pdf", b"%PDF-1.4 " + tag.encode() * 50))


def _arrived(fw: FaultWorld, kind: str, chat_id: str, tag: str) -> int:
    if kind == "text":
        return fw.ozon_texts(chat_id).count(f"Ответ {tag}")
    want = png(tag) if kind == "photo" else b"%PDF-1.4 " + tag.encode() * 50
    return sum(1 for r in fw.ozon_files(chat_id) if r.file_bytes == want)


def _echoes(fw: FaultWorld, thread: int, after_id: int) -> list[str]:
    """Bot posts in the topic after the agent's reply that bring the reply back."""
    return [
        fw.body(m) or ("photo" if "photo" in m else "document")
        for m in fw.posts(thread)
        if m["message_id"] > after_id
        and ("photo" in m or "document" in m or CABINET in fw.body(m))
    ]


@pytest.mark.parametrize("kind", ["text", "photo", "document"])
async def test_kill_while_a_reply_is_in_flight(fw: FaultWorld, kind: str) -> None:
    chat_id, thread = await _chat_with_topic(fw, f"В полёте {kind}: вопрос")
    held = fw.ozon.state.add_fault("hold", count=1, path=SEND if kind == "text" else SEND_FILE)
    _reply(fw, kind, thread, f"в-полёте-{kind}")
    await held.wait_held(60)  # Ozon has stored it; the answer is withheld
    await fw.kill9()
    await fw.restart()
    await fw.polls_pass(2, 90)
    await fw.settle(lambda: _arrived(fw, kind, chat_id, f"в-полёте-{kind}") > 1, 10)
    assert _arrived(fw, kind, chat_id, f"в-полёте-{kind}") == 1


@pytest.mark.parametrize("kind", ["text", "photo", "document"])
async def test_accept_then_drop_on_a_reply(fw: FaultWorld, kind: str) -> None:
    chat_id, thread = await _chat_with_topic(fw, f"Потеря ответа {kind}: вопрос")
    fw.ozon.state.add_fault(
        "accept_then_drop", count=1, path=SEND if kind == "text" else SEND_FILE
    )
    before = max((m["message_id"] for m in fw.tg.messages(fw.group_id)), default=0)
    _reply(fw, kind, thread, f"сброс-{kind}")
    await fw.settle(lambda: _arrived(fw, kind, chat_id, f"сброс-{kind}") >= 1, 60)
    await fw.polls_pass(2, 90)
    assert _arrived(fw, kind, chat_id, f"сброс-{kind}") == 1
    assert _echoes(fw, thread, before) == [], "the agent's reply came back into the topic"
