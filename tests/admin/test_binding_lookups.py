"""The two workspace calls the group handlers make instead of reaching into the database:
which workspace a group is (:meth:`GroupBinding.workspace_of`) and remembering a group a
/setup could not bind (:meth:`GroupBinding.remember`). Real PostgreSQL."""

from __future__ import annotations

from typing import Any

from bot.admin.binding import GroupBinding
from storage.database import Database

CHAT = -100_555


def binding(db: Database) -> GroupBinding:
    unused: Any = object()  # seller_admin: only unbinding pauses shops
    return GroupBinding(db=db, seller_admin=unused)


async def test_an_unknown_group_has_no_workspace(db: Database) -> None:
    assert await binding(db).workspace_of(tg_chat_id=CHAT) is None


async def test_a_group_is_found_in_any_state(db: Database) -> None:
    service = binding(db)
    pending = await service.remember(tg_chat_id=CHAT, title="Поддержка", locale="en")
    assert await service.workspace_of(tg_chat_id=CHAT) == pending
    await db.workspaces.bind(tg_chat_id=CHAT, title="Поддержка", bound_by_tg_user_id=7)
    await db.workspaces.set_state(workspace_id=pending.id, state="detached")
    found = await service.workspace_of(tg_chat_id=CHAT)
    assert found is not None
    assert (found.id, found.state) == (pending.id, "detached")


async def test_remembering_a_group_makes_it_pending_in_its_language(db: Database) -> None:
    workspace = await binding(db).remember(tg_chat_id=CHAT, title="Поддержка", locale="en")
    assert (workspace.state, workspace.title, workspace.locale) == ("pending", "Поддержка", "en")
    assert workspace.bound_by_tg_user_id is None
    assert await db.audit.list_recent() == []  # nothing granted, nothing to audit


async def test_remembering_a_bound_group_keeps_it_bound(db: Database) -> None:
    bound = await db.workspaces.bind(tg_chat_id=CHAT, title="Старое", bound_by_tg_user_id=7)
    again = await binding(db).remember(tg_chat_id=CHAT, title="Новое", locale="ru")
    assert (again.id, again.state, again.title) == (bound.id, "active", "Новое")
