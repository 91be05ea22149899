"""The bot's own standing in groups: added, promoted, demoted, removed, migrated."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated, Message

from bot.admin.notify import post_in_group
from bot.admin.setup import assess, report_text
from bot.handlers.setup import facts_for
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import text
from storage.database import Database
from storage.errors import Conflict, NotFound

logger = logging.getLogger(__name__)

GONE = {ChatMemberStatus.LEFT, ChatMemberStatus.KICKED}


async def on_my_chat_member(
    event: ChatMemberUpdated, db: Database, settings: Settings, outbox: Outbox
) -> None:
    chat = event.chat
    actor = event.from_user.id
    existing = await db.workspaces.find_by_chat(tg_chat_id=chat.id)
    if event.new_chat_member.status in GONE:
        if existing is not None and existing.state != "detached":
            await db.workspaces.set_state(workspace_id=existing.id, state="detached")
            await db.audit.record(
                actor_tg_user_id=actor,
                action="workspace.detach",
                workspace_id=existing.id,
                details={"tg_chat_id": chat.id, "status": str(event.new_chat_member.status)},
            )
            logger.info("workspace=%d detached: the bot left chat=%d", existing.id, chat.id)
        return
    report = assess(facts_for(chat, event.new_chat_member))
    was_present = event.old_chat_member.status not in GONE
    if existing is None:
        workspace = await db.workspaces.register_pending(
            tg_chat_id=chat.id, title=chat.title or "", locale=settings.locale
        )
        body = (
            text("setup.hello", workspace.locale)
            + "\n\n"
            + report_text(report, workspace.locale, bound=False)
        )
    elif existing.state == "detached" or not was_present:
        back = "active" if existing.bound_by_tg_user_id is not None else "pending"
        await db.workspaces.set_state(workspace_id=existing.id, state=back)
        workspace = await db.workspaces.get(workspace_id=existing.id)
        if back == "active":
            await db.audit.record(
                actor_tg_user_id=actor,
                action="workspace.reattach",
                workspace_id=existing.id,
                details={"tg_chat_id": chat.id},
            )
            logger.info("workspace=%d active again in chat=%d", existing.id, chat.id)
        body = (
            text("setup.back", workspace.locale)
            + "\n\n"
            + report_text(report, workspace.locale, bound=back == "active")
        )
    else:
        before = assess(facts_for(chat, event.old_chat_member))
        if before.problems == report.problems:
            return  # a change that does not matter to us
        workspace = existing
        body = report_text(report, workspace.locale, bound=workspace.state == "active")
    await post_in_group(
        db,
        workspace=workspace,
        html_text=body,
        key=f"member:{chat.id}:{event.date.timestamp():.0f}:{event.new_chat_member.status}:"
        + ",".join(report.problems),
        kick=outbox.kick,
    )


async def on_migrated(message: Message, db: Database) -> None:
    """A group became a supergroup: follow it (Telegram sends this in both chats)."""
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        assert message.migrate_from_chat_id is not None
        old, new = message.migrate_from_chat_id, message.chat.id
    try:
        workspace = await db.workspaces.move_to_chat(old_tg_chat_id=old, new_tg_chat_id=new)
    except (NotFound, Conflict):
        return  # not ours, or already followed through the other chat's message
    await db.audit.record(
        actor_tg_user_id=message.from_user.id if message.from_user else 0,
        action="workspace.move",
        workspace_id=workspace.id,
        details={"from_tg_chat_id": old, "to_tg_chat_id": new},
    )
    logger.info("workspace=%d moved to chat=%d", workspace.id, new)


def build_router() -> Router:
    router = Router(name=__name__)
    in_group = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})
    router.my_chat_member.register(on_my_chat_member, in_group)
    router.message.register(on_migrated, F.migrate_to_chat_id | F.migrate_from_chat_id)
    return router
