"""/stats as a service: the report's chart and caption for the workspaces the person may see
(agents their group's, in the group; admins all of theirs, in private)."""

from __future__ import annotations

import asyncio

from bot.access import Presser, Role
from bot.sla.reply import Reply
from bot.sla.scope import CommandScope, Place
from bot.sla.service import SlaService
from bot.sla.stats import build_report, caption, parse_period, render_chart, usage
from bot.texts import Locale, text
from storage.database import Database


class StatsCommand:
    def __init__(self, *, db: Database, scope: CommandScope, sla: SlaService) -> None:
        self._db = db
        self._scope = scope
        self._sla = sla  # its clock is late-bound: tests move it after assembly

    async def stats(
        self, place: Place, person: Presser | None, args: str, locale: Locale
    ) -> Reply:
        """The report's chart (``Reply.png``) with the report as its caption, or why not."""
        minimum = Role.ADMIN if place.private else Role.AGENT
        scope = await self._scope.of(place, person, minimum, locale)
        locale = scope.locale
        if not scope.workspaces:
            return Reply(text("admin_only", locale))
        period = parse_period(args)
        if period is None:
            return Reply(usage(locale))
        sellers = await self._scope.sellers(scope.workspaces)
        now = self._sla.clock()
        report = await build_report(self._db, sellers=sellers, period=period, now=now)
        png = await asyncio.to_thread(render_chart, report, locale)  # matplotlib: off the loop
        return Reply(caption(report, locale), png=png)
