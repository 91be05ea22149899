"""Drafts and a group the bot was removed from ('detached'): no model calls, no automatic
answers nobody can see; the waiting turn gets its draft once the group is back."""

from __future__ import annotations

from datetime import timedelta

from bot.drafts.service import DraftService
from storage.database import Database
from tests.drafts.test_service import DEBOUNCE, Clock, T, buyer_says, worker
from tests.storage.factories import make_seller_with_chat


async def test_a_detached_group_gets_its_draft_when_it_is_back(db: Database) -> None:
    workspace, seller, chat = await make_seller_with_chat(db)
    await db.sellers.update_ai(
        seller_id=seller.id,
        instructions="",
        tone="",
        auto_reply_enabled=True,
        auto_reply_intents=["thanks"],
    )
    await db.workspaces.set_state(workspace_id=workspace.id, state="detached")
    clock = Clock()
    service = DraftService(db=db, llm=None, clock=clock, auto_reply_delay_seconds=1)
    await buyer_says(db, chat, "1", "Спасибо, всё пришло!")
    clock.now = T + DEBOUNCE + timedelta(minutes=5)
    assert await worker(db, service, clock).run_once() == 0
    assert await db.pool.fetchval("SELECT count(*) FROM ai_suggestions") == 0
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0

    await db.workspaces.set_state(workspace_id=workspace.id, state="active")
    assert await worker(db, service, clock).run_once() == 1
    assert await db.pool.fetchval("SELECT count(*) FROM ai_suggestions") == 1
