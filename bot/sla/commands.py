"""The SLA claim commands as a service: the "Take" button, /take, /release, /assign (and
its buttons of people to hand the chat to).

Plain inputs (who, where, what) → a plain :class:`Reply` the handler renders; what the
topic must be told (who owns the chat now) is handed here to
:class:`bot.sla.scope.GroupAnswers`, like every other SLA command's group answer, once per
command message (or button press). The decision itself is :func:`bot.sla.claims.decide`;
the write is its compare-and-set (:func:`bot.sla.claims.apply`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.access import AccessControl, Presser, Refusal, Role
from bot.sla import handover
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
_CANNOT_TAKE = {
    Refusal.NOT_MEMBER: "handover.not_member",
    Refusal.NOT_ALLOWED: "handover.not_allowed",
    Refusal.RESTRICTED: "handover.restricted",
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
    """What the topic (or the presser) is told; someone else's chat taken over or released
    by an admin mentions that person, so they learn it is no longer theirs."""
    if (handed := handover.claim_text(result, locale, actor_name)) is not None:
        return handed
    if result.outcome is Outcome.RELEASED:
        return text("claim.released", locale, agent=actor_name)
    key = _ANNOUNCED.get(result.outcome) or _REFUSALS[result.outcome]
    return text(key, locale, agent=result.owner_name or "")


async def topic_chat(db: Database, where: TopicMessage) -> tuple[Workspace, Chat] | None:
    """The active workspace and the buyer chat of the topic a command was typed in (/take,
    /done and the rest of the commands that work in a buyer's topic)."""
    workspace = await db.workspaces.find_by_chat(tg_chat_id=where.tg_chat_id)
    if workspace is None or workspace.state != "active" or where.thread_id is None:
        return None
    try:
        chat = await db.chats.get_by_topic(workspace_id=workspace.id, thread_id=where.thread_id)
    except NotFound:
        return None
    return workspace, chat


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
        if not mine:
            await self._looked(chat.id, agent.id)
        await self._announce(chat, workspace, key=f"claimcb:{query_id}",
                             body=result_text(result, workspace.locale, presser.name))  # fmt: skip
        return Reply(text(toast, locale))

    async def topic_chat(self, where: TopicMessage) -> tuple[Workspace, Chat] | None:
        return await topic_chat(self._db, where)

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
        if result.outcome in _ANNOUNCED:
            await self._looked(chat.id, agent.id)
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
        name: str | None,
        replied_to: Presser | None,
        locale: Locale,
    ) -> Reply:
        """/assign [name] (or in reply to the person's message): admins only, in a topic.

        Without a name, the answer offers a button per person who may answer here; a name
        (@username, full or first name) that fits several offers those; one that fits
        nobody says so and lists the names known. The answer goes to the topic."""
        found = await self.topic_chat(where)
        if found is None:
            return Reply(text("claim.not_a_topic", locale))
        workspace, chat = found
        locale = workspace.locale
        if await self._role(admin, workspace) < Role.ADMIN:
            return Reply(text("admin_only", locale))
        if not name and replied_to is not None:
            target = await self._agent(replied_to)
        else:
            picked = await self._pick(name, workspace, chat)
            if isinstance(picked, Reply):
                return picked
            target = picked
        return await self._hand_over(workspace, chat, admin, target, key=where.dedup_key,
                                     reply_to=where.message_id)  # fmt: skip

    async def _pick(self, name: str | None, workspace: Workspace, chat: Chat) -> Agent | Reply:
        """The one person ``name`` means, or the answer that offers buttons or says why
        nobody fits."""
        locale = workspace.locale
        known = await self._db.agents.answerers(workspace_id=workspace.id)
        if not name:
            others = [a for a in known if a.id != chat.owner_agent_id]
            if not others:
                return Reply(text("handover.nobody_known", locale))
            return Reply(text("handover.pick", locale),
                         buttons=handover.agent_buttons(chat.id, others))  # fmt: skip
        matches = handover.find_agents(name, known)
        if not matches:  # someone known here who may not take it: refused with the reason
            everyone = await self._db.agents.answerers(workspace_id=workspace.id, everyone=True)
            matches = handover.find_agents(name, everyone)[:1]
        if not matches and name.startswith("@"):  # seen elsewhere, not (yet) a member here
            seen = await self._queue.agent_by_username(username=name)
            matches = [seen] if seen is not None else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            return Reply(text("handover.ambiguous", locale, name=name),
                         buttons=handover.agent_buttons(chat.id, matches))  # fmt: skip
        if not known:
            return Reply(text("handover.unknown_nobody", locale, name=name))
        return Reply(text("handover.unknown", locale, name=name, known=handover.names(known)))

    async def press_assign(
        self, *, tg_chat_id: int, chat_id: int, agent_id: int, presser: Presser, query_id: str,
        locale: Locale,
    ) -> Reply:  # fmt: skip
        """A person's button under /assign: the chat must live in the group the button was
        pressed in, the presser must be an admin there, and the person may answer there."""
        try:
            workspace = await self._db.workspaces.get_by_chat(tg_chat_id=tg_chat_id)
            chat = await self._db.chats.get(chat_id=chat_id)
            target = await self._db.agents.get(agent_id=agent_id)
        except NotFound:
            return Reply(text("claim.forbidden", locale), alert=True)
        if chat.topic_workspace_id != workspace.id or workspace.state != "active":
            return Reply(text("claim.forbidden", locale), alert=True)
        locale = workspace.locale
        if await self._role(presser, workspace) < Role.ADMIN:
            return Reply(text("admin_only", locale), alert=True)
        refused = await self._hand_over(workspace, chat, presser, target,
                                        key=f"assigncb:{query_id}", reply_to=None)  # fmt: skip
        if refused.text is not None:
            return Reply(refused.text, alert=True)
        return Reply(handover.done_text(target, locale))

    async def _hand_over(
        self, workspace: Workspace, chat: Chat, admin: Presser, target: Agent, *, key: str,
        reply_to: int | None,
    ) -> Reply:  # fmt: skip
        """Give the chat to ``target`` if they may answer buyers here; the topic is told
        with both owners mentioned. A refusal comes back as the reply, else SILENT."""
        locale = workspace.locale
        may = await self._access.answerer(
            tg_user_id=target.tg_user_id, workspace=workspace,
            display_name=target.display_name, username=target.username,
        )  # fmt: skip
        if isinstance(may, Refusal):
            return Reply(text(_CANNOT_TAKE[may], locale, agent=target.display_name))
        acting = await self._agent(admin)
        result = await apply(
            self._db, chat_id=chat.id, action=Action.ASSIGN, actor=acting.id, is_admin=True,
            target=target.id,
        )  # fmt: skip
        if result.previous is not None and result.previous.id == target.id:
            return Reply(text("handover.already", locale, agent=target.display_name))
        await self._db.audit.record(
            actor_tg_user_id=admin.tg_user_id,
            action="sla.assign",
            workspace_id=workspace.id,
            seller_id=chat.seller_id,
            details={"chat_id": chat.id, "agent_id": target.id},
        )
        body = handover.assigned_text(result, target, acting, locale)
        await self._announce(chat, workspace, key=key, body=body, reply_to=reply_to)
        return SILENT

    async def _looked(self, chat_id: int, agent_id: int) -> None:
        """Taking a chat whose automatic reply waits for a person's look (the shop's /ai
        setting) accepts that reply: the turn is answered by it, the chat stops waiting."""
        async with self._db.transaction() as conn:
            turn = await self._db.turns.settle_auto_answered(
                chat_id=chat_id, agent_id=agent_id, conn=conn
            )
            if turn is not None and turn.answered_at is not None:
                await self._db.chats.mark_answered(chat_id=chat_id, at=turn.answered_at, conn=conn)

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
