"""SLA notices and clocks one step at a time (tests.support.drafting.sync_once: one real
sync pass against the Ozon emulator, then the outbox; the real SLA ticker of
bot.app.assemble on a clock the test moves, then the outbox once through the recorded
session). Nothing polls and no scheduler runs: each tick is the test's.

They replace the full-process tests of test_sla_e2e.py (warning, escalation and breach
once each; the owner mentioned; many notices as one post; a cabinet reply stopping the
clock; the Ozon window) and of interplay/test_sla_notice_topic.py (an escalation for a
deleted topic). The buyer post's SLA line and a bot reply stopping the clock stay there,
as one flow through the running bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import CreateForumTopic, SendMessage, TelegramMethod

from storage.records import Chat, Seller, Workspace
from storage.sla_repo import RuleSpec
from tests.sla.conftest import Clock
from tests.support.drafting import sync_once
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, buttons
from tests.support.texts import has, said, says
from tests.support.world import CLIENT_ID

WARNED, ESCALATED, BREACHED = (
    says(f"notice.{kind}") for kind in ("warned", "escalated", "hard_breached")
)


def notices(texts: list[str]) -> list[str]:
    """The SLA notices among a topic's posts."""
    return [t for t in texts if any(has(t, n) for n in (WARNED, ESCALATED, BREACHED))]


@dataclass
class Sla:
    """The bound group with its Ozon shop, and the SLA clock under the test's control."""

    hw: HandlerWorld
    workspace: Workspace
    seller: Seller
    clock: Clock

    async def buyer_topic(self, text: str, **kwargs: Any) -> tuple[str, int]:
        """The buyer writes on Ozon; one sync pass posts it in a new topic."""
        chat_id, _ = self.hw.ozon.state.buyer_writes(CLIENT_ID, text=text, **kwargs)
        await sync_once(self.hw, self.seller.id)
        thread = (await self.chat(chat_id)).topic_thread_id
        assert thread is not None and len(self.posts(thread)) == 1
        return chat_id, thread

    async def chat(self, external_id: str) -> Chat:
        return await self.hw.db.chats.get_by_external(
            seller_id=self.seller.id, external_id=external_id
        )

    async def tick(self) -> list[TelegramMethod[Any]]:
        """One SLA tick, then the outbox until nothing is due."""
        await self.hw.app.sla.ticker.tick()
        return await self.hw.deliver()

    def posts(self, thread: int | None = None) -> list[SendMessage]:
        return self.hw.posts(thread)

    def texts(self, thread: int | None = None) -> list[str]:
        return [p.text for p in self.posts(thread)]


async def open_sla(hw: HandlerWorld) -> Sla:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    clock = Clock()
    hw.app.sla.clock = clock
    return Sla(hw, workspace, seller, clock)


async def test_warning_escalation_and_breach_fire_once_each(hw: HandlerWorld) -> None:
    sla = await open_sla(hw)
    await hw.db.pool.execute("DELETE FROM workspace_members")
    chat_id, thread = await sla.buyer_topic("Пришёл брак")
    vera = await hw.db.agents.upsert(tg_user_id=VERA.id, display_name="Вера")
    await hw.db.agents.set_member(workspace_id=sla.workspace.id, agent_id=vera.id, role="admin")

    await sla.tick()  # nothing due yet
    assert len(sla.posts(thread)) == 1

    sla.clock.advance(minutes=16)  # half of the 30 min urgent target
    await sla.tick()
    await sla.tick()
    assert len([t for t in sla.texts(thread) if has(t, WARNED)]) == 1

    sla.clock.advance(minutes=15)  # past the target: escalate, calling the admins
    await sla.tick()
    await sla.tick()
    [escalated] = [t for t in sla.texts(thread) if has(t, ESCALATED)]
    assert f"tg://user?id={VERA.id}" in escalated

    sla.clock.advance(minutes=30)  # past the 1 h hard limit
    await sla.tick()
    await sla.tick()
    assert len([t for t in sla.texts(thread) if has(t, BREACHED)]) == 1
    assert len(sla.posts(thread)) == 4  # buyer post + three notices, nothing twice

    turn = await hw.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["warned_at"] and turn["escalated_at"] and turn["hard_breached_at"]
    assert (await sla.chat(chat_id)).priority == "urgent"


async def test_escalation_mentions_the_owner(hw: HandlerWorld) -> None:
    sla = await open_sla(hw)
    _, thread = await sla.buyer_topic("Где заказ? не пришёл")
    [post] = sla.posts(thread)
    [take] = buttons(post).values()
    await hw.press(VERA, take, chat_id=GROUP_ID)
    await hw.deliver()
    assert said(sla.texts(thread), says("claim.taken", agent="Вера"))

    sla.clock.advance(minutes=61)  # high: 1 h target
    await sla.tick()
    [escalated] = [t for t in sla.texts(thread) if has(t, ESCALATED)]
    assert f'tg://user?id={VERA.id}">Вера</a>' in escalated
    assert has(escalated, says("notice.escalated", priority=says("prio.high").template))


async def test_many_notices_at_once_become_one_post(hw: HandlerWorld) -> None:
    sla = await open_sla(hw)
    threads = []
    for n in range(4):
        _, thread = await sla.buyer_topic(f"Брак №{n}", order_number=f"1000-{n}")
        threads.append(thread)
    general_before = len(sla.posts())
    sla.clock.advance(minutes=31)
    await sla.tick()
    head = says("notice.batch_head")
    batch = [t for t in sla.texts()[general_before:] if has(t, head)]
    assert len(batch) == 1 and has(batch[0], says("notice.batch_head", count=4))
    assert all(len(sla.posts(t)) == 1 for t in threads)  # no per-topic notice
    await sla.tick()
    assert len([t for t in sla.texts() if has(t, head)]) == 1


async def test_a_cabinet_reply_stops_the_clock(hw: HandlerWorld) -> None:
    sla = await open_sla(hw)
    chat_id, thread = await sla.buyer_topic("Пришёл брак")
    hw.ozon.state.seller_writes_in_cabinet(CLIENT_ID, chat_id, "Уже разбираемся")
    await sync_once(hw, sla.seller.id)
    chat = await sla.chat(chat_id)
    assert chat.waiting_since is None and chat.sla_deadline is None
    sla.clock.advance(hours=3)
    await sla.tick()
    assert notices(sla.texts(thread)) == []
    assert await hw.db.pool.fetchval("SELECT answered_via FROM buyer_turns") == "cabinet"


async def test_near_the_ozon_window_a_low_chat_becomes_urgent(hw: HandlerWorld) -> None:
    sla = await open_sla(hw)
    await hw.db.sla.replace_rules(
        seller_id=sla.seller.id,
        rules=[RuleSpec(kind="keyword", priority="low", pattern="спасибо")],
    )
    chat_id, _ = await sla.buyer_topic("Спасибо, всё отлично")
    assert (await sla.chat(chat_id)).priority == "low"
    sla.clock.advance(hours=43)  # 5 h before the 48 h window closes (margin 6 h)
    await sla.tick()
    chat = await sla.chat(chat_id)
    assert chat.priority == "urgent"
    assert chat.sla_deadline is not None and chat.reply_window_ends_at is not None
    assert chat.sla_deadline <= chat.reply_window_ends_at


async def test_an_escalation_for_a_deleted_topic_goes_to_the_recreated_topic(
    hw: HandlerWorld,
) -> None:
    """Someone deleted the topic: Telegram refuses the notice there. It must still say
    which chat it is about (in the chat's recreated topic), not land in General."""
    sla = await open_sla(hw)
    chat_id, thread = await sla.buyer_topic("Пришёл брак", order_number="4242-0001")
    gone = TelegramBadRequest(method=SendMessage(chat_id=GROUP_ID, text="…"),
                              message="Bad Request: message thread not found")  # fmt: skip
    hw.session.add_result_for(SendMessage, gone)
    sla.clock.advance(minutes=31)
    requests = await sla.tick()
    [refused] = [r for r in requests if isinstance(r, SendMessage) and has(r.text, ESCALATED)][:1]
    assert refused.message_thread_id == thread  # the one Telegram refused
    assert not said(sla.texts(), ESCALATED)
    chat = await sla.chat(chat_id)
    assert chat.topic_thread_id is not None and chat.topic_thread_id != thread
    assert [r for r in requests if isinstance(r, CreateForumTopic)]
    assert said(sla.texts(chat.topic_thread_id), ESCALATED)
