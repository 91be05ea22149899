"""Where an SLA command applies, and how its answer reaches a group.

A command typed in a group covers that group's workspace (when it is active and the
person has the role); typed in private, it covers every workspace where the person has
it. In a private chat the handler answers at once; in a group every answer is a post, so
it goes through the durable Telegram queue (budget, retries) into the topic the command
came from, or, for a claim, into the buyer chat's own topic (:class:`GroupAnswers`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from bot.access import AccessControl, Presser, Role
from bot.outbox.kinds import SlaQueue, SlaStats
from bot.outbox.queue import PRIORITY_AGENT_FEEDBACK, Outbox
from bot.sla.reply import Reply, markup
from bot.texts import Locale
from storage.database import Database
from storage.records import Seller, Workspace


def command_key(tg_chat_id: int, message_id: int) -> str:
    """The outbox dedup key of the answer to one command message."""
    return f"cmd:{tg_chat_id}:{message_id}"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a command was typed: a private chat, or a group (and its topic, if any)."""

    tg_chat_id: int
    private: bool
    message_id: int
    thread_id: int | None = None

    @property
    def dedup_key(self) -> str:
        """One answer per command message, however often the update is handled."""
        return command_key(self.tg_chat_id, self.message_id)


@dataclass(frozen=True, slots=True)
class Scope:
    """The workspaces a command covers and the language to answer in (the group's own in
    a group, the person's in private)."""

    workspaces: list[Workspace]
    locale: Locale


class CommandScope:
    """Resolves a :class:`Place` and a person into the :class:`Scope` of a command."""

    def __init__(self, *, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def of(
        self, place: Place, person: Presser | None, minimum: Role, locale: Locale
    ) -> Scope:
        """The workspaces where ``person`` has at least ``minimum``; none for a group that
        is not an active workspace (the bot stays silent there) or without a person."""
        if person is None:
            return Scope([], locale)
        if not place.private:
            workspace = await self._db.workspaces.find_by_chat(tg_chat_id=place.tg_chat_id)
            if workspace is None or workspace.state != "active":
                return Scope([], locale)
            role = await self._access.role(
                tg_user_id=person.tg_user_id,
                workspace=workspace,
                display_name=person.name,
                username=person.username,
            )
            return Scope([workspace] if role >= minimum else [], workspace.locale)
        if minimum >= Role.ADMIN:
            return Scope(await self._access.administered_workspaces(person.tg_user_id), locale)
        found = [
            candidate
            for candidate in await self._db.workspaces.list_all(only_active=True)
            if await self._access.at_least(
                minimum, tg_user_id=person.tg_user_id, workspace=candidate
            )
        ]
        return Scope(found, locale)

    async def sellers(self, workspaces: list[Workspace]) -> list[Seller]:
        sellers: list[Seller] = []
        for workspace in workspaces:
            sellers += await self._db.sellers.list_all(workspace_id=workspace.id)
        return sellers


class GroupAnswers:
    """Posts a command's answer in the group it was typed in, as a reply in its topic; one
    post per dedup key, however often the command is handled."""

    def __init__(self, *, db: Database, outbox: Outbox) -> None:
        self._db = db
        self._outbox = outbox

    async def post(self, place: Place, reply: Reply) -> bool:
        """Queue ``reply`` (a notice, a /queue list with its buttons, or the /stats chart
        with its caption); ``False`` when there is nothing to say or the group is not bound
        (the bot stays silent there)."""
        if reply.text is None or place.private:
            return False
        workspace = await self._db.workspaces.find_by_chat(tg_chat_id=place.tg_chat_id)
        if workspace is None:
            return False
        if reply.buttons and reply.png is None:
            await self._outbox.put(
                SlaQueue(
                    text=reply.text,
                    buttons=_rows(reply),
                    thread_id=place.thread_id,
                    reply_to=place.message_id,
                ),
                workspace_id=workspace.id,
                dedup_key=place.dedup_key,
            )
            return True
        if reply.png is None:
            await self._outbox.notice(
                workspace_id=workspace.id,
                text=reply.text,
                key=place.dedup_key,
                thread_id=place.thread_id,
                reply_to=place.message_id,
            )
            return True
        await self._outbox.put(
            SlaStats(
                text=reply.text,
                png=base64.b64encode(reply.png).decode(),
                thread_id=place.thread_id,
            ),
            workspace_id=workspace.id,
            priority=PRIORITY_AGENT_FEEDBACK,
            dedup_key=place.dedup_key,
        )
        return True

    async def edit(self, place: Place, reply: Reply, *, key: str) -> bool:
        """Queue the edit of our message ``place.message_id`` (a /queue list whose filter
        was pressed) to ``reply``, once per ``key``."""
        if reply.text is None or place.private:
            return False
        workspace = await self._db.workspaces.find_by_chat(tg_chat_id=place.tg_chat_id)
        if workspace is None:
            return False
        await self._outbox.put(
            SlaQueue(text=reply.text, buttons=_rows(reply), edit_message_id=place.message_id),
            workspace_id=workspace.id,
            dedup_key=key,
        )
        return True

    async def in_chat_topic(
        self,
        *,
        workspace_id: int,
        chat_id: int,
        reply: Reply,
        key: str,
        reply_to: int | None = None,
    ) -> bool:
        """Queue ``reply`` in the topic of buyer chat ``chat_id`` (who owns it now, or why
        not), once per ``key``. Queued with the chat rather than a thread id, so the worker
        recreates or reopens the topic if it is gone or closed by then."""
        if reply.text is None:
            return False
        await self._outbox.notice(
            workspace_id=workspace_id,
            text=reply.text,
            key=key,
            chat_id=chat_id,
            reply_to=reply_to,
            keyboard=markup(reply.buttons),
        )
        return True


def _rows(reply: Reply) -> list[list[list[str]]]:
    """The reply's buttons as the JSON the queue stores."""
    return [[[label, data] for label, data in row] for row in reply.buttons]
