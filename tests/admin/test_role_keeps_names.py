"""A role check that does not know the person's name must not erase it: /assign @anna
finds Anna by username, and claims announce her by name, after she used /sellers, /ai or
/queue in private (where the role is checked by id only)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import ChatMemberMember, User

from bot.access import AccessControl, Role
from storage.database import Database


class MemberBot:
    async def get_chat_member(self, *, chat_id: int, user_id: int) -> ChatMemberMember:
        return ChatMemberMember(user=User(id=user_id, is_bot=False, first_name="Анна"))


async def test_a_role_check_by_id_keeps_the_name_and_username(db: Database) -> None:
    workspace = await db.workspaces.bind(
        tg_chat_id=-100123, title="Поддержка", bound_by_tg_user_id=1
    )
    await db.agents.upsert(tg_user_id=555, display_name="Анна", username="anna")
    bot: Bot = MemberBot()  # type: ignore[assignment]
    access = AccessControl(db=db, bot=bot, owner_ids=set())

    assert await access.at_least(Role.AGENT, tg_user_id=555, workspace=workspace)
    assert await access.administered_workspaces(555) == []

    agent = await db.agents.get_by_tg_user(tg_user_id=555)
    assert (agent.display_name, agent.username) == ("Анна", "anna")
    assert (
        await access.role(
            tg_user_id=555, workspace=workspace, display_name="Анна К.", username="anna_k"
        )
        is Role.AGENT
    )
    renamed = await db.agents.get_by_tg_user(tg_user_id=555)
    assert (renamed.display_name, renamed.username) == ("Анна К.", "anna_k")
