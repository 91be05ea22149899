"""The membership state machine as a service (plain facts in), against the real database:
each state change and its audit record commit together or not at all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.types import Chat, ChatMemberLeft, ChatMemberMember, ChatMemberUpdated, Update, User

from bot.admin.binding import GroupBinding
from bot.admin.connecting import GroupConnecting
from bot.admin.membership import Change, Membership, StandingChange
from bot.admin.owner_requests import OwnerRequests
from bot.admin.setup import GroupFacts
from bot.handlers import build_router
from bot.settings import Settings
from storage.database import Database
from tests.support.recorded_bot import recorded_bot

CHAT = -100555
ADMIN_RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}


def facts(status: str) -> GroupFacts:
    rights = ADMIN_RIGHTS if status == "administrator" else {}
    return GroupFacts(chat_type="supergroup", is_forum=True, bot_status=status, bot_rights=rights)


def change(before: str, after: str, at: int = 1) -> StandingChange:
    return StandingChange(
        tg_chat_id=CHAT,
        title="Shop",
        actor_tg_user_id=7,
        before=facts(before),
        after=facts(after),
        at_timestamp=at,
    )


def service(db: Database) -> Membership:
    unused: Any = object()  # a seller's pause (unbinding) and the owners' private chats
    binding = GroupBinding(db=db, seller_admin=unused)
    requests = OwnerRequests(bot=unused, owner_ids=(), locale="ru")
    connecting = GroupConnecting(binding=binding, requests=requests, owner_ids=(), locale="ru")
    return Membership(db=db, kick=lambda: None, default_locale="ru", connecting=connecting)


async def audit(db: Database) -> list[str]:
    return [r["action"] for r in await db.pool.fetch("SELECT action FROM audit_log ORDER BY id")]


async def test_a_new_group_is_registered_pending_and_told(db: Database) -> None:
    result = await service(db).standing_changed(change("left", "administrator"))
    assert result.change is Change.REGISTERED
    workspace = await db.workspaces.get_by_chat(tg_chat_id=CHAT)
    assert workspace.state == "pending"
    assert await db.pool.fetchval("SELECT count(*) FROM tg_outbox") == 1


async def test_leaving_detaches_and_coming_back_reattaches_with_audit(db: Database) -> None:
    await db.workspaces.bind(tg_chat_id=CHAT, title="Shop", bound_by_tg_user_id=7)
    members = service(db)
    assert (await members.standing_changed(change("administrator", "kicked"))).change is (
        Change.DETACHED
    )
    assert (await db.workspaces.get_by_chat(tg_chat_id=CHAT)).state == "detached"
    assert (await members.standing_changed(change("kicked", "left"))).change is Change.NONE
    back = await members.standing_changed(change("left", "administrator", at=2))
    assert back.change is Change.BACK
    assert (await db.workspaces.get_by_chat(tg_chat_id=CHAT)).state == "active"
    assert await audit(db) == ["workspace.detach", "workspace.reattach"]


async def test_a_failed_audit_record_leaves_the_state_unchanged(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await db.workspaces.bind(tg_chat_id=CHAT, title="Shop", bound_by_tg_user_id=7)

    async def broken(**_: Any) -> None:
        raise RuntimeError("audit table away")

    monkeypatch.setattr(db.audit, "record", broken)
    with pytest.raises(RuntimeError):
        await service(db).standing_changed(change("administrator", "left"))
    assert (await db.workspaces.get_by_chat(tg_chat_id=CHAT)).state == "active"  # neither
    monkeypatch.undo()
    assert await audit(db) == []
    # Run again (the processor retries): now both land.
    await service(db).standing_changed(change("administrator", "left"))
    assert (await db.workspaces.get_by_chat(tg_chat_id=CHAT)).state == "detached"
    assert await audit(db) == ["workspace.detach"]


async def test_a_migration_and_its_audit_commit_together(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await db.workspaces.bind(tg_chat_id=-555, title="Shop", bound_by_tg_user_id=7)

    async def broken(**_: Any) -> None:
        raise RuntimeError("audit table away")

    monkeypatch.setattr(db.audit, "record", broken)
    with pytest.raises(RuntimeError):
        await service(db).follow_migration(
            old_tg_chat_id=-555, new_tg_chat_id=CHAT, actor_tg_user_id=7
        )
    assert await db.workspaces.find_by_chat(tg_chat_id=CHAT) is None  # not moved
    monkeypatch.undo()
    moved = await service(db).follow_migration(
        old_tg_chat_id=-555, new_tg_chat_id=CHAT, actor_tg_user_id=7
    )
    assert moved is not None and moved.tg_chat_id == CHAT
    again = await service(db).follow_migration(  # the same news through the other chat
        old_tg_chat_id=-555, new_tg_chat_id=CHAT, actor_tg_user_id=7
    )
    assert again is None
    assert await audit(db) == ["workspace.move"]


async def test_the_handler_hands_telegrams_update_to_the_service(db: Database) -> None:
    bot_user = User(id=42, is_bot=True, first_name="bot")
    update = Update(
        update_id=1,
        my_chat_member=ChatMemberUpdated(
            chat=Chat(id=CHAT, type="supergroup", title="Shop", is_forum=True),
            from_user=User(id=7, is_bot=False, first_name="Вера"),
            date=datetime.now(UTC),
            old_chat_member=ChatMemberLeft(user=bot_user),
            new_chat_member=ChatMemberMember(user=bot_user),
        ),
    )
    unused: Any = object()
    dp = Dispatcher(
        settings=Settings(), db=db, outbox=unused, access=unused, membership=service(db)
    )
    dp.include_router(build_router())
    bot, session = recorded_bot()
    await dp.feed_update(bot, update)
    assert (await db.workspaces.get_by_chat(tg_chat_id=CHAT)).state == "pending"
    assert session.requests == []  # the group is told through the outbox
    assert await db.pool.fetchval("SELECT count(*) FROM tg_outbox") == 1
