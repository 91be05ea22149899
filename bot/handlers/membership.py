"""The bot's own standing in groups (added, promoted, demoted, removed, migrated): the
handler turns Telegram's update into plain facts; ``bot.admin.membership`` decides."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.types import ChatMemberUpdated, Message

from bot.access import AccessControl, Role
from bot.admin.membership import Membership, StandingChange
from bot.admin.setup import assess, facts_for


async def on_my_chat_member(
    event: ChatMemberUpdated, bot: Bot, access: AccessControl, membership: Membership
) -> None:
    after = facts_for(event.chat, event.new_chat_member)
    role, username = Role.NONE, ""
    if assess(after).ready:  # only then may the change connect the group
        role = await access.chat_role(tg_user_id=event.from_user.id, tg_chat_id=event.chat.id)
        username = (await bot.me()).username or ""
    await membership.standing_changed(
        StandingChange(
            tg_chat_id=event.chat.id,
            title=event.chat.title or "",
            actor_tg_user_id=event.from_user.id,
            before=facts_for(event.chat, event.old_chat_member),
            after=after,
            at_timestamp=int(event.date.timestamp()),
            actor_name=event.from_user.full_name,
            actor_role=role,
            bot_username=username,
        )
    )


async def on_migrated(message: Message, membership: Membership) -> None:
    """A group became a supergroup: follow it (Telegram sends this in both chats)."""
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        assert message.migrate_from_chat_id is not None
        old, new = message.migrate_from_chat_id, message.chat.id
    await membership.follow_migration(
        old_tg_chat_id=old,
        new_tg_chat_id=new,
        actor_tg_user_id=message.from_user.id if message.from_user else 0,
    )


def build_router() -> Router:
    router = Router(name=__name__)
    in_group = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})
    router.my_chat_member.register(on_my_chat_member, in_group)
    router.message.register(on_migrated, F.migrate_to_chat_id | F.migrate_from_chat_id)
    return router
