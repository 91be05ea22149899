"""Agent → marketplace through the real bot: replies, receipts, never twice, restarts.

The core flow (a text, a photo and a document written in a row, each reaching the buyer
once, in order, with its 👍 receipt) runs through the running bot on every marketplace (the
``market`` fixture, tests/e2e/conftest.py): the point is the path through polling, the
per-topic update order, the reply worker and the Telegram queue. The restarts stay here on
Ozon's world: a stopped process's claim taken back and its updates delivered again.

A draft sent with one tap, on every marketplace, is a step case
(test_draft_one_tap_handlers.py). Ozon's own rules (1000 characters, the 48-hour window) and
the other refusals are handler cases: tests/bridge/test_topic_handlers.py and
tests/replies/test_refusal_cases.py; a lost answer not resent, on every marketplace:
tests/e2e/test_agent_reply_handlers.py.
"""

from __future__ import annotations

import base64

from bot.marketplaces import build_marketplaces
from bot.seller_api import SellerApis
from bot.sync.poller import SellerPoller
from connectors.ozon.client import OzonClient
from tests.support.markets import WB_SELLER, YM_BUSINESS, Market, OzonMarket, WbMarket, YmMarket
from tests.support.world import CLIENT_ID, World, wait_until

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)
PDF = b"%PDF-1.4\n% an invoice\n" + b"0" * 4096


async def open_topic(world: World, text: str = "Когда доставка?") -> tuple[str, int]:
    chat_id, _ = world.buyer_writes(text=text)
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1)
    return chat_id, thread


async def open_market_topic(
    world: World, market: Market, text: str = "Когда доставка?"
) -> tuple[str, int]:
    chat_id = market.buyer_writes(text)
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1)
    return chat_id, thread


async def receipt(world: World, message_id: int) -> None:
    async def reacted() -> bool:
        return world.tg.reactions(world.group_id, message_id) == ["👍"]

    await wait_until(reacted)


def sent_in_order(market: Market, chat_id: str) -> list[str]:
    """What the seller sent the marketplace, in the order it arrived: a text as itself, a
    file as ``file:<name>``."""
    if isinstance(market, OzonMarket):
        sent = market.ozon.state.sent_by_seller(market.client_id, chat_id)
        return [f"file:{r.file_name}" if r.file_name else r.text for r in sent]
    if isinstance(market, WbMarket):
        records = market.wb.state.sent_by(WB_SELLER, chat_id)
    else:
        assert isinstance(market, YmMarket)
        records = market.ym.state.sent_by_partner(YM_BUSINESS, int(chat_id))
    shown: list[str] = []
    for record in records:
        shown += [record.text] if record.text else []
        shown += [f"file:{f.name}" for f in record.files]
    return shown


async def test_a_text_a_photo_and_a_document_reach_the_buyer_once_in_order_with_receipts(
    mworld: World, market: Market
) -> None:
    chat_id, thread = await open_market_topic(mworld, market)
    written = [  # in a row: the bot handles them in Telegram's order, one at a time
        mworld.tg.user_sends(
            mworld.agent_id, mworld.group_id, "Здравствуйте! Доставим завтра.", thread_id=thread
        ),
        mworld.tg.user_sends(mworld.agent_id, mworld.group_id, photo=PNG, thread_id=thread),
        mworld.tg.user_sends(
            mworld.agent_id, mworld.group_id, document=("счёт.pdf", PDF), thread_id=thread
        ),
    ]
    for message in written:
        await receipt(mworld, message["message_id"])

    assert market.sent_texts(chat_id) == ["Здравствуйте! Доставим завтра."]
    assert market.sent_files(chat_id) == [PNG, PDF]  # the photo as a file, then the PDF
    assert market.sent_file_names(chat_id)[-1:] == ["счёт.pdf"]  # the document by name
    text, photo, document = sent_in_order(market, chat_id)
    assert text == "Здравствуйте! Доставим завтра."
    assert photo.startswith("file:") and document == "file:счёт.pdf"
    chat = await mworld.chat(chat_id)
    assert chat.waiting_since is None
    turn = await mworld.db.pool.fetchrow(
        "SELECT answered_via, answered_by_agent_id FROM buyer_turns"
    )
    assert turn["answered_via"] == "bot" and turn["answered_by_agent_id"] is not None

    await mworld.poll()  # the replies show up in the marketplace's chat: recognised as ours
    await wait_until(mworld.outbox_settled)
    sources = await mworld.db.pool.fetch("SELECT source FROM messages WHERE direction = 'out'")
    assert [r["source"] for r in sources] == (["bot"] * 3 if market.reads_reply_back else [])
    assert len(mworld.posts(thread)) == 1  # no "cabinet reply" echo of our own answers
    assert market.sent_texts(chat_id) == ["Здравствуйте! Доставим завтра."]
    assert market.sent_files(chat_id) == [PNG, PDF]


async def test_a_reply_in_flight_at_a_crash_is_sent_once_after_restart(world: World) -> None:
    chat_id, thread = await open_topic(world)
    await world.stop()
    # The crash: Ozon accepted the reply, but the process died before recording it.
    agent_message = world.tg.user_sends(
        world.agent_id, world.group_id, "Ответ до сбоя", thread_id=thread
    )
    chat = await world.chat(chat_id)
    item, _ = await world.db.replies.enqueue(
        chat_id=chat.id,
        idempotency_key=f"tg:{world.group_id}:{agent_message['message_id']}",
        origin="agent",
        text="Ответ до сбоя",
        tg_chat_id=world.group_id,
        tg_message_id=agent_message["message_id"],
    )
    await world.db.replies.mark_sending(item_id=item.id)
    world.ozon.state.seller_writes_in_cabinet(CLIENT_ID, chat_id, "Ответ до сбоя")

    await world.start()  # the restarted bot also receives the agent's message update
    await receipt(world, agent_message["message_id"])
    assert await world.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 1
    assert world.sent_to_ozon() == []  # found in history: nothing sent again


async def test_buyer_messages_in_flight_at_a_restart_are_delivered_once(world: World) -> None:
    chat_id, thread = await open_topic(world)
    # The first post must be recorded as done: a stop between Telegram's answer and the
    # outbox update would leave the row leased for a minute (by design), not what this tests.
    await wait_until(world.outbox_settled)
    await world.stop()
    for text in ("Пока бот был выключен", "И ещё одно"):
        world.buyer_writes(chat_id=chat_id, text=text)
    async with OzonClient(base_url=world.ozon.base_url) as client:  # a poll, then a crash
        poller = SellerPoller(
            db=world.db,
            apis=SellerApis(
                db=world.db, vault=world.vault, marketplaces=build_marketplaces(ozon=client)
            ),
        )
        await poller.poll(world.seller)

    await world.start()
    await world.wait_for_posts(thread, 3)
    await world.poll()
    await wait_until(world.outbox_settled)
    texts = [p["text"].rsplit("\n", 1)[-1] for p in world.posts(thread)]
    assert texts == ["Когда доставка?", "Пока бот был выключен", "И ещё одно"]
