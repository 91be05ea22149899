"""Claiming chats (the "Take" button, /take, /release, /assign) and /queue."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, User

from bot.access import AccessControl, Presser, Role
from bot.handlers.sla_common import respond, scope, sellers_of
from bot.sla.board import chat_line
from bot.sla.callbacks import ClaimCallback
from bot.sla.claims import Action
from bot.sla.commands import ClaimCommands, Reply, TopicMessage
from bot.sla.service import SlaService
from bot.texts import Locale, text
from bot.texts.markup import visible
from storage.errors import NotFound
from storage.records import Workspace
from storage.sla_queue_repo import QueueFilter

logger = logging.getLogger(__name__)


def _person(user: User) -> Presser:
    return Presser(tg_user_id=user.id, name=user.full_name, username=user.username)


def _where(message: Message) -> TopicMessage:
    thread = message.message_thread_id if message.is_topic_message else None
    return TopicMessage(
        tg_chat_id=message.chat.id, thread_id=thread, message_id=message.message_id
    )


async def on_claim_button(
    query: CallbackQuery,
    callback_data: ClaimCallback,
    claims: ClaimCommands,
    locale: Locale,
) -> None:
    if query.message is None:
        await query.answer(text("claim.forbidden", locale), show_alert=True)
        return
    reply = await claims.press_take(
        tg_chat_id=query.message.chat.id,
        chat_id=callback_data.chat,
        presser=_person(query.from_user),
        query_id=query.id,
        locale=locale,
    )
    await query.answer(visible(reply.text or ""), show_alert=reply.alert)


async def _answer(message: Message, sla: SlaService, reply: Reply) -> None:
    if reply.text is not None:
        await respond(message, sla, reply.text)


async def _claim_command(
    message: Message, claims: ClaimCommands, sla: SlaService, locale: Locale, action: Action
) -> None:
    user = message.from_user
    if user is None:
        return
    where = _where(message)
    if (
        await claims.topic_chat(where) is None
        and await claims.active_workspace(message.chat.id) is None
    ):
        return  # a group that is not ours: the bot stays silent there
    reply = await claims.take_or_release(where, _person(user), action, locale)
    await _answer(message, sla, reply)


async def take(message: Message, claims: ClaimCommands, sla: SlaService, locale: Locale) -> None:
    await _claim_command(message, claims, sla, locale, Action.TAKE)


async def release(
    message: Message, claims: ClaimCommands, sla: SlaService, locale: Locale
) -> None:
    await _claim_command(message, claims, sla, locale, Action.RELEASE)


async def assign(
    message: Message,
    command: CommandObject,
    claims: ClaimCommands,
    sla: SlaService,
    locale: Locale,
) -> None:
    """/assign @user (or in reply to the person's message), admins only, in a topic."""
    user = message.from_user
    if user is None:
        return
    args = (command.args or "").strip()
    replied = message.reply_to_message
    replied_to = (
        _person(replied.from_user)
        if replied is not None
        and replied.forum_topic_created is None
        and replied.from_user is not None
        and not replied.from_user.is_bot
        else None
    )
    reply = await claims.assign(
        _where(message),
        _person(user),
        username=args.split()[0] if args else None,
        replied_to=replied_to,
        locale=locale,
    )
    await _answer(message, sla, reply)


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
