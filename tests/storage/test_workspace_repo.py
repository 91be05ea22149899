"""WorkspaceRepo: bound Telegram forum groups."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from storage.database import Database
from storage.errors import Conflict, NotFound
from tests.storage.factories import TG_CHAT_ID, TG_USER_ID, at, make_agent, make_workspace


async def test_bind_creates_active_workspace(db: Database) -> None:
    workspace = await db.workspaces.bind(
        tg_chat_id=TG_CHAT_ID, title="Support", bound_by_tg_user_id=TG_USER_ID, locale="en"
    )

    assert workspace.id > 0
    assert workspace.tg_chat_id == TG_CHAT_ID
    assert workspace.title == "Support"
    assert workspace.state == "active"
    assert workspace.locale == "en"
    assert workspace.mark_read_in_marketplace is True
    assert workspace.bound_by_tg_user_id == TG_USER_ID
    assert workspace.queue_board_message_id is None
    assert workspace.queue_board_hash is None
    assert workspace.queue_board_edited_at is None


async def test_bind_twice_returns_same_row_with_new_title(db: Database) -> None:
    first = await make_workspace(db, title="Old title")
    second = await make_workspace(db, title="New title")

    assert second.id == first.id
    assert second.title == "New title"
    assert second.created_at == first.created_at
    assert await db.pool.fetchval("SELECT count(*) FROM workspaces") == 1


async def test_bind_reactivates_detached_workspace_and_keeps_data(db: Database) -> None:
    workspace = await make_workspace(db)
    await db.workspaces.set_queue_board(
        workspace_id=workspace.id, message_id=55, content_hash="h", edited_at=at()
    )
    await db.workspaces.set_state(workspace_id=workspace.id, state="detached")
    assert (await db.workspaces.get(workspace_id=workspace.id)).state == "detached"

    again = await make_workspace(db, title="Back again")

    assert again.id == workspace.id
    assert again.state == "active"
    assert again.title == "Back again"
    assert again.queue_board_message_id == 55
    assert again.updated_at >= workspace.updated_at


async def test_get_and_get_by_chat(db: Database) -> None:
    workspace = await make_workspace(db)

    assert await db.workspaces.get(workspace_id=workspace.id) == workspace
    assert await db.workspaces.get_by_chat(tg_chat_id=TG_CHAT_ID) == workspace


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.workspaces.get(workspace_id=999)


async def test_get_by_chat_unknown_raises_not_found(db: Database) -> None:
    await make_workspace(db)
    with pytest.raises(NotFound):
        await db.workspaces.get_by_chat(tg_chat_id=-100999)


async def test_list_all_with_and_without_inactive(db: Database) -> None:
    first = await make_workspace(db, tg_chat_id=-1001)
    detached = await make_workspace(db, tg_chat_id=-1002)
    third = await make_workspace(db, tg_chat_id=-1003)
    await db.workspaces.set_state(workspace_id=detached.id, state="detached")

    active = await db.workspaces.list_all()
    everything = await db.workspaces.list_all(only_active=False)

    assert [w.id for w in active] == [first.id, third.id]
    assert [w.id for w in everything] == [first.id, detached.id, third.id]
    assert [w.state for w in everything] == ["active", "detached", "active"]


async def test_list_all_empty(db: Database) -> None:
    assert await db.workspaces.list_all() == []
    assert await db.workspaces.list_all(only_active=False) == []


async def test_list_for_agent_filters_by_role_and_state(db: Database) -> None:
    admin_ws = await make_workspace(db, tg_chat_id=-1001)
    agent_ws = await make_workspace(db, tg_chat_id=-1002)
    detached_ws = await make_workspace(db, tg_chat_id=-1003)
    foreign_ws = await make_workspace(db, tg_chat_id=-1004)
    anna = await make_agent(db, tg_user_id=1)
    boris = await make_agent(db, tg_user_id=2)
    await db.agents.set_member(workspace_id=admin_ws.id, agent_id=anna.id, role="admin")
    await db.agents.set_member(workspace_id=agent_ws.id, agent_id=anna.id, role="agent")
    await db.agents.set_member(workspace_id=detached_ws.id, agent_id=anna.id, role="admin")
    await db.agents.set_member(workspace_id=foreign_ws.id, agent_id=boris.id, role="admin")
    await db.workspaces.set_state(workspace_id=detached_ws.id, state="detached")

    both = await db.workspaces.list_for_agent(agent_id=anna.id)
    admin_only = await db.workspaces.list_for_agent(agent_id=anna.id, roles=("admin",))
    agent_only = await db.workspaces.list_for_agent(agent_id=anna.id, roles=("agent",))

    assert [w.id for w in both] == [admin_ws.id, agent_ws.id]
    assert [w.id for w in admin_only] == [admin_ws.id]
    assert [w.id for w in agent_only] == [agent_ws.id]
    assert [w.id for w in await db.workspaces.list_for_agent(agent_id=boris.id)] == [foreign_ws.id]
    assert both[0] == await db.workspaces.get(workspace_id=admin_ws.id)


async def test_list_for_agent_without_memberships(db: Database) -> None:
    await make_workspace(db)
    agent = await make_agent(db)
    assert await db.workspaces.list_for_agent(agent_id=agent.id) == []


async def test_set_state_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.workspaces.set_state(workspace_id=999, state="detached")


async def test_set_state_rejects_unknown_state(db: Database) -> None:
    workspace = await make_workspace(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.workspaces.set_state(workspace_id=workspace.id, state="deleted")


async def test_set_state_back_to_active(db: Database) -> None:
    workspace = await make_workspace(db)
    await db.workspaces.set_state(workspace_id=workspace.id, state="detached")
    await db.workspaces.set_state(workspace_id=workspace.id, state="active")

    assert (await db.workspaces.get(workspace_id=workspace.id)).state == "active"


async def test_set_locale(db: Database) -> None:
    workspace = await make_workspace(db, locale="ru")

    await db.workspaces.set_locale(workspace_id=workspace.id, locale="en")

    updated = await db.workspaces.get(workspace_id=workspace.id)
    assert updated.locale == "en"
    assert updated.updated_at >= workspace.updated_at


async def test_set_locale_rejects_unknown_locale(db: Database) -> None:
    workspace = await make_workspace(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.workspaces.set_locale(workspace_id=workspace.id, locale="fr")


async def test_move_to_chat_follows_migrated_group(db: Database) -> None:
    workspace = await make_workspace(db, tg_chat_id=-555)

    moved = await db.workspaces.move_to_chat(old_tg_chat_id=-555, new_tg_chat_id=-100555)

    assert moved.id == workspace.id
    assert moved.tg_chat_id == -100555
    assert moved.title == workspace.title
    assert await db.workspaces.get_by_chat(tg_chat_id=-100555) == moved
    with pytest.raises(NotFound):
        await db.workspaces.get_by_chat(tg_chat_id=-555)


async def test_move_to_chat_already_bound_raises_conflict(db: Database) -> None:
    old = await make_workspace(db, tg_chat_id=-555)
    taken = await make_workspace(db, tg_chat_id=-100555)

    with pytest.raises(Conflict):
        await db.workspaces.move_to_chat(old_tg_chat_id=-555, new_tg_chat_id=-100555)

    assert (await db.workspaces.get(workspace_id=old.id)).tg_chat_id == -555
    assert (await db.workspaces.get(workspace_id=taken.id)).tg_chat_id == -100555


async def test_move_to_chat_unknown_old_chat_raises_not_found(db: Database) -> None:
    await make_workspace(db, tg_chat_id=-555)
    with pytest.raises(NotFound):
        await db.workspaces.move_to_chat(old_tg_chat_id=-777, new_tg_chat_id=-100777)


async def test_set_queue_board_sets_and_clears(db: Database) -> None:
    workspace = await make_workspace(db)

    await db.workspaces.set_queue_board(
        workspace_id=workspace.id, message_id=42, content_hash="abc", edited_at=at(5)
    )
    board = await db.workspaces.get(workspace_id=workspace.id)
    assert board.queue_board_message_id == 42
    assert board.queue_board_hash == "abc"
    assert board.queue_board_edited_at == at(5)

    await db.workspaces.set_queue_board(
        workspace_id=workspace.id, message_id=None, content_hash=None, edited_at=None
    )
    cleared = await db.workspaces.get(workspace_id=workspace.id)
    assert cleared.queue_board_message_id is None
    assert cleared.queue_board_hash is None
    assert cleared.queue_board_edited_at is None


async def test_set_queue_board_touches_only_that_workspace(db: Database) -> None:
    workspace = await make_workspace(db, tg_chat_id=-1001)
    other = await make_workspace(db, tg_chat_id=-1002)

    await db.workspaces.set_queue_board(
        workspace_id=workspace.id, message_id=1, content_hash="x", edited_at=at()
    )

    assert (await db.workspaces.get(workspace_id=other.id)).queue_board_message_id is None


async def test_move_to_chat_bound_concurrently_raises_conflict(db: Database) -> None:
    """The target chat is bound by another transaction after the existence check."""
    old = await make_workspace(db, tg_chat_id=-555)

    async with db.transaction() as conn:
        await db.workspaces.bind(
            tg_chat_id=-100555, title="Other", bound_by_tg_user_id=TG_USER_ID, conn=conn
        )
        move = asyncio.create_task(
            db.workspaces.move_to_chat(old_tg_chat_id=-555, new_tg_chat_id=-100555)
        )
        # Wait until the move is blocked on the uncommitted row, then commit the bind.
        for _ in range(100):
            waiting = await db.pool.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if waiting:
                break
            await asyncio.sleep(0.02)
        assert waiting == 1

    with pytest.raises(Conflict):
        await move
    assert (await db.workspaces.get(workspace_id=old.id)).tg_chat_id == -555
