"""SLA through the running bot and both emulators, as one flow: the buyer's post shows the
priority, the deadline and a take button; half the target later the topic is warned once;
the agent's reply typed in the topic reaches Ozon, gets its receipt and stops the clock.

Each notice once, the owner mentioned, notices batched, a cabinet reply, the Ozon window
and a deleted topic are handler cases in test_sla_handlers.py; the queue board and /stats
in test_board_handlers.py."""

from __future__ import annotations

from tests.sla.conftest import SlaWorld
from tests.support.texts import has, says
from tests.support.world import wait_until

WARNED, ESCALATED, BREACHED = (
    says(f"notice.{kind}") for kind in ("warned", "escalated", "hard_breached")
)


def notices(texts: list[str]) -> list[str]:
    """The SLA notices among a topic's posts."""
    return [t for t in texts if any(has(t, n) for n in (WARNED, ESCALATED, BREACHED))]


async def test_the_buyer_post_warns_in_time_and_a_reply_stops_the_clock(
    sworld: SlaWorld,
) -> None:
    world = sworld.world
    chat_id, thread = await sworld.buyer_topic("Пришёл брак, подошва отклеилась")
    [post] = world.posts(thread)
    assert has(post["text"], says("sla.line", priority=says("prio.urgent").template))
    [[button]] = post["reply_markup"]["inline_keyboard"]
    assert button["text"] == says("claim.button").template and button["callback_data"].startswith(
        "sc1:"
    )
    assert world.tg.units(world.group_id) == 2  # the line costs nothing extra

    sworld.clock.advance(minutes=16)  # half of the 30 min urgent target
    await sworld.tick()
    await sworld.tick()
    [warned] = notices(sworld.texts(thread))  # once, however many ticks
    assert has(warned, WARNED)

    sent = world.tg.user_sends(
        world.agent_id, world.group_id, "Простите! Заменим.", thread_id=thread
    )

    async def receipted() -> bool:
        return bool(world.tg.reactions(world.group_id, sent["message_id"]))

    await wait_until(receipted)
    assert [s.text for s in world.sent_to_ozon()] == ["Простите! Заменим."]
    chat = await world.chat(chat_id)
    assert chat.waiting_since is None and chat.sla_deadline is None
    sworld.clock.advance(hours=3)
    await sworld.tick()
    assert notices(sworld.texts(thread)) == [warned]  # nothing after the reply
    row = await world.db.pool.fetchrow("SELECT answered_via, escalated_at FROM buyer_turns")
    assert row["answered_via"] == "bot" and row["escalated_at"] is None
