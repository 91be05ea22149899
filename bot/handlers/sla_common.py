"""Helpers shared by the SLA handlers: where a command applies and how to answer it.

In a private chat the bot answers directly; in the group every answer is a post, so it goes
through the durable Telegram queue (budget, retries) into the topic the command came from.
"""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import Message

from bot.access import AccessControl, Role
from bot.outbox.queue import enqueue_notice
from bot.outbox.worker import NO_PREVIEW
from bot.sla.service import SlaService
from bot.texts import Locale
from storage.errors import NotFound
from storage.records import Seller, Workspace


def is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


async def group_workspace(message: Message, sla: SlaService) -> Workspace | None:
    if is_private(message):
        return None
    try:
        workspace = await sla.db.workspaces.get_by_chat(tg_chat_id=message.chat.id)
    except NotFound:
        return None
    return workspace if workspace.state == "active" else None


async def role_in(message: Message, access: AccessControl, workspace: Workspace) -> Role:
    user = message.from_user
    if user is None or user.is_bot:
        return Role.NONE
    return await access.role(
        tg_user_id=user.id,
        workspace=workspace,
        display_name=user.full_name,
        username=user.username,
    )


async def scope(
    message: Message, access: AccessControl, sla: SlaService, minimum: Role
) -> tuple[list[Workspace], Locale | None]:
    """Workspaces the command covers: the group itself, or (in private) every workspace
    where the sender has at least ``minimum``. The locale is the group's when in a group."""
    user = message.from_user
    if user is None:
        return [], None
    workspace = await group_workspace(message, sla)
    if workspace is not None:
        role = await role_in(message, access, workspace)
        return ([workspace] if role >= minimum else []), workspace.locale
    if not is_private(message):
        return [], None
    if minimum >= Role.ADMIN:
        return await access.administered_workspaces(user.id), None
    found = []
    for candidate in await sla.db.workspaces.list_all(only_active=True):
        if await access.at_least(minimum, tg_user_id=user.id, workspace=candidate):
            found.append(candidate)
    return found, None


async def sellers_of(sla: SlaService, workspaces: list[Workspace]) -> list[Seller]:
    sellers: list[Seller] = []
    for workspace in workspaces:
        sellers += await sla.db.sellers.list_all(workspace_id=workspace.id)
    return sellers


async def respond(message: Message, sla: SlaService, html_text: str) -> None:
    """Answer where the command was typed (private: at once; group: via the queue)."""
    if is_private(message):
        await message.answer(html_text, link_preview_options=NO_PREVIEW)
        return
    try:
        workspace = await sla.db.workspaces.get_by_chat(tg_chat_id=message.chat.id)
    except NotFound:
        return  # a group that is not bound: the bot stays silent there
    thread_id = message.message_thread_id if message.is_topic_message else None
    await enqueue_notice(
        sla.db,
        workspace_id=workspace.id,
        text=html_text,
        key=f"cmd:{message.chat.id}:{message.message_id}",
        thread_id=thread_id,
        reply_to=message.message_id,
    )
    sla.kick()
