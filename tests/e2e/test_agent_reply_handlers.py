"""Agent → marketplace, one worker pass at a time (tests.support.relaying), on every
marketplace: a reply whose answer is lost is settled from the marketplace's side (Ozon's
history, WB's events stream, YM's history), never by a blind resend. Replaces the
full-process case of tests/e2e/test_agent_to_ozon.py."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.support.markets import MARKETPLACES
from tests.support.relaying import open_relay_world, receipts


@pytest.mark.parametrize("marketplace", MARKETPLACES)
async def test_a_reply_whose_answer_is_lost_is_not_sent_twice(
    db: Database, marketplace: str
) -> None:
    async with open_relay_world(db, marketplace) as rw:
        chat_id, thread = await rw.topic()
        rw.market.fault_on_send("accept_then_drop", file=False)  # taken, the answer lost
        message = await rw.agent_writes(thread, "text", "Отправили!")
        requests = await rw.relay()
        for _ in range(3):  # each later pass reads the marketplace's side first
            if await rw.status_of(await rw.item_of(message)) == "sent":
                break
            await rw.hurry()
            requests += await rw.relay()
        assert receipts(requests) == [message["message_id"]]
        assert rw.market.sent_texts(chat_id) == ["Отправили!"]
