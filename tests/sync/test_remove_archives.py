"""Removing a shop archives it; adding the same Client-Id again picks the archive up."""

from __future__ import annotations

from pydantic import SecretStr

from bot.admin.onboarding import AddOutcome, Onboarding, SellerDraft
from bot.admin.sellers import SellerAdmin
from tests.admin.test_services import _NoSync
from tests.support.texts import says
from tests.sync.conftest import API_KEY, CLIENT_ID, SyncWorld


async def test_removal_keeps_the_archive_refuses_queued_replies_and_re_adding_reuses_topics(
    world: SyncWorld,
) -> None:
    state, db = world.emu.state, world.db
    chat_ext, _ = state.buyer_writes(CLIENT_ID, text="Где мой заказ?")
    await world.runner.run(world.seller.id, force=True)
    chat = await db.chats.get_by_external(seller_id=world.seller.id, external_id=chat_ext)
    await db.pool.execute(
        "UPDATE chats SET topic_workspace_id = $2, topic_thread_id = 77 WHERE id = $1",
        chat.id,
        world.seller.workspace_id,
    )
    await db.pool.execute(
        """INSERT INTO reply_outbox (chat_id, idempotency_key, origin, text, tg_message_id)
           VALUES ($1, 'k1', 'agent', 'Скоро будет', 501)""",
        chat.id,
    )
    await db.pool.execute(  # in flight when the shop goes: it may have reached the buyer
        """INSERT INTO reply_outbox (chat_id, idempotency_key, origin, text, tg_message_id,
                                     status)
           VALUES ($1, 'k2', 'agent', 'Уже отправили', 502, 'sending')""",
        chat.id,
    )
    admin = SellerAdmin(
        db=db, vault=world.vault, marketplaces=world.apis.marketplaces, sync=_NoSync()
    )
    assert await admin.remove(actor_tg_user_id=1, seller=world.seller)

    removed = await db.sellers.get(seller_id=world.seller.id)  # deleted by cascade before
    assert removed.state == "removed"
    assert await world.count("SELECT count(*) FROM messages WHERE chat_id = $1", chat.id) == 1
    assert await world.count("SELECT count(*) FROM buyer_turns WHERE chat_id = $1", chat.id) == 1
    assert await world.count("SELECT count(*) FROM sellers WHERE api_key_encrypted IS NULL") == 1
    replies = await db.pool.fetch("SELECT status, error_code FROM reply_outbox ORDER BY id")
    assert [tuple(r) for r in replies] == [("failed", "seller_removed")] * 2
    notices = await db.pool.fetch(
        "SELECT chat_id, payload FROM tg_outbox WHERE kind = 'notice' ORDER BY id"
    )
    in_topic = [n["payload"] for n in notices if n["chat_id"] == chat.id]
    refused, unknown = says("seller.removed.reply_refused"), says("seller.removed.reply_unknown")
    assert any(p["text"] in refused and p["reply_to"] == 501 for p in in_topic)
    assert any(p["text"] in unknown and p["reply_to"] == 502 for p in in_topic)
    assert any(p["text"] in says("seller.removed.topic") for p in in_topic)
    assert any(n["chat_id"] is None and "/add_seller" in n["payload"]["text"] for n in notices)
    assert await db.sellers.list_all() == []  # /sellers, pickers, the scheduler
    assert await world.runner.run(world.seller.id, force=True) is None  # no polling
    assert not await admin.remove(actor_tg_user_id=1, seller=world.seller)

    # Re-added with the same Client-Id in the same group: the same row and chat.
    onboarding = Onboarding(
        db=db, vault=world.vault, marketplaces=world.apis.marketplaces, sync=_NoSync()
    )
    workspace = await db.workspaces.get(workspace_id=world.seller.workspace_id)
    result = await onboarding.add(
        actor_tg_user_id=1,
        workspace=workspace,
        draft=SellerDraft("ozon", CLIENT_ID, SecretStr(API_KEY), "Снова магазин"),
    )
    assert result.outcome is AddOutcome.ADDED and result.seller is not None
    assert result.seller.id == world.seller.id and result.seller.state == "active"
    state.buyer_writes(CLIENT_ID, chat_id=chat_ext, text="Ответьте, пожалуйста")
    assert await world.runner.run(world.seller.id, force=True) is not None
    again = await db.chats.get_by_external(seller_id=world.seller.id, external_id=chat_ext)
    assert (again.id, again.topic_thread_id) == (chat.id, 77)
    assert await world.count("SELECT count(*) FROM chats") == 1
    texts = await db.pool.fetch(
        "SELECT text FROM messages WHERE chat_id = $1 ORDER BY id", chat.id
    )
    assert [t["text"] for t in texts] == ["Где мой заказ?", "Ответьте, пожалуйста"]
