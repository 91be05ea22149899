"""Agent → Ozon: a chat's replies go out in queue order, one at a time, and every kind is
sent exactly once across lost responses and restarts (verified in history first)."""

from __future__ import annotations

import pytest

from tests.e2e.test_agent_to_ozon import open_topic
from tests.replies.helpers import (
    agent_writes,
    hurry,
    ozon_got,
    queue_as_the_bot_would,
    receipt,
    sends_of,
    status_of,
)
from tests.support.texts import said, says
from tests.support.world import CLIENT_ID, World, wait_until

SIX = (
    "Здравствуйте!",
    "Проверил ваш заказ.",
    "Ваш заказ задержан на складе.",
    "Он будет у вас послезавтра.",
    "Приносим извинения.",
    "Хорошего дня!",
)


@pytest.mark.parametrize("first_fault", ["500", "slow"])
async def test_six_replies_reach_the_buyer_in_order_when_the_first_one_stalls(
    world: World, first_fault: str
) -> None:
    chat_id, thread = await open_topic(world)
    other_chat, other_thread = await open_topic(world, "Другой покупатель")
    await world.stop()
    # Queued in Telegram order (as the update processor does), and across a restart.
    messages = [agent_writes(world, thread, "text", text) for text in SIX]
    for message in messages:
        await queue_as_the_bot_would(world, chat_id, message)
    other = agent_writes(world, other_thread, "text", "Ответ другому покупателю")
    await queue_as_the_bot_would(world, other_chat, other)
    if first_fault == "500":  # every try of the first reply fails: it backs off
        world.ozon.state.add_fault("500", count=4, path="/v1/chat/send/message")
    else:
        world.ozon.state.add_fault("slow", seconds=1.5, count=1, path="/v1/chat/send/message")

    await world.start()
    await receipt(world, other["message_id"])  # another chat is not held back meanwhile
    for message in messages:
        await receipt(world, message["message_id"], seconds=25.0)

    texts = [s.text for s in world.sent_to_ozon() if s.chat_id == chat_id]
    assert texts == list(SIX)


@pytest.mark.parametrize("kind", ["text", "document", "image"])
async def test_accepted_then_dropped_and_unverifiable_at_once_is_sent_exactly_once(
    world: World, kind: str
) -> None:
    """Ozon stores the reply, the response is lost and history is down too: the worker
    cannot tell, backs off, and at the next try finds the reply in history."""
    _, thread = await open_topic(world)
    path = "/v1/chat/send/message" if kind == "text" else "/v1/chat/send/file"
    world.ozon.state.add_fault("accept_then_drop", count=1, path=path)
    world.ozon.state.add_fault("500", count=2, path="/v3/chat/history")

    message = agent_writes(world, thread, kind, "Отправили!")

    async def backing_off() -> bool:
        row = await world.db.pool.fetchrow("SELECT status, error_code FROM reply_outbox")
        return row is not None and tuple(row) == ("sending", "outcome_unknown")

    await wait_until(backing_off)
    await hurry(world)
    await receipt(world, message["message_id"])
    [item] = await world.db.pool.fetch("SELECT id FROM reply_outbox")
    reply = await world.db.replies.get(item_id=item["id"])
    assert sends_of(world, reply) == 1
    assert reply.status == "sent" and reply.marketplace_message_id is not None
    assert world.tg.reactions(world.group_id, message["message_id"]) == ["👍"]


@pytest.mark.parametrize("kind", ["text", "document", "image"])
@pytest.mark.parametrize("reached_ozon", [True, False])
async def test_a_reply_left_sending_at_a_crash_is_verified_before_any_resend(
    world: World, kind: str, reached_ozon: bool
) -> None:
    chat_id, thread = await open_topic(world)
    await world.stop()
    message = agent_writes(world, thread, kind, "Ответ до сбоя")
    item = await queue_as_the_bot_would(world, chat_id, message)
    await world.db.replies.mark_sending(item_id=item.id)  # the crash: in flight
    if reached_ozon:
        ozon_got(world, item, chat_id)

    await world.start()
    await receipt(world, message["message_id"])
    assert sends_of(world, item) == 1  # found in history, or sent now: once either way
    assert await world.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 1
    assert await status_of(world, item.id) == "sent"


@pytest.mark.parametrize("kind", ["document", "image"])
async def test_own_files_are_not_echoed_as_cabinet_replies(world: World, kind: str) -> None:
    chat_id, thread = await open_topic(world)
    message = agent_writes(world, thread, kind)
    await receipt(world, message["message_id"])
    posts_before = len(world.posts(thread))

    world.buyer_writes(chat_id=chat_id, text="Спасибо, получил")
    await world.poll()
    await world.wait_for_posts(thread, posts_before + 1)
    await wait_until(world.outbox_settled)

    rows = await world.db.pool.fetch(
        "SELECT source FROM messages WHERE direction = 'out' ORDER BY id"
    )
    assert [r["source"] for r in rows] == ["bot"]
    shown = [p.get("text") or p.get("caption") for p in world.posts(thread)]
    assert not said(shown, says("author.cabinet"))
    assert len(world.posts(thread)) == posts_before + 1  # only the buyer's new message
    matched = await world.db.pool.fetchval("SELECT marketplace_message_id FROM reply_outbox")
    assert matched is not None
    assert len(world.ozon.state.sent_by_seller(CLIENT_ID)) == 1
