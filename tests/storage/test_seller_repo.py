"""SellerRepo: marketplace accounts and their (encrypted) keys."""

from __future__ import annotations

from datetime import time

import asyncpg
import pytest

from storage.database import Database
from storage.errors import Conflict, NotFound
from tests.storage.factories import (
    CLIENT_ID,
    ENCRYPTED_KEY,
    TG_USER_ID,
    make_chat,
    make_message,
    make_seller,
    make_workspace,
)


async def test_create_returns_seller_with_defaults(db: Database) -> None:
    workspace = await make_workspace(db)

    seller = await db.sellers.create(
        workspace_id=workspace.id,
        marketplace="ozon",
        name="Shop",
        client_id=CLIENT_ID,
        api_key_encrypted=ENCRYPTED_KEY,
        created_by_tg_user_id=TG_USER_ID,
    )

    assert seller.id > 0
    assert seller.workspace_id == workspace.id
    assert seller.marketplace == "ozon"
    assert seller.name == "Shop"
    assert seller.client_id == CLIENT_ID
    assert seller.state == "active"
    assert seller.state_reason is None
    assert seller.ai_instructions == ""
    assert seller.ai_tone == ""
    assert seller.auto_reply_enabled is False
    assert seller.auto_reply_intents == []
    assert seller.business_hours_enabled is False
    assert seller.timezone == "Europe/Moscow"
    assert seller.work_days == [1, 2, 3, 4, 5]
    assert seller.work_start == time(9, 0)
    assert seller.work_end == time(21, 0)
    assert seller.created_by_tg_user_id == TG_USER_ID
    # The record never carries the key.
    assert not hasattr(seller, "api_key_encrypted")


async def test_create_also_creates_empty_sync_state(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))

    state = await db.sync_state.get(seller_id=seller.id)

    assert state.seller_id == seller.id
    assert state.consecutive_failures == 0
    assert state.cursor is None
    assert state.health_notice == "ok"
    assert state.initial_sync_done_at is None


async def test_create_same_marketplace_and_client_id_raises_conflict(db: Database) -> None:
    workspace = await make_workspace(db, tg_chat_id=-1001)
    other_workspace = await make_workspace(db, tg_chat_id=-1002)
    await make_seller(db, workspace, client_id="1001")

    with pytest.raises(Conflict):
        await make_seller(db, other_workspace, client_id="1001", name="Copy")

    # Nothing half-created: still one seller and one sync state.
    assert await db.pool.fetchval("SELECT count(*) FROM sellers") == 1
    assert await db.pool.fetchval("SELECT count(*) FROM sync_state") == 1


async def test_same_client_id_on_another_marketplace_is_allowed(db: Database) -> None:
    workspace = await make_workspace(db)
    ozon = await make_seller(db, workspace, client_id="1001", marketplace="ozon")
    wb = await make_seller(db, workspace, client_id="1001", marketplace="wildberries")

    assert ozon.id != wb.id


async def test_create_rejects_invalid_name(db: Database) -> None:
    workspace = await make_workspace(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await make_seller(db, workspace, name="")
    with pytest.raises(asyncpg.CheckViolationError):
        await make_seller(db, workspace, name="x" * 65)
    assert await db.pool.fetchval("SELECT count(*) FROM sync_state") == 0


async def test_get(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    assert await db.sellers.get(seller_id=seller.id) == seller


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sellers.get(seller_id=999)


async def test_find(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db), client_id="1001")

    assert await db.sellers.find(marketplace="ozon", client_id="1001") == seller
    assert await db.sellers.find(marketplace="ozon", client_id="1002") is None
    assert await db.sellers.find(marketplace="wildberries", client_id="1001") is None


async def test_list_all_filters_by_workspace_and_states(db: Database) -> None:
    ws1 = await make_workspace(db, tg_chat_id=-1001)
    ws2 = await make_workspace(db, tg_chat_id=-1002)
    a = await make_seller(db, ws1, client_id="1")
    b = await make_seller(db, ws1, client_id="2")
    c = await make_seller(db, ws2, client_id="3")
    await db.sellers.set_state(seller_id=b.id, state="paused")
    await db.sellers.set_state(seller_id=c.id, state="failing", reason="401")

    assert [s.id for s in await db.sellers.list_all()] == [a.id, b.id, c.id]
    assert [s.id for s in await db.sellers.list_all(workspace_id=ws1.id)] == [a.id, b.id]
    assert [s.id for s in await db.sellers.list_all(states=["active"])] == [a.id]
    assert [s.id for s in await db.sellers.list_all(states=("active", "failing"))] == [
        a.id,
        c.id,
    ]
    assert [s.id for s in await db.sellers.list_all(workspace_id=ws2.id, states=["paused"])] == []
    assert await db.sellers.list_all(states=[]) == []
    assert await db.sellers.list_all(workspace_id=ws2.id + 100) == []


async def test_get_encrypted_key_returns_bytes(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db), api_key_encrypted=b"\x00tok\xff")

    key = await db.sellers.get_encrypted_key(seller_id=seller.id)

    assert key == b"\x00tok\xff"
    assert type(key) is bytes


async def test_get_encrypted_key_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sellers.get_encrypted_key(seller_id=999)


async def test_replace_key_reactivates_failing_seller(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    await db.sellers.set_state(seller_id=seller.id, state="failing", reason="key revoked")

    await db.sellers.replace_key(seller_id=seller.id, api_key_encrypted=b"new-key")

    updated = await db.sellers.get(seller_id=seller.id)
    assert updated.state == "active"
    assert updated.state_reason is None
    assert updated.updated_at >= seller.updated_at
    assert await db.sellers.get_encrypted_key(seller_id=seller.id) == b"new-key"


async def test_replace_key_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sellers.replace_key(seller_id=999, api_key_encrypted=b"x")


async def test_set_state_with_and_without_reason(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))

    paused = await db.sellers.set_state(seller_id=seller.id, state="paused", reason="by admin")
    assert (paused.state, paused.state_reason) == ("paused", "by admin")

    active = await db.sellers.set_state(seller_id=seller.id, state="active")
    assert (active.state, active.state_reason) == ("active", None)
    assert await db.sellers.get(seller_id=seller.id) == active


async def test_set_state_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sellers.set_state(seller_id=999, state="paused")


async def test_set_state_rejects_unknown_state(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    with pytest.raises(asyncpg.CheckViolationError):
        await db.sellers.set_state(seller_id=seller.id, state="deleted")


async def test_update_ai(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))

    updated = await db.sellers.update_ai(
        seller_id=seller.id,
        instructions="Be brief",
        tone="friendly",
        auto_reply_enabled=True,
        auto_reply_intents=("delivery", "return"),
    )

    assert updated.ai_instructions == "Be brief"
    assert updated.ai_tone == "friendly"
    assert updated.auto_reply_enabled is True
    assert updated.auto_reply_intents == ["delivery", "return"]
    assert await db.sellers.get(seller_id=seller.id) == updated


async def test_update_ai_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sellers.update_ai(
            seller_id=999,
            instructions="",
            tone="",
            auto_reply_enabled=False,
            auto_reply_intents=[],
        )


async def test_update_business_hours(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))

    updated = await db.sellers.update_business_hours(
        seller_id=seller.id,
        enabled=True,
        timezone="Asia/Yekaterinburg",
        work_days=[1, 2, 3, 4, 5, 6],
        work_start=time(8, 30),
        work_end=time(20, 0),
    )

    assert updated.business_hours_enabled is True
    assert updated.timezone == "Asia/Yekaterinburg"
    assert updated.work_days == [1, 2, 3, 4, 5, 6]
    assert updated.work_start == time(8, 30)
    assert updated.work_end == time(20, 0)
    assert await db.sellers.get(seller_id=seller.id) == updated


@pytest.mark.parametrize(("start", "end"), [(time(18, 0), time(9, 0)), (time(9, 0), time(9, 0))])
async def test_update_business_hours_rejects_start_not_before_end(
    db: Database, start: time, end: time
) -> None:
    seller = await make_seller(db, await make_workspace(db))

    with pytest.raises(asyncpg.CheckViolationError):
        await db.sellers.update_business_hours(
            seller_id=seller.id,
            enabled=True,
            timezone="Europe/Moscow",
            work_days=[1],
            work_start=start,
            work_end=end,
        )

    unchanged = await db.sellers.get(seller_id=seller.id)
    assert (unchanged.work_start, unchanged.work_end) == (time(9, 0), time(21, 0))
    assert unchanged.business_hours_enabled is False


async def test_update_business_hours_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sellers.update_business_hours(
            seller_id=999,
            enabled=False,
            timezone="Europe/Moscow",
            work_days=[],
            work_start=time(9),
            work_end=time(18),
        )


async def test_delete_cascades_to_chats_messages_and_sync_state(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace, client_id="1")
    keeper = await make_seller(db, workspace, client_id="2")
    chat = await make_chat(db, seller, external_id="c1")
    kept_chat = await make_chat(db, keeper, external_id="c1")
    await make_message(db, chat, external_id="m1")
    await make_message(db, kept_chat, external_id="m1")

    await db.sellers.delete(seller_id=seller.id)

    with pytest.raises(NotFound):
        await db.sellers.get(seller_id=seller.id)
    with pytest.raises(NotFound):
        await db.sync_state.get(seller_id=seller.id)
    with pytest.raises(NotFound):
        await db.chats.get(chat_id=chat.id)
    assert await db.pool.fetchval("SELECT count(*) FROM messages WHERE chat_id = $1", chat.id) == 0
    # The other seller of the workspace is untouched.
    assert (await db.chats.get(chat_id=kept_chat.id)).seller_id == keeper.id
    assert len(await db.messages.list_recent(chat_id=kept_chat.id)) == 1
    assert (await db.workspaces.get(workspace_id=workspace.id)).id == workspace.id


async def test_delete_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.sellers.delete(seller_id=999)


async def test_workspace_with_sellers_cannot_be_deleted(db: Database) -> None:
    workspace = await make_workspace(db)
    await make_seller(db, workspace)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await db.pool.execute("DELETE FROM workspaces WHERE id = $1", workspace.id)


async def test_reencrypt_keys_rewrites_every_key(db: Database) -> None:
    workspace = await make_workspace(db)
    a = await make_seller(db, workspace, client_id="1", api_key_encrypted=b"key-a")
    b = await make_seller(db, workspace, client_id="2", api_key_encrypted=b"key-b")

    count = await db.sellers.reencrypt_keys(lambda token: b"v2:" + token)

    assert count == 2
    assert await db.sellers.get_encrypted_key(seller_id=a.id) == b"v2:key-a"
    assert await db.sellers.get_encrypted_key(seller_id=b.id) == b"v2:key-b"


async def test_reencrypt_keys_without_sellers(db: Database) -> None:
    calls: list[bytes] = []

    def rotate(token: bytes) -> bytes:
        calls.append(token)
        return token

    assert await db.sellers.reencrypt_keys(rotate) == 0
    assert calls == []


async def test_reencrypt_keys_is_all_or_nothing(db: Database) -> None:
    workspace = await make_workspace(db)
    sellers = [
        await make_seller(db, workspace, client_id=str(i), api_key_encrypted=f"key-{i}".encode())
        for i in range(3)
    ]
    calls: list[bytes] = []

    def rotate(token: bytes) -> bytes:
        calls.append(token)
        if len(calls) == 2:
            raise ValueError("cannot decrypt")
        return b"v2:" + token

    with pytest.raises(ValueError, match="cannot decrypt"):
        await db.sellers.reencrypt_keys(rotate)

    assert len(calls) == 2  # the first key was rewritten before the failure…
    keys = [await db.sellers.get_encrypted_key(seller_id=s.id) for s in sellers]
    assert keys == [b"key-0", b"key-1", b"key-2"]  # …and rolled back with the rest
