"""The relay spine under kill -9 and lost answers, on every marketplace.

Only the cases whose path differs per marketplace run for all three: a reply's send and
the check of a send whose answer never came (Ozon reads history by message id, WB looks
for its echo in the events stream, YM reads history back), and the intake of buyer
messages (Ozon's chat list + history, WB's events cursor, YM's status-filtered list +
history), each polled. What happens on the Telegram side (topics, multi-part posts, refused photos,
batches of replies, webhooks) is the same code whatever the marketplace, so those cases
stay Ozon-only in ``test_agent_replies.py`` and ``test_buyer_posts.py``.

Toward a marketplace nothing may be lost, doubled or reordered: each can be read back
before a resend, so even a kill with the call in flight ends with exactly one copy and
none of our replies shown back in the topic as a cabinet reply. Toward Telegram a kill may
double at most the one post in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bridge.replies import RECEIPT_EMOJI
from tests.support.markets import MARKETPLACES

from .harness import FaultWorld, extra_copies, first_seen, open_fault_world, png
from .zygote import Zygote

pytestmark = pytest.mark.parametrize("marketplace", MARKETPLACES)


@pytest.fixture
async def fw(tmp_path: Path, marketplace: str, zygote: Zygote) -> AsyncIterator[FaultWorld]:
    """Every marketplace polled alike (no Ozon push: a pushed shop is polled only as a
    safety net, and these cases count polls to prove nothing more comes)."""
    async with open_fault_world(
        tmp_path / "data", marketplace, ozon_push=False, zygote=zygote
    ) as world:
        yield world


CABINET = "💼"  # the mark of a cabinet / seller-portal reply shown in the topic


def _file(kind: str, tag: str) -> bytes:
    return png(tag) if kind == "photo" else b"%PDF-1.4 " + tag.encode() * 50


def _reply(fw: FaultWorld, kind: str, thread: int, tag: str) -> int:
    """The agent's reply of ``kind``; its message id."""
    if kind == "text":
        sent = fw.agent_replies(thread, f"Ответ {tag}")
    elif kind == "photo":
        sent = fw.agent_replies(thread, photo=_file(kind, tag), caption=None)
    else:
        sent = fw.agent_replies(thread, document=(f"{tag}.pdf", _file(kind, tag)))
    return int(sent["message_id"])


async def _confirmed(fw: FaultWorld, message_id: int) -> None:
    """Until the bot put its receipt on the agent's reply: the reply's send is final then
    (a resend would have come before it), so what the marketplace holds is what it gets."""
    await fw.wait(
        lambda: fw.tg.reactions(fw.group_id, message_id) == [RECEIPT_EMOJI], "the receipt", 90
    )


def _arrived(fw: FaultWorld, kind: str, chat_id: str, tag: str) -> int:
    if kind == "text":
        return fw.spine.sent_texts(chat_id).count(f"Ответ {tag}")
    return fw.spine.sent_files(chat_id).count(_file(kind, tag))


async def _chat_with_topic(fw: FaultWorld, text: str) -> tuple[str, int]:
    chat_id = fw.spine.buyer_writes(text)
    return chat_id, await fw.topic_for(text, 90)


def _echoes(fw: FaultWorld, thread: int, after_id: int) -> list[str]:
    """Bot posts in the topic after the agent's reply that bring the reply back."""
    return [
        fw.body(m) or ("photo" if "photo" in m else "document")
        for m in fw.posts(thread)
        if m["message_id"] > after_id
        and ("photo" in m or "document" in m or CABINET in fw.body(m))
    ]


def _last_id(fw: FaultWorld) -> int:
    return max((m["message_id"] for m in fw.tg.messages(fw.group_id)), default=0)


@pytest.mark.parametrize("kind", ["text", "photo"])
async def test_kill_while_a_reply_is_in_flight(fw: FaultWorld, kind: str) -> None:
    tag = f"в-полёте-{kind}"
    chat_id, thread = await _chat_with_topic(fw, f"В полёте {kind}: вопрос")
    held = fw.spine.fault_on_send("hold", file=kind != "text")
    before = _last_id(fw)
    reply = _reply(fw, kind, thread, tag)
    await held.wait_held(90)
    # Inside the window: the marketplace has the reply, the bot is still waiting for the answer.
    assert held.gate.holding == 1 and _arrived(fw, kind, chat_id, tag) == 1
    await fw.kill9()
    await fw.restart()
    await _confirmed(fw, reply)
    await fw.polls_pass(2, 90)  # what those polls read back must not come back as a post
    assert _arrived(fw, kind, chat_id, tag) == 1
    assert _echoes(fw, thread, before) == [], "the agent's reply came back into the topic"


@pytest.mark.parametrize("kind", ["text", "document"])
async def test_accept_then_drop_on_a_reply(fw: FaultWorld, kind: str) -> None:
    tag = f"сброс-{kind}"
    chat_id, thread = await _chat_with_topic(fw, f"Потеря ответа {kind}: вопрос")
    fw.spine.fault_on_send("accept_then_drop", file=kind != "text")
    before = _last_id(fw)
    reply = _reply(fw, kind, thread, tag)
    await _confirmed(fw, reply)
    await fw.polls_pass(2, 90)
    assert _arrived(fw, kind, chat_id, tag) == 1
    assert _echoes(fw, thread, before) == [], "the agent's reply came back into the topic"


async def test_buyer_burst_across_chats_with_a_kill_in_the_middle(fw: FaultWorld) -> None:
    """The intake cursor is committed with what it produced, so a kill -9 while a burst is
    being posted loses nothing and doubles at most the one Telegram post in flight; each
    chat keeps one topic and its order."""
    chats, per_chat = 3, 4
    texts = {c: [f"Поток {c}.{n}" for n in range(1, per_chat + 1)] for c in range(chats)}
    ids: dict[int, str] = {}
    for n in range(per_chat):
        for c in range(chats):
            ids[c] = fw.spine.buyer_writes(texts[c][n], chat_id=ids.get(c), chat_key=c + 1)
    await fw.wait(lambda: len(fw.posts_with("Поток ")) >= 3, "the burst to start posting", 90)
    await fw.kill9()
    posted_before = len(fw.posts_with("Поток "))
    assert posted_before < chats * per_chat, "the kill came after the burst was posted"
    await fw.restart()
    every = [t for c in range(chats) for t in texts[c]]
    await fw.settle(lambda: all(fw.posts_with(t) for t in every), 120)
    lost = [t for t in every if not fw.posts_with(t)]
    assert lost == [], f"lost: {lost}"
    dup = extra_copies([t for t in every for _ in fw.posts_with(t)])
    assert dup <= fw.bot.kills, f"{dup} duplicates after {fw.bot.kills} kill(s)"
    for c in range(chats):
        threads = {m["message_thread_id"] for t in texts[c] for m in fw.posts_with(t)}
        assert len(threads) == 1, f"chat {c} spread over topics {threads}"
        seen = [t for m in fw.posts(threads.pop()) for t in texts[c] if t in fw.body(m)]
        assert first_seen(seen) == texts[c], f"chat {c} posted as {seen}"
