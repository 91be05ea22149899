"""An automatic answer waiting its human delay when an admin turns auto-reply off: the
draft must reach the agents as an ordinary draft, not vanish (the turn still waits)."""

from __future__ import annotations

from datetime import timedelta

from bot.drafts.service import DraftService
from bot.outbox.kinds import Kind
from storage.database import Database
from tests.drafts.test_service import DEBOUNCE, Clock, T, buyer_says, worker
from tests.storage.factories import make_seller_with_chat


async def test_a_pending_auto_reply_is_shown_as_a_draft_when_auto_reply_is_turned_off(
    db: Database,
) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    await db.sellers.update_ai(
        seller_id=seller.id,
        instructions="",
        tone="",
        auto_reply_enabled=True,
        auto_reply_intents=["thanks"],
    )
    clock = Clock()
    service = DraftService(db=db, llm=None, clock=clock, auto_reply_delay_seconds=30)
    turn = await buyer_says(db, chat, "1", "Спасибо, всё отлично!")
    clock.now = T + DEBOUNCE * 2
    suggestion = await service.draft_for_turn(turn)
    assert suggestion is not None and suggestion.auto_send_at is not None

    await db.sellers.update_ai(  # the admin changes their mind before it goes out
        seller_id=seller.id,
        instructions="",
        tone="",
        auto_reply_enabled=False,
        auto_reply_intents=["thanks"],
    )
    clock.now = suggestion.auto_send_at + timedelta(seconds=1)
    the_worker = worker(db, service, clock)
    await the_worker.run_once()
    await the_worker.run_once()
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0  # not sent
    row = await db.pool.fetchrow("SELECT outcome, auto_send_at FROM ai_suggestions")
    assert row["outcome"] == "pending" and row["auto_send_at"] is None
    posts = await db.pool.fetch("SELECT payload FROM tg_outbox WHERE kind = $1", Kind.DRAFT_POST)
    assert [p["payload"]["suggestion_id"] for p in posts] == [suggestion.id]
