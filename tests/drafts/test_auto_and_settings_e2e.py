"""A restart, end to end: a burst pending when the process stops gets its draft once, and
nothing more after another restart. The template fallback, auto-reply's refusals, /ai in
private and the draft post's retry are handler cases in test_auto_and_settings_handlers.py;
auto-reply answering a safe intent is one in test_edit_and_auto_handlers.py."""

from __future__ import annotations

from sandbox.llm import LlmEmulator
from tests.drafts.conftest import (
    draft_posts,
    wait_for_draft,
)
from tests.support.world import World, wait_until


async def test_a_burst_pending_at_a_restart_gets_its_draft_once(
    dworld: World, llm: LlmEmulator
) -> None:
    chat_id, _ = dworld.buyer_writes(text="Здравствуйте, есть вопрос")
    await dworld.poll()
    await dworld.stop()  # the process dies before the burst settles
    await dworld.start()
    thread = await dworld.topic_of(chat_id)
    await wait_for_draft(dworld, thread)

    async def drafts_settled() -> bool:
        # Only this feature's rows: a buyer post cut off by the stop above stays leased
        # for a minute (the bridge's own crash recovery), which is not under test here.
        pending = await dworld.db.pool.fetchval(
            "SELECT count(*) FROM tg_outbox WHERE status = 'pending' AND kind LIKE 'draft%'"
        )
        return pending == 0

    await wait_until(drafts_settled)
    await dworld.stop()
    await dworld.start()  # and once more after the draft exists: nothing new
    await dworld.poll()
    assert dworld.app is not None and dworld.app.drafts is not None
    assert await dworld.app.drafts.run_once() == 0
    await wait_until(drafts_settled)
    assert len(draft_posts(dworld, thread)) == 1
    assert await dworld.db.pool.fetchval("SELECT count(*) FROM ai_suggestions") == 1
