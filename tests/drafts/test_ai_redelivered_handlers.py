"""/ai commands in a group answered once when Telegram delivers the same update again (the
bot stopped after handling it but before confirming the offset), one update at a time
(tests.support.handlers): the handler runs twice, the outbox's dedup key holds.

Replaces test_ai_commands_redelivered_e2e.py. Its panel case is already the handler case
test_ai_group_handlers.py::test_ai_in_the_group_queues_one_panel_per_shop_once (the same
/ai message fed twice, one panel queued and posted)."""

from __future__ import annotations

from aiogram.methods import SendMessage

from tests.support.handlers import BORIS, GROUP_ID, HandlerWorld
from tests.support.texts import has, says


async def test_a_redelivered_ai_tone_is_answered_once(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    sent = hw.message(BORIS, "/ai_tone мягко", GROUP_ID)
    await hw.feed("message", sent)
    [saved] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(saved.text, says("ai.saved"))
    await hw.feed("message", sent)  # the same update, delivered again
    assert (
        await hw.db.pool.fetchval("SELECT count(*) FROM audit_log WHERE action = 'ai.tone'") == 2
    )  # handled twice
    again = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert not [r for r in again if has(r.text, says("ai.saved"))]
    assert (await hw.db.sellers.get(seller_id=seller.id)).ai_tone == "мягко"
