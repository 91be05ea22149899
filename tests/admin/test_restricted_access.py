"""A "restricted" member who has left the group is no member: Telegram keeps the
restriction (status "restricted", is_member false) after the person is gone, and such a
person must not keep an agent's rights (the queue in private, the Take button)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import ChatMemberRestricted, User

from bot.access import AccessControl, Role
from storage.database import Database

PERMISSIONS = [name for name in ChatMemberRestricted.model_fields if name.startswith("can_")]


class RestrictedBot:
    """Answers getChatMember as Telegram does for a restricted person."""

    def __init__(self, *, is_member: bool) -> None:
        self.is_member = is_member

    async def get_chat_member(self, *, chat_id: int, user_id: int) -> ChatMemberRestricted:
        values: dict[str, Any] = dict.fromkeys(PERMISSIONS, False)
        return ChatMemberRestricted(
            user=User(id=user_id, is_bot=False, first_name="Гость"),
            is_member=self.is_member,
            until_date=datetime(2030, 1, 1, tzinfo=UTC),
            **values,
        )


@pytest.mark.parametrize(("is_member", "role"), [(True, Role.AGENT), (False, Role.NONE)])
async def test_a_restricted_person_is_an_agent_only_while_a_member(
    db: Database, is_member: bool, role: Role
) -> None:
    workspace = await db.workspaces.bind(
        tg_chat_id=-100123, title="Поддержка", bound_by_tg_user_id=1
    )
    bot: Bot = RestrictedBot(is_member=is_member)  # type: ignore[assignment]
    access = AccessControl(db=db, bot=bot, owner_ids=set())
    assert await access.role(tg_user_id=555, workspace=workspace) is role
    assert await access.chat_role(tg_user_id=555, tg_chat_id=-100123) is role
