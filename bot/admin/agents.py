"""Who may answer buyers: admins see the group's known members and switch their right.

Telegram offers no list of a group's members, so the list is everyone the bot has met in
the group (people who wrote there or pressed a button). Admins always may answer; the
switch matters for agents. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import AccessControl, Role
from storage.database import Database
from storage.errors import NotFound
from storage.records import Agent, Member, Workspace


@dataclass(frozen=True, slots=True)
class MemberLine:
    agent: Agent
    member: Member


@dataclass(frozen=True, slots=True)
class Roster:
    workspace: Workspace
    members: tuple[MemberLine, ...]


class AgentAdmin:
    def __init__(self, *, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def rosters(self, tg_user_id: int) -> list[Roster]:
        """Every workspace this person administers, with its known members."""
        rosters = []
        for workspace in await self._access.administered_workspaces(tg_user_id):
            rosters.append(await self._roster(workspace))
        return rosters

    async def _roster(self, workspace: Workspace) -> Roster:
        lines = []
        for member in await self._db.agents.list_members(workspace_id=workspace.id):
            agent = await self._db.agents.get(agent_id=member.agent_id)
            lines.append(MemberLine(agent, member))
        return Roster(workspace, tuple(lines))

    async def toggle(
        self,
        *,
        actor_tg_user_id: int,
        workspace_id: int,
        agent_id: int,
        allow: bool | None = None,
    ) -> Roster | None:
        """Set one member's right to answer (``allow``; None flips it); None when the actor
        may not (or it is gone). Setting what is already set changes and audits nothing.

        The ids come from a button, so both are looked up and the actor's role is checked
        in that very workspace.
        """
        try:
            workspace = await self._db.workspaces.get(workspace_id=workspace_id)
            member = await self._db.agents.get_member(workspace_id=workspace_id, agent_id=agent_id)
        except NotFound:
            return None
        if workspace.state != "active":
            return None
        role = await self._access.role(tg_user_id=actor_tg_user_id, workspace=workspace)
        if role < Role.ADMIN:
            return None
        allowed = (not member.can_reply) if allow is None else allow
        if allowed == member.can_reply:
            return await self._roster(workspace)
        async with self._db.transaction() as conn:
            await self._db.agents.set_can_reply(
                workspace_id=workspace_id, agent_id=agent_id, can_reply=allowed, conn=conn
            )
            await self._db.audit.record(
                actor_tg_user_id=actor_tg_user_id,
                action="member.allow_reply" if allowed else "member.forbid_reply",
                workspace_id=workspace_id,
                details={"agent_id": agent_id},
                conn=conn,
            )
        return await self._roster(workspace)
