"""The bot's own standing in a group, as a state machine over the workspace row.

Telegram's membership updates arrive as plain facts (who changed it, the bot's status
before and after, what the group looks like); this service decides what that means for
the workspace — registered pending, detached, back (active again or still pending), or
unchanged — and writes each state change together with its audit record in ONE
transaction, so a failure between them leaves neither. Whenever the group's readiness
changed, it is then connected if it can be (bot.admin.connecting: added or promoted with
the right rights is enough, nobody retypes /setup). What the group is told is queued
after the commit, once per change (the outbox's key).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.access import Role
from bot.admin.connecting import Actor, GroupConnecting
from bot.admin.notify import post_in_group
from bot.admin.setup import GroupFacts, assess
from bot.admin.setup_replies import connection_reply
from bot.texts import Locale, text
from storage.database import Database
from storage.errors import Conflict, NotFound
from storage.records import Workspace

logger = logging.getLogger(__name__)

GONE_STATUSES = frozenset({"left", "kicked"})


class Change(StrEnum):
    """What a membership update did to the workspace."""

    REGISTERED = "registered"  # a new group: pending until an owner binds it
    DETACHED = "detached"  # the bot left or was removed
    BACK = "back"  # re-added: active again if it was bound, else pending
    REPORTED = "reported"  # rights changed in a way that matters; state kept
    NONE = "none"  # nothing that concerns us


@dataclass(frozen=True, slots=True)
class StandingChange:
    """One ``my_chat_member`` update, as plain data."""

    tg_chat_id: int
    title: str
    actor_tg_user_id: int
    before: GroupFacts
    after: GroupFacts
    at_timestamp: int  # when Telegram says it happened (part of the notice's key)
    # Asked by the handler only when the group is ready after the change (it costs a
    # getChatMember): who acted decides whether the group is bound or asked about.
    actor_name: str = ""
    actor_role: Role = Role.NONE
    bot_username: str = ""  # for the deep link to the private wizard once connected


@dataclass(frozen=True, slots=True)
class StandingResult:
    change: Change
    workspace: Workspace | None = None


class Membership:
    def __init__(
        self,
        *,
        db: Database,
        kick: Callable[[], None],
        default_locale: Locale,
        connecting: GroupConnecting,
    ) -> None:
        self._db = db
        self._kick = kick
        self._locale = default_locale
        self._connecting = connecting

    async def standing_changed(self, event: StandingChange) -> StandingResult:
        after, before = event.after, event.before
        existing = await self._db.workspaces.find_by_chat(tg_chat_id=event.tg_chat_id)
        if after.bot_status in GONE_STATUSES:
            if existing is None or existing.state == "detached":
                return StandingResult(Change.NONE, existing)
            await self._set_state(
                existing,
                "detached",
                actor=event.actor_tg_user_id,
                action="workspace.detach",
                details={"tg_chat_id": event.tg_chat_id, "status": after.bot_status},
            )
            logger.info("workspace=%d detached: the bot left chat=%d", existing.id,
                        event.tg_chat_id)  # fmt: skip
            return StandingResult(Change.DETACHED, existing)
        report = assess(after)
        was_present = before.bot_status not in GONE_STATUSES
        if existing is None:
            workspace = await self._db.workspaces.register_pending(
                tg_chat_id=event.tg_chat_id, title=event.title, locale=self._locale
            )
            greeting = text("setup.hello", workspace.locale)
            result = StandingResult(Change.REGISTERED, workspace)
        elif existing.state == "detached" or not was_present:
            bound = existing.bound_by_tg_user_id is not None
            await self._set_state(
                existing,
                "active" if bound else "pending",
                actor=event.actor_tg_user_id,
                # Only a bound group coming back is an act worth an audit line.
                action="workspace.reattach" if bound else None,
                details={"tg_chat_id": event.tg_chat_id},
            )
            workspace = await self._db.workspaces.get(workspace_id=existing.id)
            if bound:
                logger.info("workspace=%d active again in chat=%d", existing.id,
                            event.tg_chat_id)  # fmt: skip
            greeting = text("setup.back", workspace.locale)
            result = StandingResult(Change.BACK, workspace)
        else:
            if assess(before).problems == report.problems:
                return StandingResult(Change.NONE, existing)  # a change that does not matter
            workspace = existing
            greeting = ""
            result = StandingResult(Change.REPORTED, workspace)
        connection = await self._connecting.connect(
            tg_chat_id=event.tg_chat_id,
            title=event.title or workspace.title,
            report=report,
            actor=Actor(event.actor_tg_user_id, event.actor_name, event.actor_role),
        )
        workspace = connection.workspace
        body, keyboard = connection_reply(
            connection, workspace.locale, bot_username=event.bot_username, greeting=greeting
        )
        await post_in_group(
            self._db,
            workspace=workspace,
            html_text=body,
            key=f"member:{event.tg_chat_id}:{event.at_timestamp}:{after.bot_status}:"
            + ",".join(report.problems),
            kick=self._kick,
            keyboard=keyboard,
        )
        return StandingResult(result.change, workspace)

    async def follow_migration(
        self, *, old_tg_chat_id: int, new_tg_chat_id: int, actor_tg_user_id: int
    ) -> Workspace | None:
        """A group became a supergroup: the workspace follows it, with its audit record in
        the same transaction. None when it is not ours, or was already followed (Telegram
        reports the migration in both chats)."""
        try:
            async with self._db.transaction() as conn:
                workspace = await self._db.workspaces.move_to_chat(
                    old_tg_chat_id=old_tg_chat_id, new_tg_chat_id=new_tg_chat_id, conn=conn
                )
                await self._db.audit.record(
                    actor_tg_user_id=actor_tg_user_id,
                    action="workspace.move",
                    workspace_id=workspace.id,
                    details={"from_tg_chat_id": old_tg_chat_id, "to_tg_chat_id": new_tg_chat_id},
                    conn=conn,
                )
        except (NotFound, Conflict):
            return None
        logger.info("workspace=%d moved to chat=%d", workspace.id, new_tg_chat_id)
        return workspace

    async def _set_state(
        self,
        workspace: Workspace,
        state: str,
        *,
        actor: int,
        action: str | None,
        details: dict[str, object],
    ) -> None:
        async with self._db.transaction() as conn:
            await self._db.workspaces.set_state(workspace_id=workspace.id, state=state, conn=conn)
            if action is not None:
                await self._db.audit.record(
                    actor_tg_user_id=actor,
                    action=action,
                    workspace_id=workspace.id,
                    details=details,
                    conn=conn,
                )
