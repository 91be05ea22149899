"""A reply whose outcome was unknown at a crash is confirmed after the restart: by then the
buyer may have written again. Confirming the old reply must not stop the new turn's clock."""

from __future__ import annotations

from bot.marketplaces import build_marketplaces
from bot.seller_api import SellerApis
from bot.sync.poller import SellerPoller
from connectors.ozon.client import OzonClient
from tests.e2e.test_agent_to_ozon import open_topic, receipt
from tests.support.world import CLIENT_ID, World


async def test_a_reply_confirmed_after_a_restart_does_not_answer_the_next_turn(
    world: World,
) -> None:
    chat_id, thread = await open_topic(world)
    await world.stop()
    # The crash: Ozon accepted the reply, the process died before recording it.
    agent_message = world.tg.user_sends(
        world.agent_id, world.group_id, "Отправим завтра", thread_id=thread
    )
    chat = await world.chat(chat_id)
    item, _ = await world.db.replies.enqueue(
        chat_id=chat.id,
        idempotency_key=f"tg:{world.group_id}:{agent_message['message_id']}",
        origin="agent",
        text="Отправим завтра",
        tg_chat_id=world.group_id,
        tg_message_id=agent_message["message_id"],
    )
    await world.db.replies.mark_sending(item_id=item.id)
    world.ozon.state.seller_writes_in_cabinet(CLIENT_ID, chat_id, "Отправим завтра")
    world.buyer_writes(chat_id=chat_id, text="А можно сегодня? Очень нужно")
    async with OzonClient(base_url=world.ozon.base_url) as client:  # a poll meanwhile
        poller = SellerPoller(
            db=world.db,
            apis=SellerApis(
                db=world.db, vault=world.vault, marketplaces=build_marketplaces(ozon=client)
            ),
        )
        await poller.poll(world.seller)
    turns = await world.db.pool.fetch("SELECT answered_via FROM buyer_turns ORDER BY id")
    assert [t["answered_via"] for t in turns] == ["bot", None]  # the new question waits

    await world.start()
    await receipt(world, agent_message["message_id"])
    assert world.sent_to_ozon() == []  # found in history: not sent again
    turns = await world.db.pool.fetch("SELECT answered_via FROM buyer_turns ORDER BY id")
    assert [t["answered_via"] for t in turns] == ["bot", None]
    chat = await world.chat(chat_id)
    assert chat.waiting_since is not None and chat.sla_deadline is not None
