"""AuditRepo: who did what, when — never a key."""

from __future__ import annotations

from typing import Any

import pytest

from storage.database import Database
from tests.storage.factories import TG_USER_ID, make_seller, make_workspace


async def test_record_and_list_recent(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace)

    await db.audit.record(
        actor_tg_user_id=TG_USER_ID,
        action="seller.added",
        workspace_id=workspace.id,
        seller_id=seller.id,
        details={"client_id": "1001", "name": "Shop", "intents": ["delivery"]},
    )

    [entry] = await db.audit.list_recent()
    assert entry.actor_tg_user_id == TG_USER_ID
    assert entry.action == "seller.added"
    assert entry.workspace_id == workspace.id
    assert entry.seller_id == seller.id
    assert entry.details == {"client_id": "1001", "name": "Shop", "intents": ["delivery"]}
    assert entry.at is not None


async def test_record_defaults(db: Database) -> None:
    await db.audit.record(actor_tg_user_id=1, action="bot.started")

    [entry] = await db.audit.list_recent()
    assert (entry.workspace_id, entry.seller_id, entry.details) == (None, None, {})


async def test_list_recent_newest_first_with_limit(db: Database) -> None:
    for index in range(4):
        await db.audit.record(actor_tg_user_id=1, action=f"a{index}")

    assert [e.action for e in await db.audit.list_recent()] == ["a3", "a2", "a1", "a0"]
    assert [e.action for e in await db.audit.list_recent(limit=2)] == ["a3", "a2"]


async def test_list_recent_same_timestamp_ordered_by_id(db: Database) -> None:
    async with db.transaction() as conn:  # now() is the same for the whole transaction
        for index in range(3):
            await db.audit.record(actor_tg_user_id=1, action=f"a{index}", conn=conn)

    entries = await db.audit.list_recent()
    assert len({e.at for e in entries}) == 1
    assert [e.action for e in entries] == ["a2", "a1", "a0"]


async def test_list_recent_workspace_filter(db: Database) -> None:
    ws1 = await make_workspace(db, tg_chat_id=-1001)
    ws2 = await make_workspace(db, tg_chat_id=-1002)
    await db.audit.record(actor_tg_user_id=1, action="one", workspace_id=ws1.id)
    await db.audit.record(actor_tg_user_id=1, action="two", workspace_id=ws2.id)
    await db.audit.record(actor_tg_user_id=1, action="three", workspace_id=ws1.id)
    await db.audit.record(actor_tg_user_id=1, action="global")

    assert [e.action for e in await db.audit.list_recent(workspace_id=ws1.id)] == ["three", "one"]
    assert [e.action for e in await db.audit.list_recent(workspace_id=ws2.id)] == ["two"]
    assert [e.action for e in await db.audit.list_recent()] == ["global", "three", "two", "one"]


async def test_entries_survive_seller_deletion(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace)
    await db.audit.record(
        actor_tg_user_id=1, action="seller.added", workspace_id=workspace.id, seller_id=seller.id
    )

    await db.sellers.delete(seller_id=seller.id)

    [entry] = await db.audit.list_recent(workspace_id=workspace.id)
    assert (entry.action, entry.seller_id) == ("seller.added", None)


@pytest.mark.parametrize(
    "details",
    [
        {"api_key": "abc"},
        {"token": "abc"},
        {"client_secret": "abc"},
        {"Password": "abc"},
        {"API_KEY": "abc"},
        {"name": "Shop", "new_key": "abc"},
        {"seller": {"client_id": "1", "api_key": "abc"}},
        {"changes": [{"field": "name"}, {"access_token": "abc"}]},
    ],
)
async def test_record_refuses_secret_names(db: Database, details: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="secrets"):
        await db.audit.record(actor_tg_user_id=1, action="seller.key_replaced", details=details)

    assert await db.audit.list_recent() == []
    assert await db.pool.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_record_allows_secret_words_in_values(db: Database) -> None:
    """Only names are checked: an action may be *about* a key without carrying it."""
    await db.audit.record(
        actor_tg_user_id=1, action="seller.key_replaced", details={"field": "api_key"}
    )

    [entry] = await db.audit.list_recent()
    assert entry.details == {"field": "api_key"}
