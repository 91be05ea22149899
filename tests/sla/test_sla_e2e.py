"""SLA through both emulators: the buyer post's line, notices once on a moving clock,
clocks stopped by replies, claiming and the queue board."""

from __future__ import annotations

from storage.sla_repo import RuleSpec
from tests.sla.conftest import SlaWorld
from tests.support.texts import has, says
from tests.support.world import wait_until

WARNED, ESCALATED, BREACHED = (
    says(f"notice.{kind}") for kind in ("warned", "escalated", "hard_breached")
)


def notices(texts: list[str]) -> list[str]:
    """The SLA notices among a topic's posts."""
    return [t for t in texts if any(has(t, n) for n in (WARNED, ESCALATED, BREACHED))]


async def test_the_buyer_post_shows_priority_deadline_and_a_take_button(sworld: SlaWorld) -> None:
    _, thread = await sworld.buyer_topic("Пришёл брак, подошва отклеилась")
    [post] = sworld.world.posts(thread)
    assert has(post["text"], says("sla.line", priority=says("prio.urgent").template))
    [[button]] = post["reply_markup"]["inline_keyboard"]
    assert button["text"] == says("claim.button").template and button["callback_data"].startswith(
        "sc1:"
    )
    assert sworld.world.tg.units(sworld.world.group_id) == 2  # the line costs nothing extra


async def test_warning_escalation_and_breach_fire_once_each(sworld: SlaWorld) -> None:
    world = sworld.world
    await world.db.pool.execute("DELETE FROM workspace_members")
    chat_id, thread = await sworld.buyer_topic("Пришёл брак")
    anna = await world.db.agents.upsert(tg_user_id=world.agent_id, display_name="Анна")
    await world.db.agents.set_member(
        workspace_id=world.workspace.id, agent_id=anna.id, role="admin"
    )

    await sworld.tick()  # nothing due yet
    assert len(world.posts(thread)) == 1

    sworld.clock.advance(minutes=16)  # half of the 30 min urgent target
    await sworld.tick()
    await sworld.tick()
    warned = [t for t in sworld.texts(thread) if has(t, WARNED)]
    assert len(warned) == 1

    sworld.clock.advance(minutes=15)  # past the target: escalate, calling the admins
    await sworld.tick()
    await sworld.tick()
    [escalated] = [t for t in sworld.texts(thread) if has(t, ESCALATED)]
    assert f"tg://user?id={world.agent_id}" in escalated

    sworld.clock.advance(minutes=30)  # past the 1 h hard limit
    await sworld.tick()
    await sworld.tick()
    breached = [t for t in sworld.texts(thread) if has(t, BREACHED)]
    assert len(breached) == 1
    assert len(world.posts(thread)) == 4  # buyer post + three notices, nothing twice

    turn = await world.db.pool.fetchrow("SELECT * FROM buyer_turns")
    assert turn["warned_at"] and turn["escalated_at"] and turn["hard_breached_at"]
    chat = await world.chat(chat_id)
    assert chat.priority == "urgent"


async def test_escalation_mentions_the_owner(sworld: SlaWorld) -> None:
    world = sworld.world
    _, thread = await sworld.buyer_topic("Где заказ? не пришёл")
    [post] = world.posts(thread)
    data = post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    world.tg.press_button(world.agent_id, world.group_id, post["message_id"], data)

    async def owned() -> bool:
        return any(has(t, says("claim.taken", agent="Анна")) for t in sworld.texts(thread))

    await wait_until(owned)
    sworld.clock.advance(minutes=61)  # high: 1 h target
    await sworld.tick()
    [escalated] = [t for t in sworld.texts(thread) if has(t, ESCALATED)]
    assert f'tg://user?id={world.agent_id}">Анна</a>' in escalated
    assert has(escalated, says("notice.escalated", priority=says("prio.high").template))


async def test_many_notices_at_once_become_one_post(sworld: SlaWorld) -> None:
    world = sworld.world
    threads = []
    for n in range(4):
        _, thread = await sworld.buyer_topic(f"Брак №{n}", order_number=f"1000-{n}")
        threads.append(thread)
    general_before = len(sworld.general())
    sworld.clock.advance(minutes=31)
    await sworld.tick()
    head = says("notice.batch_head")
    batch = [m["text"] for m in sworld.general()[general_before:] if has(m["text"], head)]
    assert len(batch) == 1 and has(batch[0], says("notice.batch_head", count=4))
    assert all(len(world.posts(t)) == 1 for t in threads)  # no per-topic notice
    await sworld.tick()
    assert len([m for m in sworld.general() if has(m["text"], head)]) == 1


async def test_a_bot_reply_stops_the_clock(sworld: SlaWorld) -> None:
    world = sworld.world
    chat_id, thread = await sworld.buyer_topic("Пришёл брак")
    sent = world.tg.user_sends(
        world.agent_id, world.group_id, "Простите! Заменим.", thread_id=thread
    )

    async def receipted() -> bool:
        return bool(world.tg.reactions(world.group_id, sent["message_id"]))

    await wait_until(receipted)
    chat = await world.chat(chat_id)
    assert chat.waiting_since is None and chat.sla_deadline is None
    sworld.clock.advance(hours=3)
    await sworld.tick()
    assert notices(sworld.texts(thread)) == []
    row = await world.db.pool.fetchrow("SELECT answered_via, escalated_at FROM buyer_turns")
    assert row["answered_via"] == "bot" and row["escalated_at"] is None


async def test_a_cabinet_reply_stops_the_clock(sworld: SlaWorld) -> None:
    world = sworld.world
    chat_id, thread = await sworld.buyer_topic("Пришёл брак")
    world.ozon.state.seller_writes_in_cabinet("777001", chat_id, "Уже разбираемся")
    await world.poll()
    chat = await world.chat(chat_id)
    assert chat.waiting_since is None and chat.sla_deadline is None
    sworld.clock.advance(hours=3)
    await sworld.tick()
    assert notices(sworld.texts(thread)) == []
    assert await world.db.pool.fetchval("SELECT answered_via FROM buyer_turns") == "cabinet"


async def test_near_the_ozon_window_a_low_chat_becomes_urgent(sworld: SlaWorld) -> None:
    world = sworld.world
    await world.db.sla.replace_rules(
        seller_id=world.seller.id,
        rules=[RuleSpec(kind="keyword", priority="low", pattern="спасибо")],
    )
    chat_id, _ = await sworld.buyer_topic("Спасибо, всё отлично")
    assert (await world.chat(chat_id)).priority == "low"
    sworld.clock.advance(hours=43)  # 5 h before the 48 h window closes (margin 6 h)
    await sworld.tick()
    chat = await world.chat(chat_id)
    assert chat.priority == "urgent"
    assert chat.sla_deadline is not None and chat.reply_window_ends_at is not None
    assert chat.sla_deadline <= chat.reply_window_ends_at
