"""Agent → Wildberries: kill -9 while a reply is at WB, and lost answers.

WB returns no message id, so the only way to know whether a send whose answer never came
went through is its echo in the events stream (``sender: seller``, ``source:
seller-public-api``). Even a kill with the call in flight must end with exactly one copy at
WB and none of our replies shown back in the topic as a portal reply.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator
from sandbox.wildberries import WildberriesEmulator

from .harness import (
    FULL_RIGHTS,
    TOKEN,
    BotProcess,
    FaultWorld,
    bot_env,
    extra_copies,
    first_seen,
    free_port,
    png,
)

WB_SELLER = "wb-faults-seller"
SEND = "/api/v1/seller/message"
EVENTS = "/api/v1/seller/events"
PORTAL = "💼"  # the mark of a post "💼 Ответ с портала продавца WB"


class WbFaultWorld:
    """The fault harness's world with a WB shop instead of the Ozon one."""

    def __init__(self, world: FaultWorld, wb: WildberriesEmulator) -> None:
        self.fw = world
        self.wb = wb

    async def bootstrap(self) -> None:
        fw = self.fw
        fw.tg.user_sends(fw.owner.id, fw.group_id, "/setup")
        await fw.wait(lambda: bool(fw.tg.bot_messages(fw.group_id)), "the /setup answer")
        token = self.wb.state.issue_token(WB_SELLER).token
        fw.tg.user_sends(fw.owner.id, fw.owner.id, f"/add_seller wb {token} Обувь WB")
        await fw.wait(lambda: self.wb.calls[(WB_SELLER, EVENTS)] > 0, "the first WB poll")

    async def polls_pass(self, count: int = 2, seconds: float = 90) -> None:
        """Until ``count`` more polls ran (an idle WB poll is one events call)."""
        target = self.wb.calls[(WB_SELLER, EVENTS)] + count + 1
        await self.fw.wait(
            lambda: self.wb.calls[(WB_SELLER, EVENTS)] >= target, f"{count} polls", seconds
        )

    def sent(self, chat_id: str) -> list[Any]:
        return self.wb.state.sent_by(WB_SELLER, chat_id)


@contextlib.asynccontextmanager
async def open_wb_fault_world(data_dir: Path) -> AsyncIterator[WbFaultWorld]:
    async with (
        OzonEmulator(port=0, rate_limit_rps=0) as ozon,
        WildberriesEmulator(rate_limit=False) as wb,
        TelegramEmulator(port=0, group_limit=(10_000, 60.0), global_limit=(10_000, 1.0)) as tg,
    ):
        wb.state.add_seller(WB_SELLER, name="Обувь WB")
        tg.create_bot(token=TOKEN, username="agentiq_faults_bot")
        owner = tg.create_user(first_name="Олег", username="owner")
        agent = tg.create_user(first_name="Анна", username="anna")
        group = tg.create_group(
            title="Поддержка", is_forum=True, members=[owner.id, agent.id], admins=[owner.id],
            bot_rights=FULL_RIGHTS, owner=owner.id,
        )  # fmt: skip
        env = bot_env(tg, ozon, data_dir, owner.id, free_port())
        env["WB_API_URL"] = wb.base_url
        process = BotProcess(data_dir, env)
        world = WbFaultWorld(
            FaultWorld(tg, ozon, process, owner, agent, group.id, "wildberries"), wb
        )
        try:
            await world.fw.start()
            await world.bootstrap()
            yield world
        finally:
            await process.stop()


@pytest.fixture
async def ww(tmp_path: Path) -> AsyncIterator[WbFaultWorld]:
    async with open_wb_fault_world(tmp_path / "data") as world:
        yield world


def _reply(ww: WbFaultWorld, kind: str, thread: int, tag: str) -> None:
    if kind == "text":
        ww.fw.agent_replies(thread, f"Ответ {tag}")
    elif kind == "photo":
        ww.fw.agent_replies(thread, photo=png(tag), caption=None)
    else:
        ww.fw.agent_replies(thread, document=(f"{tag}.pdf", b"%PDF-1.4 " + tag.encode() * 50))


def _arrived(ww: WbFaultWorld, kind: str, chat_id: str, tag: str) -> int:
    if kind == "text":
        return [s.text for s in ww.sent(chat_id)].count(f"Ответ {tag}")
    want = png(tag) if kind == "photo" else b"%PDF-1.4 " + tag.encode() * 50
    return sum(1 for s in ww.sent(chat_id) for f in s.files if f.content == want)


async def _chat_with_topic(ww: WbFaultWorld, text: str) -> tuple[str, int]:
    event = ww.wb.state.buyer_writes(WB_SELLER, text=text, client_name="Алёна")
    return event.chat_id, await ww.fw.topic_for(text, 90)


def _portal_posts(ww: WbFaultWorld, thread: int) -> list[str]:
    return [ww.fw.body(m) for m in ww.fw.posts(thread) if PORTAL in ww.fw.body(m)]


@pytest.mark.parametrize("kind", ["text", "photo", "document"])
async def test_kill_while_a_wb_reply_is_in_flight(ww: WbFaultWorld, kind: str) -> None:
    chat_id, thread = await _chat_with_topic(ww, f"WB в полёте {kind}: вопрос")
    held = ww.wb.state.faults.add("hold", count=1, path=SEND)
    _reply(ww, kind, thread, f"wb-в-полёте-{kind}")
    await held.wait_held(90)  # WB has stored and echoed it; the answer is withheld
    await ww.fw.kill9()
    await ww.fw.restart()
    await ww.polls_pass(2)
    await ww.fw.settle(lambda: _arrived(ww, kind, chat_id, f"wb-в-полёте-{kind}") > 1, 10)
    assert _arrived(ww, kind, chat_id, f"wb-в-полёте-{kind}") == 1
    assert _portal_posts(ww, thread) == [], "our reply came back as a portal reply"


async def test_accept_then_drop_on_a_wb_reply(ww: WbFaultWorld) -> None:
    chat_id, thread = await _chat_with_topic(ww, "WB потеря ответа: вопрос")
    ww.wb.state.faults.add("accept_then_drop", count=1, path=SEND)
    _reply(ww, "text", thread, "wb-сброс")
    await ww.fw.settle(lambda: _arrived(ww, "text", chat_id, "wb-сброс") >= 1, 60)
    await ww.polls_pass(2)
    assert _arrived(ww, "text", chat_id, "wb-сброс") == 1
    assert _portal_posts(ww, thread) == []


async def test_wb_buyer_burst_across_chats_with_a_kill_in_the_middle(ww: WbFaultWorld) -> None:
    """Buyer → Telegram for Wildberries: the events cursor is committed with what it
    produced, so a kill -9 while a burst is being posted loses nothing and doubles at most
    the one Telegram post in flight; each chat keeps one topic and its order."""
    fw = ww.fw
    chats, per_chat = 3, 4
    texts = {c: [f"WB поток {c}.{n}" for n in range(1, per_chat + 1)] for c in range(chats)}
    ids: dict[int, str] = {}
    for n in range(per_chat):
        for c in range(chats):
            event = ww.wb.state.buyer_writes(
                WB_SELLER, text=texts[c][n], chat_id=ids.get(c), client_name=f"Покупатель {c}"
            )
            ids[c] = event.chat_id
    await fw.wait(lambda: len(fw.posts_with("WB поток ")) >= 3, "the burst to start posting", 90)
    await fw.kill9()
    posted_before = len(fw.posts_with("WB поток "))
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
