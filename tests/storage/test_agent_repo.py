"""AgentRepo: people known to the bot and their per-workspace roles."""

from __future__ import annotations

import asyncpg
import pytest

from storage.database import Database
from storage.errors import NotFound
from tests.storage.factories import TG_USER_ID, make_agent, make_workspace


async def test_upsert_creates_agent(db: Database) -> None:
    agent = await db.agents.upsert(tg_user_id=TG_USER_ID, display_name="Anna", username="anna")

    assert agent.id > 0
    assert agent.tg_user_id == TG_USER_ID
    assert agent.display_name == "Anna"
    assert agent.username == "anna"
    assert agent.locale is None
    assert agent.last_seen_at is not None
    assert await db.agents.get(agent_id=agent.id) == agent


async def test_upsert_twice_refreshes_names_and_keeps_identity(db: Database) -> None:
    first = await db.agents.upsert(tg_user_id=TG_USER_ID, display_name="Anna", username="anna")
    second = await db.agents.upsert(tg_user_id=TG_USER_ID, display_name="Anna K.", username=None)

    assert second.id == first.id
    assert second.created_at == first.created_at
    assert second.display_name == "Anna K."
    assert second.username is None
    assert second.last_seen_at is not None
    assert first.last_seen_at is not None
    assert second.last_seen_at >= first.last_seen_at
    assert await db.pool.fetchval("SELECT count(*) FROM agents") == 1


async def test_upsert_keeps_locale(db: Database) -> None:
    agent = await make_agent(db)
    await db.agents.set_locale(agent_id=agent.id, locale="en")

    again = await make_agent(db, display_name="Other name")

    assert again.locale == "en"


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.agents.get(agent_id=424242)


async def test_get_by_tg_user(db: Database) -> None:
    agent = await make_agent(db, tg_user_id=555)
    await make_agent(db, tg_user_id=556, display_name="Boris")

    found = await db.agents.get_by_tg_user(tg_user_id=555)

    assert found == agent


async def test_get_by_tg_user_unknown_raises_not_found(db: Database) -> None:
    await make_agent(db, tg_user_id=555)
    with pytest.raises(NotFound):
        await db.agents.get_by_tg_user(tg_user_id=999)


async def test_set_locale_sets_and_clears(db: Database) -> None:
    agent = await make_agent(db)

    await db.agents.set_locale(agent_id=agent.id, locale="en")
    assert (await db.agents.get(agent_id=agent.id)).locale == "en"

    await db.agents.set_locale(agent_id=agent.id, locale=None)
    assert (await db.agents.get(agent_id=agent.id)).locale is None


async def test_set_locale_rejects_unknown_locale(db: Database) -> None:
    agent = await make_agent(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.agents.set_locale(agent_id=agent.id, locale="de")


async def test_set_member_creates_membership_with_defaults(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)

    member = await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="admin")

    assert member.workspace_id == workspace.id
    assert member.agent_id == agent.id
    assert member.role == "admin"
    assert member.can_reply is True
    assert await db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id) == member


async def test_set_member_overwrites_role_and_refreshes_check_stamp(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)
    first = await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="admin")

    second = await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="agent")

    assert second.role == "agent"
    assert second.created_at == first.created_at
    assert second.role_checked_at >= first.role_checked_at
    members = await db.agents.list_members(workspace_id=workspace.id)
    assert [(m.agent_id, m.role) for m in members] == [(agent.id, "agent")]


async def test_set_member_keeps_can_reply_when_role_changes(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)
    await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="agent")
    await db.agents.set_can_reply(workspace_id=workspace.id, agent_id=agent.id, can_reply=False)

    member = await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="admin")

    assert member.role == "admin"
    assert member.can_reply is False


async def test_set_member_rejects_unknown_role(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="owner")


async def test_get_member_unknown_raises_not_found(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)
    with pytest.raises(NotFound):
        await db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id)


async def test_set_can_reply_toggles(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)
    await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="agent")

    await db.agents.set_can_reply(workspace_id=workspace.id, agent_id=agent.id, can_reply=False)
    member = await db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id)
    assert member.can_reply is False

    await db.agents.set_can_reply(workspace_id=workspace.id, agent_id=agent.id, can_reply=True)
    member = await db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id)
    assert member.can_reply is True


async def test_set_can_reply_for_non_member_raises_not_found(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)
    with pytest.raises(NotFound):
        await db.agents.set_can_reply(
            workspace_id=workspace.id, agent_id=agent.id, can_reply=False
        )


async def test_list_members_of_one_workspace_only(db: Database) -> None:
    workspace = await make_workspace(db, tg_chat_id=-1001)
    other = await make_workspace(db, tg_chat_id=-1002)
    anna = await make_agent(db, tg_user_id=1, display_name="Anna")
    boris = await make_agent(db, tg_user_id=2, display_name="Boris")
    carl = await make_agent(db, tg_user_id=3, display_name="Carl")
    await db.agents.set_member(workspace_id=workspace.id, agent_id=anna.id, role="admin")
    await db.agents.set_member(workspace_id=workspace.id, agent_id=boris.id, role="agent")
    await db.agents.set_member(workspace_id=other.id, agent_id=carl.id, role="admin")

    members = await db.agents.list_members(workspace_id=workspace.id)

    assert [(m.agent_id, m.role) for m in members] == [(anna.id, "admin"), (boris.id, "agent")]
    assert await db.agents.list_members(workspace_id=other.id + 100) == []


async def test_remove_member(db: Database) -> None:
    workspace = await make_workspace(db)
    agent = await make_agent(db)
    await db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role="agent")

    assert await db.agents.remove_member(workspace_id=workspace.id, agent_id=agent.id) is True
    assert await db.agents.remove_member(workspace_id=workspace.id, agent_id=agent.id) is False

    assert await db.agents.list_members(workspace_id=workspace.id) == []
    with pytest.raises(NotFound):
        await db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id)
    # The person stays known; only the membership is gone.
    assert (await db.agents.get(agent_id=agent.id)).id == agent.id


async def test_conn_argument_uses_callers_transaction(db: Database) -> None:
    workspace = await make_workspace(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            agent = await db.agents.upsert(tg_user_id=77, display_name="Temp", conn=conn)
            await db.agents.set_member(
                workspace_id=workspace.id, agent_id=agent.id, role="agent", conn=conn
            )
            assert len(await db.agents.list_members(workspace_id=workspace.id, conn=conn)) == 1
            raise RuntimeError("roll back")

    with pytest.raises(NotFound):
        await db.agents.get_by_tg_user(tg_user_id=77)
    assert await db.agents.list_members(workspace_id=workspace.id) == []
