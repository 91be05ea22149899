"""Agent → Ozon through the running bot: a chat's replies go out in queue order, one at a
time, across a restart, while the first one's tries fail or stall (the worker's backoff and
the Ozon client's timeouts, for real). Every kind sent exactly once across lost responses
and a crash mid-send, and own files not echoed back, are handler cases:
test_once_handlers.py."""

from __future__ import annotations

import pytest

from tests.e2e.test_agent_to_ozon import open_topic
from tests.replies.helpers import agent_writes, queue_as_the_bot_would, receipt
from tests.support.world import World

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
