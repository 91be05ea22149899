"""Resolving a chat without a reply (a buyer's "thanks", a duplicate, spam), by /done, the
button on an SLA notice, or after the shop's idle days; and the shop settings around it.

Resolving stops the SLA clock: the open turn is closed as ``answered_via = 'resolved'``
(answered_at = the moment of resolving, counted apart in /stats), the chat leaves the queue,
and its topic gets the ✅ and is closed through the outbox (bot.bridge.resolved_topics),
all in one transaction. The buyer's next message opens a new turn as usual and reopens the
topic before it is posted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.access import AccessControl, Answerer, Presser, Role
from bot.outbox.kinds import TopicResolved
from bot.outbox.queue import enqueue
from bot.shop_choice import choose
from bot.sla.callbacks import ResolveCallback
from bot.sla.commands import TopicMessage, topic_chat
from bot.sla.reply import SILENT, Reply
from bot.texts import Locale, text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Chat, Seller, Workspace

logger = logging.getLogger(__name__)

#: Idle limits a shop may set, in days (the database allows the same range).
IDLE_DAYS = range(1, 366)
OFF_WORDS = frozenset({"off", "выкл", "нет", "0", "-"})


class Outcome(StrEnum):
    RESOLVED = "resolved"
    ALREADY = "already"
    NOT_A_TOPIC = "not_a_topic"
    NOT_ALLOWED = "not_allowed"


_ANSWERS = {
    Outcome.ALREADY: "resolve.already",
    Outcome.NOT_A_TOPIC: "resolve.not_a_topic",
    Outcome.NOT_ALLOWED: "resolve.not_allowed",
}


def resolve_keyboard(chat_id: int, locale: Locale) -> InlineKeyboardMarkup:
    """The button under a chat's SLA notice."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=text("resolve.button", locale),
                    callback_data=ResolveCallback(chat=chat_id).pack(),
                )
            ]
        ]
    )


@dataclass(frozen=True, slots=True)
class IdleDays:
    """What /idle_close asks for, the shop's name taken off: ``None`` days means never."""

    days: int | None


def parse_idle(value: str) -> IdleDays | None:
    """``"14"`` → 14 days; ``"off"`` → never; None when unreadable."""
    value = value.strip().lower()
    if value in OFF_WORDS:
        return IdleDays(None)
    if not value.isdigit() or int(value) not in IDLE_DAYS:
        return None
    return IdleDays(int(value))


class Resolver:
    """The one way a chat becomes resolved (people and the idle sweep alike)."""

    def __init__(self, *, db: Database, kick: Callable[[], None]) -> None:
        self._db = db
        self._kick = kick

    async def resolve(
        self, chat: Chat, *, at: datetime, agent_id: int | None, actor_tg_user_id: int | None
    ) -> bool:
        """False when the chat was resolved already (nothing written, nothing queued)."""
        if chat.topic_workspace_id is None:
            return False
        async with self._db.transaction() as conn:
            fresh = await self._db.chats.get_for_update(chat_id=chat.id, conn=conn)
            if fresh.topic_workspace_id is None or not await self._db.chats.mark_resolved(
                chat_id=chat.id, at=at, conn=conn
            ):
                return False
            # An automatic reply waiting for a person's look did answer the buyer: count
            # it so; only a turn nobody answered is recorded as resolved without a reply.
            turn = await self._db.turns.settle_auto_answered(
                chat_id=chat.id, agent_id=agent_id, conn=conn
            ) or await self._db.turns.close(
                chat_id=chat.id, answered_at=at, via="resolved", agent_id=agent_id, conn=conn
            )
            await enqueue(
                self._db,
                TopicResolved(),
                workspace_id=fresh.topic_workspace_id,
                chat_id=chat.id,
                dedup_key=f"resolve:{chat.id}:{at.isoformat()}",
                conn=conn,
            )
            if actor_tg_user_id is not None:  # the idle sweep is the shop's own setting
                await self._db.audit.record(
                    actor_tg_user_id=actor_tg_user_id,
                    action="sla.resolve",
                    workspace_id=fresh.topic_workspace_id,
                    seller_id=fresh.seller_id,
                    details={"chat_id": chat.id, "turn_id": turn.id if turn else None},
                    conn=conn,
                )
        self._kick()
        return True

    async def resolve_idle(self, now: datetime) -> int:
        """Resolve every chat idle past its shop's limit, once (the SLA tick calls this)."""
        resolved = 0
        for chat in await self._db.chats.idle_to_resolve(now=now):
            if await self.resolve(chat, at=now, agent_id=None, actor_tg_user_id=None):
                resolved += 1
        if resolved:
            logger.info("resolved %d idle chat(s)", resolved)
        return resolved


@dataclass(frozen=True, slots=True)
class Found:
    workspace: Workspace
    chat: Chat


class ResolveCommands:
    """/done in a buyer's topic and the button on an SLA notice: plain inputs → a Reply."""

    def __init__(
        self,
        *,
        db: Database,
        access: AccessControl,
        resolver: Resolver,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._access = access
        self._resolver = resolver
        self._clock = clock

    async def is_ours(self, tg_chat_id: int) -> bool:
        """An active bound group (elsewhere the bot stays silent)."""
        workspace = await self._db.workspaces.find_by_chat(tg_chat_id=tg_chat_id)
        return workspace is not None and workspace.state == "active"

    async def done(self, where: TopicMessage, person: Presser, locale: Locale) -> Reply:
        """/done: resolves the topic's chat. Nothing is said on success (the ✅ is the
        answer); a refusal is said in the topic."""
        found = await self._topic_chat(where)
        if found is None:
            return Reply(text("resolve.not_a_topic", locale))
        outcome = await self._resolve(found, person)
        if outcome is Outcome.RESOLVED:
            return SILENT
        return Reply(text(_ANSWERS[outcome], found.workspace.locale))

    async def press(
        self, *, tg_chat_id: int, chat_id: int, presser: Presser, locale: Locale
    ) -> Reply:
        """The button: checked on the server (the chat must live in this group)."""
        try:
            workspace = await self._db.workspaces.get_by_chat(tg_chat_id=tg_chat_id)
            chat = await self._db.chats.get(chat_id=chat_id)
        except NotFound:
            return Reply(text("resolve.not_a_topic", locale), alert=True)
        if chat.topic_workspace_id != workspace.id or workspace.state != "active":
            return Reply(text("resolve.not_a_topic", locale), alert=True)
        outcome = await self._resolve(Found(workspace, chat), presser)
        if outcome is Outcome.RESOLVED:
            return Reply(text("resolve.done", workspace.locale))
        return Reply(text(_ANSWERS[outcome], workspace.locale), alert=True)

    async def _resolve(self, found: Found, person: Presser) -> Outcome:
        """Same rights as answering the buyer (bot.access.AccessControl.answerer)."""
        if found.chat.resolved_at is not None:
            return Outcome.ALREADY
        allowed = await self._access.answerer(
            tg_user_id=person.tg_user_id,
            workspace=found.workspace,
            display_name=person.name,
            username=person.username,
        )
        if not isinstance(allowed, Answerer):
            return Outcome.NOT_ALLOWED
        done = await self._resolver.resolve(
            found.chat,
            at=self._clock(),
            agent_id=allowed.agent.id,
            actor_tg_user_id=person.tg_user_id,
        )
        return Outcome.RESOLVED if done else Outcome.ALREADY

    async def _topic_chat(self, where: TopicMessage) -> Found | None:
        found = await topic_chat(self._db, where)
        return Found(*found) if found is not None else None


@dataclass(frozen=True, slots=True)
class SettingChange:
    """The updated shop, or the text key saying why not."""

    seller: Seller | None
    error: str | None = None


class IdleSettings:
    """/idle_close: after how many days without a message a shop's chats are resolved
    (default: never). Admins of the shop's group only (or owners); audited."""

    def __init__(self, *, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def command(
        self,
        args: str,
        sellers: Sequence[Seller],
        tg_user_id: int,
        *,
        workspace: Workspace | None,
        locale: Locale,
    ) -> str:
        """``/idle_close [shop name] days|off`` among ``sellers`` (those the person may
        configure here): what to answer, the change made if the words say one."""
        chosen = choose(sellers, args, reserved=OFF_WORDS)
        parsed = parse_idle(chosen.rest) if chosen is not None else None
        if not sellers:
            return text("admin_only", locale)
        if chosen is None or parsed is None:
            example = sellers[0].name if len(sellers) > 1 else ""
            shops = ", ".join(seller.name for seller in sellers)
            return text("resolve.idle_usage", locale, shop=example, shops=shops)
        change = await self.set_days(
            chosen.seller.id,
            parsed.days,
            tg_user_id,
            workspace_id=workspace.id if workspace is not None else None,
        )
        if change.seller is None:
            return text(change.error or "admin_only", locale)
        if change.seller.idle_close_days is None:
            return text("resolve.idle_off", locale, shop=change.seller.name)
        days = change.seller.idle_close_days
        return text("resolve.idle_set", locale, shop=change.seller.name, days=days)

    async def set_days(
        self, seller_id: int, days: int | None, tg_user_id: int, *, workspace_id: int | None
    ) -> SettingChange:
        """``workspace_id``: the group the command came from acts on its own shops only."""
        try:
            seller = await self._db.sellers.get(seller_id=seller_id)
            workspace = await self._db.workspaces.get(workspace_id=seller.workspace_id)
        except NotFound:
            return SettingChange(None, "resolve.no_shop")
        if seller.state == "removed" or workspace_id not in (None, seller.workspace_id):
            return SettingChange(None, "resolve.no_shop")
        if not await self._access.at_least(Role.ADMIN, tg_user_id=tg_user_id, workspace=workspace):
            return SettingChange(None, "admin_only")
        async with self._db.transaction() as conn:
            current = await self._db.sellers.get_for_update(seller_id=seller.id, conn=conn)
            updated = await self._db.sellers.set_resolve_settings(
                seller_id=seller.id,
                auto_reply_counts=current.auto_reply_counts,
                idle_close_days=days,
                conn=conn,
            )
            await self._db.audit.record(
                actor_tg_user_id=tg_user_id,
                action="sla.idle_close",
                workspace_id=seller.workspace_id,
                seller_id=seller.id,
                details={"idle_close_days": days},
                conn=conn,
            )
        return SettingChange(updated)
