"""The poll of one seller against the Ozon emulator: what is stored, queued and fetched."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.sync.ingest import DELIVER_BUYER_MESSAGE, DELIVER_CABINET_REPLY
from tests.sync.conftest import CLIENT_ID, SyncWorld

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


async def test_a_new_buyer_chat_is_stored_queued_and_its_clock_started(world: SyncWorld) -> None:
    chat_id, message_id = world.emu.state.buyer_writes(
        CLIENT_ID, text="Где мой заказ?", order_number="47873153-0052", sku="987654321"
    )
    report = await world.poller.poll(world.seller)

    assert report.initial and report.chats_imported == 1 and report.messages_stored == 1
    chat = await world.db.chats.get_by_external(seller_id=world.seller.id, external_id=chat_id)
    assert (chat.order_number, chat.sku, chat.status) == ("47873153-0052", "987654321", "open")
    assert chat.last_message_external_id == message_id
    assert chat.unanswered_count == 1 and chat.waiting_since is not None
    assert chat.reply_window_ends_at == chat.last_buyer_message_at + timedelta(hours=48)
    [message] = await world.db.messages.list_recent(chat_id=chat.id)
    assert (message.external_id, message.direction, message.text) == (
        message_id, "in", "Где мой заказ?",
    )  # fmt: skip
    turn = await world.db.turns.get_open(chat_id=chat.id)
    assert turn is not None and turn.kind == "first" and message.turn_id == turn.id
    [queued] = await world.db.tg_outbox.claim(
        workspace_id=world.seller.workspace_id, now=chat.created_at + timedelta(minutes=5)
    )
    assert (queued.kind, queued.message_id) == (DELIVER_BUYER_MESSAGE, message.id)


async def test_the_system_chat_is_never_mirrored(world: SyncWorld) -> None:
    world.emu.state.buyer_writes(CLIENT_ID, text="Здравствуйте")
    await world.poller.poll(world.seller)
    assert await world.count("SELECT count(*) FROM chats") == 1
    types = await world.db.pool.fetch("SELECT DISTINCT chat_type FROM chats")
    assert [row["chat_type"] for row in types] == ["BUYER_SELLER"]


async def test_later_polls_fetch_only_new_messages(world: SyncWorld) -> None:
    chat_id, _ = world.emu.state.buyer_writes(CLIENT_ID, text="Первое")
    await world.poller.poll(world.seller)
    world.emu.state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="Второе")
    world.emu.state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="Третье")

    before = world.calls()
    report = await world.poller.poll(world.seller)
    spent = world.calls() - before

    assert report.messages_stored == 2
    assert spent["/v3/chat/history"] == 1
    texts = await world.db.pool.fetch("SELECT text FROM messages ORDER BY external_id")
    assert [r["text"] for r in texts] == ["Первое", "Второе", "Третье"]
    assert await world.count("SELECT count(*) FROM tg_outbox") == 3
    turn = await world.db.pool.fetchrow("SELECT buyer_message_count FROM buyer_turns")
    assert turn["buyer_message_count"] == 3


@pytest.mark.parametrize("inclusive", [False, True])
async def test_either_reading_of_from_message_id_gives_no_duplicates(
    world: SyncWorld, inclusive: bool
) -> None:
    world.emu.state.history_inclusive = inclusive
    chat_id, _ = world.emu.state.buyer_writes(CLIENT_ID, text="один")
    await world.poller.poll(world.seller)
    world.emu.state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="два")
    report = await world.poller.poll(world.seller)
    assert report.messages_stored == 1
    assert await world.count("SELECT count(*) FROM messages") == 2


async def test_images_and_files_arrive_as_attachments(world: SyncWorld) -> None:
    chat_id, _ = world.emu.state.buyer_writes(CLIENT_ID, text="Вот фото", image=PNG)
    world.emu.state.buyer_writes(CLIENT_ID, chat_id=chat_id, file=("act.pdf", b"%PDF-1.4 test"))
    await world.poller.poll(world.seller)
    rows = await world.db.pool.fetch("SELECT text, attachments FROM messages ORDER BY id")
    attachments = [a for row in rows for a in row["attachments"]]
    kinds = sorted(a["kind"] for a in attachments)
    assert kinds == ["file", "image"]
    image = next(a for a in attachments if a["kind"] == "image")
    assert "/v2/chat/file/" in image["url"]
    file = next(a for a in attachments if a["kind"] == "file")
    assert file["name"] == "act.pdf"


async def test_a_cabinet_reply_is_ingested_and_stops_the_clock(world: SyncWorld) -> None:
    chat_id, _ = world.emu.state.buyer_writes(CLIENT_ID, text="Когда отправите?")
    await world.poller.poll(world.seller)
    world.emu.state.seller_writes_in_cabinet(CLIENT_ID, chat_id, "Сегодня отправим")
    await world.poller.poll(world.seller)

    chat = await world.db.chats.get_by_external(seller_id=world.seller.id, external_id=chat_id)
    assert chat.waiting_since is None and chat.unanswered_count == 0
    reply = await world.db.pool.fetchrow("SELECT * FROM messages WHERE direction = 'out'")
    assert (reply["source"], reply["author_type"], reply["text"]) == (
        "cabinet", "seller", "Сегодня отправим",
    )  # fmt: skip
    turn = await world.db.pool.fetchrow("SELECT answered_via, answered_at FROM buyer_turns")
    assert turn["answered_via"] == "cabinet" and turn["answered_at"] == reply["sent_at"]
    kinds = await world.db.pool.fetch("SELECT kind FROM tg_outbox ORDER BY id")
    assert [k["kind"] for k in kinds] == [DELIVER_BUYER_MESSAGE, DELIVER_CABINET_REPLY]


async def test_a_reply_sent_through_the_bot_is_recognised_as_ours(world: SyncWorld) -> None:
    chat_id, _ = world.emu.state.buyer_writes(CLIENT_ID, text="Есть размер M?")
    await world.poller.poll(world.seller)
    chat = await world.db.chats.get_by_external(seller_id=world.seller.id, external_id=chat_id)
    item, _ = await world.db.replies.enqueue(
        chat_id=chat.id, idempotency_key="tg:1:1", origin="agent", text="Да, есть."
    )
    await world.db.replies.mark_sending(item_id=item.id)
    api = await world.apis.for_seller(world.seller)
    await api.send_text(await world.apis.chat_ref(chat), "Да, есть.")

    await world.poller.poll(world.seller)

    reply = await world.db.pool.fetchrow("SELECT * FROM messages WHERE direction = 'out'")
    assert reply["source"] == "bot"
    stored_item = await world.db.replies.get(item_id=item.id)
    assert stored_item.marketplace_message_id == reply["external_id"]
    assert await world.count("SELECT count(*) FROM tg_outbox WHERE kind = $1",
                             DELIVER_CABINET_REPLY) == 0  # fmt: skip
    turn = await world.db.pool.fetchrow("SELECT answered_via FROM buyer_turns")
    assert turn["answered_via"] == "bot"


async def test_a_closed_chat_is_recorded_as_closed(world: SyncWorld) -> None:
    chat_id, _ = world.emu.state.buyer_writes(CLIENT_ID, text="Спасибо, всё пришло")
    world.emu.state.close_chat(CLIENT_ID, chat_id)
    await world.poller.poll(world.seller)
    chat = await world.db.chats.get_by_external(seller_id=world.seller.id, external_id=chat_id)
    assert chat.status == "closed"
