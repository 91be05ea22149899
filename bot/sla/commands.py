"""The SLA claim commands as a service: the "Take" button, /take, /release, /assign.

Plain inputs (who, where, what) → a plain :class:`Reply` the handler renders; what the
topic must be told (who owns the chat now) is handed here to
:class:`bot.sla.scope.GroupAnswers`, like every other SLA command's group answer, once per
command message (or button press). The decision itself is :func:`bot.sla.claims.decide`;
the write is its compare-and-set (:func:`bot.sla.claims.apply`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.access import AccessControl, Presser, Role
from bot.sla.claims import Action, ClaimResult, Outcome, apply
from bot.sla.reply import SILENT, Reply
from bot.sla.scope import GroupAnswers, command_key
from bot.texts import Locale, plain_text, text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Agent, Chat, Workspace
from storage.sla_queue_repo import SlaQueueRepo

logger = logging.getLogger(__name__)

_ANNOUNCED = {Outcome.TAKEN: "claim.taken", Outcome.ASSIGNED: "claim.taken"}
# What the presser of the Take button is told when the owner changed (else an alert).
_BUTTON_TOASTS = {
    Outcome.TAKEN: "claim.ok",
    Outcome.ASSIGNED: "claim.ok",
    Outcome.RELEASED: "topic.take.released",
}
_REFUSALS = {
    Outcome.ALREADY_YOURS: "claim.already_yours",
    Outcome.OWNED_BY: "claim.owned_by",
    Outcome.NOT_OWNER: "claim.not_owner",
    Outcome.NOBODY_OWNS: "claim.nobody_owns",
    Outcome.FORBIDDEN: "admin_only",
}


@dataclass(frozen=True, slots=True)
class TopicMessage:
    """A command typed in a group: the chat, its topic (if any) and the message."""

    tg_chat_id: int
    thread_id: int | None
    message_id: int

    @property
    def dedup_key(self) -> str:
        """The same key as any other SLA command's answer to this message."""
        return command_key(self.tg_chat_id, self.message_id)


def result_text(result: ClaimResult, locale: Locale, actor_name: str) -> str:
    if result.outcome is Outcome.RELEASED:
        return text("claim.released", locale, agent=actor_name)
    key = _ANNOUNCED.get(result.outcome) or _REFUSALS[result.outcome]
    return text(key, locale, agent=result.owner_name or "")


class ClaimCommands:
    def __init__(self, *, db: Database, access: AccessControl, answers: GroupAnswers) -> None:
        self._db = db
        self._access = access
        self._answers = answers
        self._queue = SlaQueueRepo(db.pool)

    async def press_take(
        self, *, tg_chat_id: int, chat_id: int, presser: Presser, query_id: str, locale: Locale
    ) -> Reply:
        """The "Take" button. Checked on the server: the chat must live in the group the
        button was pressed in, and the presser must be an agent there. Once someone owns
        the chat the button names them: their own press releases it."""
        try:
            workspace = await self._db.workspaces.get_by_chat(tg_chat_id=tg_chat_id)
            chat = await self._db.chats.get(chat_id=chat_id)
        except NotFound:
            return Reply(text("claim.forbidden", locale), alert=True)
        if chat.topic_workspace_id != workspace.id:
            return Reply(text("claim.forbidden", locale), alert=True)
        locale = workspace.locale
        role = await self._role(presser, workspace)
        if role < Role.AGENT:
            return Reply(text("claim.forbidden", locale), alert=True)
        agent = await self._agent(presser)
        mine = chat.owner_agent_id == agent.id
        result = await apply(
            self._db, chat_id=chat.id, action=Action.RELEASE if mine else Action.TAKE,
            actor=agent.id, is_admin=role >= Role.ADMIN,
        )  # fmt: skip
        toast = _BUTTON_TOASTS.get(result.outcome)
        if toast is None:
            key = "topic.take.owned_by" if result.outcome is Outcome.OWNED_BY else None
            body = plain_text(key, locale, agent=result.owner_name or "") if key else None
            return Reply(body or result_text(result, locale, presser.name), alert=True)
        await self._announce(chat, workspace, key=f"claimcb:{query_id}",
                             body=result_text(result, workspace.locale, presser.name))  # fmt: skip
        return Reply(text(toast, locale))

    async def topic_chat(self, where: TopicMessage) -> tuple[Workspace, Chat] | None:
        """The active workspace and the buyer chat of the topic a command was typed in."""
        workspace = await self.active_workspace(where.tg_chat_id)
        if workspace is None or where.thread_id is None:
            return None
        try:
            chat = await self._db.chats.get_by_topic(
                workspace_id=workspace.id, thread_id=where.thread_id
            )
        except NotFound:
            return None
        return workspace, chat

    async def active_workspace(self, tg_chat_id: int) -> Workspace | None:
        workspace = await self._db.workspaces.find_by_chat(tg_chat_id=tg_chat_id)
        return workspace if workspace is not None and workspace.state == "active" else None

    async def take_or_release(
        self, where: TopicMessage, person: Presser, action: Action, locale: Locale
    ) -> Reply:
        """/take or /release in a buyer's topic; the answer goes to the topic."""
        found = await self.topic_chat(where)
        if found is None:
            return Reply(text("claim.not_a_topic", locale))
        workspace, chat = found
        role = await self._role(person, workspace)
        if role < Role.AGENT:
            return SILENT
        agent = await self._agent(person)
        result = await apply(
            self._db, chat_id=chat.id, action=action, actor=agent.id, is_admin=role >= Role.ADMIN
        )
        await self._announce(
            chat,
            workspace,
            key=where.dedup_key,
            body=result_text(result, workspace.locale, person.name),
            reply_to=where.message_id,
        )
        return SILENT

    async def assign(
        self,
        where: TopicMessage,
        admin: Presser,
        *,
        username: str | None,
        replied_to: Presser | None,
        locale: Locale,
    ) -> Reply:
        """/assign @user (or in reply to the person's message): admins only, in a topic;
        the owner changes, the audit line is written, and the topic is told."""
        found = await self.topic_chat(where)
        if found is None:
            return Reply(text("claim.not_a_topic", locale))
        workspace, chat = found
        locale = workspace.locale
        if await self._role(admin, workspace) < Role.ADMIN:
            return Reply(text("admin_only", locale))
        target: Agent | None = None
        if username:
            target = await self._queue.agent_by_username(username=username)
        elif replied_to is not None:
            target = await self._agent(replied_to)
        if target is None:
            return Reply(text("assign.unknown" if username else "assign.usage", locale))
        target_role = await self._access.role(
            tg_user_id=target.tg_user_id,
            workspace=workspace,
            display_name=target.display_name,
            username=target.username,
        )
        if target_role < Role.AGENT:
            return Reply(text("assign.unknown", locale))
        acting = await self._agent(admin)
        result = await apply(
            self._db, chat_id=chat.id, action=Action.ASSIGN, actor=acting.id, is_admin=True,
            target=target.id,
        )  # fmt: skip
        await self._db.audit.record(
            actor_tg_user_id=admin.tg_user_id,
            action="sla.assign",
            workspace_id=workspace.id,
            seller_id=chat.seller_id,
            details={"chat_id": chat.id, "agent_id": target.id},
        )
        body = text("claim.assigned", locale, admin=admin.name, agent=result.owner_name or "")
        await self._announce(chat, workspace, key=where.dedup_key,
                             body=body, reply_to=where.message_id)  # fmt: skip
        return SILENT

    async def _role(self, person: Presser, workspace: Workspace) -> Role:
        return await self._access.role(
            tg_user_id=person.tg_user_id,
            workspace=workspace,
            display_name=person.name,
            username=person.username,
        )

    async def _agent(self, person: Presser) -> Agent:
        """The person's agent row. Owners get their role without a Telegram lookup, so the
        row may not exist yet on their first claim: create it rather than fail."""
        return await self._db.agents.upsert(
            tg_user_id=person.tg_user_id, display_name=person.name, username=person.username
        )

    async def _announce(
        self, chat: Chat, workspace: Workspace, *, key: str, body: str, reply_to: int | None = None
    ) -> None:
        """Tell the chat's topic who owns it now (or why not), through the group answers."""
        await self._answers.in_chat_topic(
            workspace_id=workspace.id,
            chat_id=chat.id,
            reply=Reply(body),
            key=key,
            reply_to=reply_to,
        )
