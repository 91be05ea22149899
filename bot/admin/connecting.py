"""Connecting a group once it is ready, whoever started it: /setup, «🔄 Проверить снова», or
Telegram telling the bot it was added or promoted (``my_chat_member``).

One decision for all three, so they never disagree: a group that is not ready is
remembered (pending) and told what is missing; a ready group is bound at once when an
owner (``ADMIN_IDS``) acted, and asked about (one request, sent to the owners) when a
group admin did; anyone else changes nothing. Binding itself stays in
:class:`bot.admin.binding.GroupBinding` (locked, audited once).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.access import Role
from bot.admin.binding import GroupBinding
from bot.admin.owner_requests import OwnerRequests
from bot.admin.setup import SetupReport
from bot.texts import Locale
from storage.records import Workspace


class Outcome(StrEnum):
    MISSING = "missing"  # topics off or rights missing: the report says what to fix
    BOUND = "bound"  # bound just now by an owner
    ACTIVE = "active"  # was already bound, and still ready
    ASKED = "asked"  # a new request went to the owners
    ALREADY_ASKED = "already_asked"  # the group's request is still waiting
    UNREACHABLE = "owners_unreachable"  # a new request, but no owner could be written to
    NO_OWNERS = "no_owners"  # ADMIN_IDS is empty: nobody may bind
    WAITING = "waiting"  # ready, but the person who acted is no admin: an admin must


@dataclass(frozen=True, slots=True)
class Connection:
    outcome: Outcome
    workspace: Workspace
    report: SetupReport


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made the bot look: their id, name (for the owners' request) and role here."""

    tg_user_id: int
    name: str
    role: Role


class GroupConnecting:
    def __init__(
        self,
        *,
        binding: GroupBinding,
        requests: OwnerRequests,
        owner_ids: Collection[int],
        locale: Locale,
    ) -> None:
        self._binding = binding
        self._requests = requests
        self._has_owners = bool(owner_ids)
        self._locale = locale

    @property
    def binding(self) -> GroupBinding:
        return self._binding

    async def connect(
        self, *, tg_chat_id: int, title: str, report: SetupReport, actor: Actor
    ) -> Connection:
        existing = await self._binding.workspace_of(tg_chat_id=tg_chat_id)
        if existing is not None and existing.state == "active":
            # A bound group keeps working where it can; the report says what to fix.
            if report.ready and actor.role >= Role.ADMIN:  # re-bound: title, who (no audit)
                existing = await self._bind(tg_chat_id, title, actor)
            outcome = Outcome.ACTIVE if report.ready else Outcome.MISSING
            return Connection(outcome, existing, report)
        if report.ready and actor.role is Role.OWNER:
            return Connection(Outcome.BOUND, await self._bind(tg_chat_id, title, actor), report)
        if report.ready and self._has_owners and actor.role >= Role.ADMIN:
            return await self._ask(tg_chat_id, title, report, actor)
        outcome = (
            Outcome.MISSING
            if not report.ready
            else Outcome.WAITING
            if self._has_owners
            else Outcome.NO_OWNERS
        )
        return Connection(outcome, await self._remember(tg_chat_id, title), report)

    async def _bind(self, tg_chat_id: int, title: str, actor: Actor) -> Workspace:
        return await self._binding.bind(
            tg_chat_id=tg_chat_id, title=title, bound_by=actor.tg_user_id, locale=self._locale
        )

    async def _ask(
        self, tg_chat_id: int, title: str, report: SetupReport, actor: Actor
    ) -> Connection:
        """A group admin acted: one request per group, sent to the owners once."""
        asked = await self._binding.ask(
            tg_chat_id=tg_chat_id, title=title, requester=actor.tg_user_id, locale=self._locale
        )
        if not asked.created:
            return Connection(Outcome.ALREADY_ASKED, asked.workspace, report)
        reached = await self._requests.send(asked.request, actor.name)
        return Connection(Outcome.ASKED if reached else Outcome.UNREACHABLE, asked.workspace,
                          report)  # fmt: skip

    async def _remember(self, tg_chat_id: int, title: str) -> Workspace:
        return await self._binding.remember(
            tg_chat_id=tg_chat_id, title=title, locale=self._locale
        )
