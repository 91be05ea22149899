"""Claiming chats (the "Take" button, /take, /release, /assign) and /queue."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, User

from bot.access import AccessControl, Role
from bot.handlers.sla_common import group_workspace, respond, role_in, scope, sellers_of
from bot.outbox.kinds import Notice
from bot.outbox.queue import enqueue
from bot.sla.board import chat_line
from bot.sla.claims import Action, ClaimCallback, ClaimResult, Outcome, apply
from bot.sla.service import SlaService
from bot.texts import Locale, text
from bot.texts.markup import visible
from storage.errors import NotFound
from storage.records import Agent, Chat, Workspace
from storage.sla_queue_repo import QueueFilter
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK

logger = logging.getLogger(__name__)

_ANNOUNCED = {Outcome.TAKEN: "claim.taken", Outcome.ASSIGNED: "claim.taken"}
_REFUSALS = {
    Outcome.ALREADY_YOURS: "claim.already_yours",
    Outcome.OWNED_BY: "claim.owned_by",
    Outcome.NOT_OWNER: "claim.not_owner",
    Outcome.NOBODY_OWNS: "claim.nobody_owns",
    Outcome.FORBIDDEN: "admin_only",
}


def _result_text(result: ClaimResult, locale: Locale, actor_name: str) -> str:
    owner = result.owner_name or ""
    if result.outcome is Outcome.RELEASED:
        return text("claim.released", locale, agent=actor_name)
    key = _ANNOUNCED.get(result.outcome) or _REFUSALS[result.outcome]
    return text(key, locale, agent=owner)


async def on_claim_button(
    query: CallbackQuery,
    callback_data: ClaimCallback,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> None:
    """Checked on the server: the chat must live in the group the button was pressed in,
    and the presser must be a member of it."""
    message = query.message
    user = query.from_user
    chat: Chat | None = None
    workspace: Workspace | None = None
    try:
        if message is not None:
            workspace = await sla.db.workspaces.get_by_chat(tg_chat_id=message.chat.id)
            chat = await sla.db.chats.get(chat_id=callback_data.chat)
    except NotFound:
        chat = None
    if workspace is None or chat is None or chat.topic_workspace_id != workspace.id:
        await query.answer(text("claim.forbidden", locale), show_alert=True)
        return
    locale = workspace.locale
    role = await access.role(
        tg_user_id=user.id,
        workspace=workspace,
        display_name=user.full_name,
        username=user.username,
    )
    if role < Role.AGENT:
        await query.answer(text("claim.forbidden", locale), show_alert=True)
        return
    agent = await _agent_of(sla, user)
    result = await apply(
        sla.db, chat_id=chat.id, action=Action.TAKE, actor=agent.id, is_admin=role >= Role.ADMIN
    )
    if result.outcome in _ANNOUNCED:
        await query.answer(text("claim.ok", locale))
        await _announce(
            sla, chat, key=f"claimcb:{query.id}", result=result, actor_name=user.full_name
        )
    else:
        await query.answer(visible(_result_text(result, locale, user.full_name)), show_alert=True)


async def _agent_of(sla: SlaService, user: User) -> Agent:
    """The presser's agent row. Owners get their role without a Telegram lookup, so the
    row may not exist yet on their first claim: create it rather than fail."""
    return await sla.db.agents.upsert(
        tg_user_id=user.id, display_name=user.full_name, username=user.username
    )


async def _announce(
    sla: SlaService,
    chat: Chat,
    *,
    key: str,
    result: ClaimResult,
    actor_name: str,
    reply_to: int | None = None,
) -> None:
    """Tell the topic who owns the chat now (or why not), through the Telegram queue."""
    workspace = await sla.db.workspaces.get(workspace_id=chat.topic_workspace_id or 0)
    await enqueue(
        sla.db,
        Notice(text=_result_text(result, workspace.locale, actor_name), reply_to=reply_to),
        workspace_id=workspace.id,
        priority=PRIORITY_AGENT_FEEDBACK,
        chat_id=chat.id,
        dedup_key=key,
    )
    sla.kick()


async def _topic_chat(message: Message, sla: SlaService) -> tuple[Workspace, Chat] | None:
    workspace = await group_workspace(message, sla)
    if workspace is None or not message.is_topic_message or message.message_thread_id is None:
        return None
    try:
        chat = await sla.db.chats.get_by_topic(
            workspace_id=workspace.id, thread_id=message.message_thread_id
        )
    except NotFound:
        return None
    return workspace, chat


async def _claim_command(
    message: Message, sla: SlaService, access: AccessControl, locale: Locale, action: Action
) -> None:
    found = await _topic_chat(message, sla)
    user = message.from_user
    if found is None or user is None:
        if await group_workspace(message, sla) is not None or message.chat.type == "private":
            await respond(message, sla, text("claim.not_a_topic", locale))
        return
    workspace, chat = found
    role = await role_in(message, access, workspace)
    if role < Role.AGENT:
        return
    agent = await _agent_of(sla, user)
    result = await apply(
        sla.db, chat_id=chat.id, action=action, actor=agent.id, is_admin=role >= Role.ADMIN
    )
    await _announce(
        sla,
        chat,
        key=f"cmd:{message.chat.id}:{message.message_id}",
        result=result,
        actor_name=user.full_name,
        reply_to=message.message_id,
    )


async def take(message: Message, sla: SlaService, access: AccessControl, locale: Locale) -> None:
    await _claim_command(message, sla, access, locale, Action.TAKE)


async def release(
    message: Message, sla: SlaService, access: AccessControl, locale: Locale
) -> None:
    await _claim_command(message, sla, access, locale, Action.RELEASE)


async def assign(
    message: Message,
    command: CommandObject,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> None:
    """/assign @user (or in reply to the person's message), admins only, in a topic."""
    found = await _topic_chat(message, sla)
    user = message.from_user
    if found is None or user is None:
        await respond(message, sla, text("claim.not_a_topic", locale))
        return
    workspace, chat = found
    locale = workspace.locale
    role = await role_in(message, access, workspace)
    if role < Role.ADMIN:
        await respond(message, sla, text("admin_only", locale))
        return
    target = await _assign_target(message, command, sla)
    if target is None:
        key = "assign.unknown" if (command.args or "").strip() else "assign.usage"
        await respond(message, sla, text(key, locale))
        return
    target_role = await access.role(
        tg_user_id=target.tg_user_id,
        workspace=workspace,
        display_name=target.display_name,
        username=target.username,
    )
    if target_role < Role.AGENT:
        await respond(message, sla, text("assign.unknown", locale))
        return
    admin = await _agent_of(sla, user)
    result = await apply(
        sla.db,
        chat_id=chat.id,
        action=Action.ASSIGN,
        actor=admin.id,
        is_admin=True,
        target=target.id,
    )
    await sla.db.audit.record(
        actor_tg_user_id=user.id,
        action="sla.assign",
        workspace_id=workspace.id,
        seller_id=chat.seller_id,
        details={"chat_id": chat.id, "agent_id": target.id},
    )
    await enqueue(
        sla.db,
        Notice(
            text=text(
                "claim.assigned",
                locale,
                admin=user.full_name,
                agent=result.owner_name or "",
            ),
            reply_to=message.message_id,
        ),
        workspace_id=workspace.id,
        priority=PRIORITY_AGENT_FEEDBACK,
        chat_id=chat.id,
        dedup_key=f"cmd:{message.chat.id}:{message.message_id}",
    )
    sla.kick()


async def _assign_target(
    message: Message, command: CommandObject, sla: SlaService
) -> Agent | None:
    """The person named by @username (seen by the bot before), or the replied-to author."""
    args = (command.args or "").strip()
    if args:
        return await sla.queue.agent_by_username(username=args.split()[0])
    replied = message.reply_to_message
    if (
        replied is None
        or replied.forum_topic_created is not None
        or replied.from_user is None
        or replied.from_user.is_bot
    ):
        return None
    person = replied.from_user
    return await sla.db.agents.upsert(
        tg_user_id=person.id, display_name=person.full_name, username=person.username
    )


# ------------------------------------------------------------------ /queue


def parse_filter(args: str) -> tuple[str, str]:
    """(kind, value): urgent / overdue / unread / mine / seller <text> / all."""
    word = args.strip().lower()
    if not word or word in ("all", "все"):
        return "all", ""
    aliases = {
        "срочные": "urgent",
        "просрочены": "overdue",
        "просроченные": "overdue",
        "непрочитанные": "unread",
        "свободные": "unread",
        "мои": "mine",
    }
    word = aliases.get(word, word)
    if word in ("urgent", "overdue", "unread", "mine"):
        return word, ""
    return "seller", args.strip()


async def queue(
    message: Message,
    command: CommandObject,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> None:
    workspaces, group_locale = await scope(message, access, sla, Role.AGENT)
    locale = group_locale or locale
    if not workspaces:
        if message.chat.type == "private":
            await respond(message, sla, text("no_workspace", locale))
        return
    kind, value = parse_filter(command.args or "")
    now = sla.clock()
    user = message.from_user
    assert user is not None
    lines: list[str] = []
    total = 0
    for workspace in workspaces:
        where = await _filter_for(
            kind, value, sla=sla, workspace=workspace, tg_user_id=user.id, now=now
        )
        if where is None:
            continue
        chats = await sla.waiting(workspace, where, limit=30)
        if chats:
            total += chats[0].total
        lines += [
            chat_line(c, tg_chat_id=workspace.tg_chat_id, now=now, locale=locale, rough=False)
            for c in chats
        ]
    if not lines:
        body = text("queue.empty", locale)
    else:
        body = "\n".join([text("queue.title", locale, count=total), *lines[:30]])
        if total > len(lines[:30]):
            body += "\n" + text("board.more", locale, count=total - len(lines[:30]))
    if kind == "all":
        body += "\n\n" + text("queue.usage", locale)
    await respond(message, sla, body)


async def _filter_for(
    kind: str, value: str, *, sla: SlaService, workspace: Workspace, tg_user_id: int, now: datetime
) -> QueueFilter | None:
    simple = {
        "urgent": QueueFilter(priority="urgent"),
        "overdue": QueueFilter(overdue_at=now),
        "unread": QueueFilter(unclaimed=True),
        "all": QueueFilter(),
    }
    if kind in simple:
        return simple[kind]
    if kind == "mine":
        try:
            agent = await sla.db.agents.get_by_tg_user(tg_user_id=tg_user_id)
        except NotFound:
            return None
        return QueueFilter(owner_agent_id=agent.id)
    wanted = value.lower()
    ids = [
        s.id
        for s in await sellers_of(sla, [workspace])
        if wanted in s.name.lower() or wanted == str(s.id)
    ]
    return QueueFilter(seller_ids=ids) if ids else None


async def topic_only(message: Message, locale: Locale) -> None:
    """/take, /release and /assign in private: say where they work instead of silence."""
    await message.answer(text("claim.not_a_topic", locale))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_claim_button, ClaimCallback.filter())
    router.message.register(
        topic_only, Command("take", "release", "assign"), F.chat.type == "private"
    )
    router.message.register(take, Command("take"), F.chat.type == "supergroup")
    router.message.register(release, Command("release"), F.chat.type == "supergroup")
    router.message.register(assign, Command("assign"), F.chat.type == "supergroup")
    router.message.register(queue, Command("queue"))
    return router
