"""A very long wrong argument to /rules, /targets or /hours gets a short answer, not
silence (the reason used to quote the whole argument past Telegram's 4096 characters)."""

from __future__ import annotations

import pytest

from tests.sla.conftest import SlaWorld
from tests.support.world import wait_until


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/rules add urgent " + "x" * 4070, "Не понял правило"),
        ("/hours 9-18 " + "y" * 4080, "Не понял"),
        ("/targets urgent " + "z" * 4070 + " 1h", "Не понял"),
    ],
)
async def test_a_long_wrong_argument_gets_a_short_answer(
    sworld: SlaWorld, command: str, answer: str
) -> None:
    world = sworld.world
    world.tg.user_sends(world.agent_id, world.agent_id, command)

    async def replied() -> bool:
        try:
            messages = world.tg.bot_messages(world.agent_id)
        except ValueError:
            return False
        return any(answer in m.get("text", "") for m in messages)

    await wait_until(replied)
    [reply] = world.tg.bot_messages(world.agent_id)
    assert len(reply["text"]) < 1000
