"""Who may do what: owners (``ADMIN_IDS``), workspace admins, agents, and nobody else.

A workspace admin is an administrator of the bound group *as Telegram reports it*; an agent
is any other member. Telegram is asked once per person and workspace and the answer is
cached in ``workspace_members`` (``role_checked_at``) for a short time, so a demoted admin
loses rights within minutes and a busy group costs no getChatMember per message.

Every command and callback asks here, on the server side; nothing a client sends (button
data included) is taken as proof of a role.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ChatMemberRestricted, ChatMemberUnion

from storage.database import Database
from storage.errors import NotFound
from storage.records import Agent, Member, Workspace

logger = logging.getLogger(__name__)

ROLE_TTL = timedelta(minutes=5)
# "Gone" is asked again sooner: a person who rejoins and writes at once must not be turned
# away for the whole TTL (the question costs one getChatMember per such message at most).
LEFT_TTL = timedelta(seconds=20)


class Role(IntEnum):
    """Ordered: a higher role can do everything a lower one can."""

    NONE = 0
    AGENT = 1
    ADMIN = 2
    OWNER = 3


class Refusal(StrEnum):
    """Why a person's message or button press may not reach a buyer."""

    NOT_MEMBER = "not_member"  # Telegram says they are not in the group (left, kicked…)
    NOT_ALLOWED = "not_allowed"  # an admin forbade their answers (/agents)
    RESTRICTED = "restricted"  # muted in the group (restricted without can_send_messages)


@dataclass(frozen=True, slots=True)
class Presser:
    """Who pressed a button, as Telegram told us (checked against roles, never trusted)."""

    tg_user_id: int
    name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class Answerer:
    """A person allowed to answer buyers in a workspace, as checked just now."""

    agent: Agent
    role: Role


def role_from_status(status: str) -> Role:
    """Telegram's chat member status → our role (owners are decided before this)."""
    if status in (ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR):
        return Role.ADMIN
    if status in (ChatMemberStatus.MEMBER, ChatMemberStatus.RESTRICTED):
        return Role.AGENT
    return Role.NONE


@dataclass(frozen=True, slots=True)
class Standing:
    """A person's role in a workspace and whether Telegram lets them write there."""

    role: Role
    can_send: bool = True


def member_standing(member: ChatMemberUnion) -> Standing:
    """A restricted member keeps their role; ``can_send`` says whether they were muted."""
    role = member_role(member)
    if isinstance(member, ChatMemberRestricted):
        return Standing(role, can_send=bool(member.can_send_messages))
    return Standing(role)


def member_role(member: ChatMemberUnion) -> Role:
    """Like ``role_from_status``, but a restricted person who has left the group (Telegram
    keeps the restriction, with ``is_member`` false) is no member at all."""
    if isinstance(member, ChatMemberRestricted) and not member.is_member:
        return Role.NONE
    return role_from_status(member.status)


class AccessControl:
    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        owner_ids: Collection[int],
        ttl: timedelta = ROLE_TTL,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._bot = bot
        self._owners = frozenset(owner_ids)
        self._ttl = ttl
        self._clock = clock

    def is_owner(self, tg_user_id: int) -> bool:
        return tg_user_id in self._owners

    async def role(
        self,
        *,
        tg_user_id: int,
        workspace: Workspace,
        display_name: str = "",
        username: str | None = None,
    ) -> Role:
        """The person's role in this workspace, from the cache or fresh from Telegram."""
        standing = await self.standing(
            tg_user_id=tg_user_id,
            workspace=workspace,
            display_name=display_name,
            username=username,
        )
        return standing.role

    async def standing(
        self,
        *,
        tg_user_id: int,
        workspace: Workspace,
        display_name: str = "",
        username: str | None = None,
    ) -> Standing:
        """Role and write permission, cached in ``workspace_members`` for the TTL.

        A person Telegram reports gone keeps their row, stamped ``left_at``: an admin's
        "forbidden" stays with it and applies again when they rejoin.
        """
        if self.is_owner(tg_user_id):
            return Standing(Role.OWNER)
        agent = await self._agent(tg_user_id, display_name, username)
        try:
            member = await self._db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id)
        except NotFound:
            member = None
        ttl = min(self._ttl, LEFT_TTL) if member and member.left_at is not None else self._ttl
        if member is not None and self._clock() - member.role_checked_at < ttl:
            return _cached(member)
        fresh = await self._ask_telegram(workspace, tg_user_id)
        if fresh is None:  # Telegram unreachable: trust the last answer rather than lock out
            return Standing(Role.NONE) if member is None else _cached(member)
        if fresh.role is Role.NONE:
            await self._db.agents.mark_left(workspace_id=workspace.id, agent_id=agent.id)
            return fresh
        await self._db.agents.set_member(
            workspace_id=workspace.id,
            agent_id=agent.id,
            role="admin" if fresh.role is Role.ADMIN else "agent",
            can_send=fresh.can_send,
        )
        return fresh

    async def _agent(self, tg_user_id: int, display_name: str, username: str | None) -> Agent:
        """The person's row; a caller that knows only the id (``at_least``, private
        commands) must not blank the name and username Telegram gave us earlier."""
        if not display_name and username is None:
            try:
                return await self._db.agents.get_by_tg_user(tg_user_id=tg_user_id)
            except NotFound:
                pass
        return await self._db.agents.upsert(
            tg_user_id=tg_user_id, display_name=display_name, username=username
        )

    async def answerer(
        self,
        *,
        tg_user_id: int,
        workspace: Workspace,
        display_name: str = "",
        username: str | None = None,
    ) -> Answerer | Refusal:
        """The one rule for who may answer a buyer, for typed replies and draft buttons alike.

        Membership is Telegram's word (asked when the cached answer is stale or missing, so a
        stranger who can post in a public group is never taken for an agent); owners and the
        group's admins may always answer; any other member unless an admin forbade it.
        """
        standing = await self.standing(
            tg_user_id=tg_user_id,
            workspace=workspace,
            display_name=display_name,
            username=username,
        )
        role = standing.role
        if role is Role.NONE:
            return Refusal.NOT_MEMBER
        agent = await self._agent(tg_user_id, display_name, username)
        if role >= Role.ADMIN:
            return Answerer(agent, role)
        if not standing.can_send:
            return Refusal.RESTRICTED
        try:
            member = await self._db.agents.get_member(workspace_id=workspace.id, agent_id=agent.id)
        except NotFound:
            return Refusal.NOT_MEMBER
        return Answerer(agent, role) if member.can_reply else Refusal.NOT_ALLOWED

    async def at_least(self, minimum: Role, *, tg_user_id: int, workspace: Workspace) -> bool:
        return await self.role(tg_user_id=tg_user_id, workspace=workspace) >= minimum

    async def administered_workspaces(self, tg_user_id: int) -> list[Workspace]:
        """Active workspaces this person may manage (all of them for an owner)."""
        active = await self._db.workspaces.list_all(only_active=True)
        if self.is_owner(tg_user_id):
            return active
        return [
            w for w in active if await self.role(tg_user_id=tg_user_id, workspace=w) >= Role.ADMIN
        ]

    async def chat_role(self, *, tg_user_id: int, tg_chat_id: int) -> Role:
        """The role in a group that is not (yet) an active workspace: asked fresh every time.

        Used by /setup and group events before binding; nothing is cached because there is
        no workspace to cache it for, and binding is rare.
        """
        if self.is_owner(tg_user_id):
            return Role.OWNER
        try:
            member = await self._bot.get_chat_member(chat_id=tg_chat_id, user_id=tg_user_id)
        except TelegramAPIError as exc:
            logger.info("chat role lookup failed (%s)", type(exc).__name__)
            return Role.NONE
        return member_role(member)

    async def _ask_telegram(self, workspace: Workspace, tg_user_id: int) -> Standing | None:
        try:
            member = await self._bot.get_chat_member(
                chat_id=workspace.tg_chat_id, user_id=tg_user_id
            )
        except TelegramAPIError as exc:
            logger.info("workspace=%d: role lookup failed (%s)", workspace.id, type(exc).__name__)
            return None
        return member_standing(member)


def _cached(member: Member) -> Standing:
    if member.left_at is not None:
        return Standing(Role.NONE)
    return Standing(Role.ADMIN if member.role == "admin" else Role.AGENT, can_send=member.can_send)
