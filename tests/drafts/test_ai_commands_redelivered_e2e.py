"""/ai commands in a group are answered once even when Telegram delivers the update again
(the bot stopped after handling it but before confirming the offset)."""

from __future__ import annotations

from sandbox.llm import LlmEmulator
from tests.drafts.conftest import PANEL
from tests.support.texts import has, says
from tests.support.world import World, wait_until


async def _handled_twice(world: World, action: str) -> bool:
    count = await world.db.pool.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = $1", action
    )
    return int(count) >= 2


async def test_a_redelivered_ai_tone_is_answered_once(dworld: World, llm: LlmEmulator) -> None:
    command = f"/ai_tone {dworld.seller.id} мягко"
    sent = dworld.tg.user_sends(dworld.agent_id, dworld.group_id, command)

    async def saved() -> bool:
        return any(has(m.get("text"), says("ai.saved")) for m in dworld.posts())

    await wait_until(saved)
    dworld.tg.state.updates.push("message", sent)  # the same update, delivered again
    await wait_until(lambda: _handled_twice(dworld, "ai.tone"))
    await wait_until(dworld.outbox_settled)
    assert sum(has(m.get("text"), says("ai.saved")) for m in dworld.posts()) == 1


async def test_a_redelivered_ai_panel_request_posts_one_panel(
    dworld: World, llm: LlmEmulator
) -> None:
    sent = dworld.tg.user_sends(dworld.agent_id, dworld.group_id, "/ai")

    async def shown() -> bool:
        return any(has(m.get("text"), PANEL) for m in dworld.posts())

    await wait_until(shown)
    dworld.tg.state.updates.push("message", sent)
    marker = dworld.tg.user_sends(dworld.agent_id, dworld.group_id, "/help")

    async def helped() -> bool:
        return any(
            (m.get("reply_to_message") or {}).get("message_id") == marker["message_id"]
            for m in dworld.posts()
        )

    await wait_until(helped)
    await wait_until(dworld.outbox_settled)
    assert sum(has(m.get("text"), PANEL) for m in dworld.posts()) == 1
