"""Who binds a group: owners directly, anyone else through an owner's approval.

A bound group costs the operator polling, storage and LLM drafts, so only the people in
``ADMIN_IDS`` decide it. A group admin's /setup opens one request per group (the table is
unique per group, so two racing /setup make one); an owner approves or rejects it once
(a second press, a replayed button or a second owner finds it decided). Unbinding pauses
the group's shops through the same path as /sellers' pause. Every step is audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.admin.sellers import SellerAdmin
from storage.database import Database
from storage.errors import NotFound
from storage.records import GroupRequest, Workspace
from storage.sql import Executor

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Asked:
    request: GroupRequest
    workspace: Workspace
    created: bool  # False: the same request was already waiting


@dataclass(frozen=True, slots=True)
class Decided:
    request: GroupRequest
    workspace: Workspace  # bound on approval; left pending on rejection


@dataclass(frozen=True, slots=True)
class BoundGroup:
    workspace: Workspace
    shops: int


class GroupBinding:
    def __init__(self, *, db: Database, seller_admin: SellerAdmin) -> None:
        self._db = db
        self._sellers = seller_admin

    async def workspace_of(self, *, tg_chat_id: int) -> Workspace | None:
        """The group's workspace in whatever state (pending, active, detached); None for a
        group the bot has never been set up in."""
        return await self._db.workspaces.find_by_chat(tg_chat_id=tg_chat_id)

    async def remember(self, *, tg_chat_id: int, title: str, locale: str) -> Workspace:
        """A /setup that cannot bind (no owners configured, or the group not ready yet):
        the group is remembered as pending, an existing row keeps its state. Not audited:
        nothing is granted until an owner binds it."""
        return await self._db.workspaces.register_pending(
            tg_chat_id=tg_chat_id, title=title, locale=locale
        )

    async def bind(
        self,
        *,
        tg_chat_id: int,
        title: str,
        bound_by: int,
        locale: str,
        approved_by: int | None = None,
    ) -> Workspace:
        """Bind (or re-activate) the group; audited when it was not active before."""
        async with self._db.transaction() as conn:
            # Two /setup (or an approval and a /setup) at once: one waits for the other, so
            # the second sees the group active and neither binds nor audits twice.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended('workspace-bind:' || $1, 0))",
                str(tg_chat_id),
            )
            existing = await self._db.workspaces.find_by_chat(tg_chat_id=tg_chat_id, conn=conn)
            workspace = await self._db.workspaces.bind(
                tg_chat_id=tg_chat_id, title=title, bound_by_tg_user_id=bound_by, locale=locale,
                conn=conn,
            )  # fmt: skip
            if existing is None or existing.state != "active":
                details: dict[str, object] = {"title": title, "tg_chat_id": tg_chat_id}
                if approved_by is not None:
                    details["approved_by"] = approved_by
                else:  # an owner bound it directly: the group's waiting request is settled
                    settled = await self._settle_request(tg_chat_id, bound_by, conn)
                    if settled is not None:
                        details["request_id"] = settled
                await self._db.audit.record(
                    actor_tg_user_id=approved_by if approved_by is not None else bound_by,
                    action="workspace.bind",
                    workspace_id=workspace.id,
                    details=details,
                    conn=conn,
                )
                logger.info("workspace=%d bound to chat=%d", workspace.id, tg_chat_id)
        return workspace

    async def _settle_request(self, tg_chat_id: int, owner: int, conn: Executor) -> int | None:
        """A group admin's request still waiting when an owner binds the group (the admin
        added the bot, the owner pressed «Проверить снова»): approved by that act, so
        /groups lists no request for a bound group and its old buttons say "decided"."""
        try:
            request = await self._db.group_requests.get_by_chat(tg_chat_id=tg_chat_id, conn=conn)
        except NotFound:
            return None
        if request.state != "pending":
            return None
        await self._db.group_requests.decide(
            request_id=request.id, approve=True, decided_by_tg_user_id=owner, conn=conn
        )
        return request.id

    async def ask(self, *, tg_chat_id: int, title: str, requester: int, locale: str) -> Asked:
        """A non-owner's /setup: the group is remembered (pending) and one request opened."""
        async with self._db.transaction() as conn:
            workspace = await self._db.workspaces.register_pending(
                tg_chat_id=tg_chat_id, title=title, locale=locale, conn=conn
            )
            request, created = await self._db.group_requests.ask(
                tg_chat_id=tg_chat_id, title=title, requested_by_tg_user_id=requester, conn=conn
            )
            if created:
                await self._db.audit.record(
                    actor_tg_user_id=requester,
                    action="workspace.request",
                    workspace_id=workspace.id,
                    details={"title": title, "tg_chat_id": tg_chat_id, "request_id": request.id},
                    conn=conn,
                )
        return Asked(request, workspace, created)

    async def decide(self, *, request_id: int, owner: int, approve: bool) -> Decided | None:
        """The owner's answer; None when the request is unknown or already decided."""
        async with self._db.transaction() as conn:
            decided = await self._db.group_requests.decide(
                request_id=request_id, approve=approve, decided_by_tg_user_id=owner, conn=conn
            )
            if decided is None:
                return None
            workspace = await self._db.workspaces.find_by_chat(
                tg_chat_id=decided.tg_chat_id, conn=conn
            )
            if workspace is None:
                workspace = await self._db.workspaces.register_pending(
                    tg_chat_id=decided.tg_chat_id, title=decided.title, conn=conn
                )
            if not approve:
                await self._db.audit.record(
                    actor_tg_user_id=owner,
                    action="workspace.request_reject",
                    workspace_id=workspace.id,
                    details={"tg_chat_id": decided.tg_chat_id, "request_id": decided.id},
                    conn=conn,
                )
                return Decided(decided, workspace)
        bound = await self.bind(
            tg_chat_id=decided.tg_chat_id,
            title=decided.title,
            bound_by=decided.requested_by_tg_user_id,
            locale=workspace.locale,
            approved_by=owner,
        )
        return Decided(decided, bound)

    async def pending(self) -> list[GroupRequest]:
        return await self._db.group_requests.list_pending()

    async def bound(self) -> list[BoundGroup]:
        groups = []
        for workspace in await self._db.workspaces.list_all(only_active=True):
            shops = await self._db.sellers.list_all(workspace_id=workspace.id)
            groups.append(BoundGroup(workspace, len(shops)))
        return groups

    async def unbind(self, *, workspace_id: int, owner: int) -> Workspace | None:
        """Stop serving the group: its shops are paused (the /sellers pause path, so polling
        and drafts stop), the group goes back to 'pending'. None if it was not bound."""
        try:
            workspace = await self._db.workspaces.get(workspace_id=workspace_id)
        except NotFound:
            return None
        if workspace.state != "active":
            return None
        for seller in await self._db.sellers.list_all(workspace_id=workspace.id):
            if seller.state in ("active", "failing"):
                await self._sellers.pause(actor_tg_user_id=owner, seller=seller)
        async with self._db.transaction() as conn:
            if not await self._db.workspaces.unbind(workspace_id=workspace.id, conn=conn):
                return None
            await self._db.audit.record(
                actor_tg_user_id=owner,
                action="workspace.unbind",
                workspace_id=workspace.id,
                details={"tg_chat_id": workspace.tg_chat_id},
                conn=conn,
            )
        logger.info("workspace=%d unbound by an owner", workspace.id)
        return workspace
