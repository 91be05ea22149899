"""A reply whose outcome was unknown at a crash is confirmed after the restart: by then the
buyer may have written again. Confirming the old reply must not stop the new turn's clock.

One step at a time (tests.support.relaying: a sync pass, the real reply worker, the
Telegram queue): the crash is a reply left 'sending' that Ozon had accepted, the restart
is the agent's update coming again and the reply worker's next pass."""

from __future__ import annotations

from storage.database import Database
from tests.support.handlers import GROUP_ID
from tests.support.relaying import open_relay_world, receipts
from tests.support.world import CLIENT_ID


async def test_a_reply_confirmed_after_a_restart_does_not_answer_the_next_turn(
    db: Database,
) -> None:
    async with open_relay_world(db) as rw:
        chat_id, thread = await rw.topic()
        # The crash: Ozon accepted the reply, the process died before recording it.
        agent_message = rw.agent_message(thread, "text", "Отправим завтра")
        chat = await rw.chat(chat_id)
        item, _ = await db.replies.enqueue(
            chat_id=chat.id,
            idempotency_key=f"tg:{GROUP_ID}:{agent_message['message_id']}",
            origin="agent",
            text="Отправим завтра",
            tg_chat_id=GROUP_ID,
            tg_message_id=agent_message["message_id"],
        )
        await db.replies.mark_sending(item_id=item.id)
        ozon = rw.hw.ozon.state
        ozon.seller_writes_in_cabinet(CLIENT_ID, chat_id, "Отправим завтра")
        rw.market.buyer_writes("А можно сегодня? Очень нужно", chat_id=chat_id)
        await rw.poll()  # a poll meanwhile
        turns = await db.pool.fetch("SELECT answered_via FROM buyer_turns ORDER BY id")
        assert [t["answered_via"] for t in turns] == ["bot", None]  # the new question waits

        await rw.hw.feed("message", agent_message)  # the update comes again after the restart
        assert receipts(await rw.relay()) == [agent_message["message_id"]]
        assert ozon.sent_by_seller(CLIENT_ID) == []  # found in history: not sent again
        assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 1
        turns = await db.pool.fetch("SELECT answered_via FROM buyer_turns ORDER BY id")
        assert [t["answered_via"] for t in turns] == ["bot", None]
        chat = await rw.chat(chat_id)
        assert chat.waiting_since is not None and chat.sla_deadline is not None
