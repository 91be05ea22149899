"""/find as a service: who may search where, the one search, the answer.

In a group it covers the group's shops (its members); in private, every workspace where
the person is an admin. The answer is a :class:`~bot.sla.reply.Reply`, posted like every
SLA command's (at once in private, through the Telegram queue as a reply in a group).
"""

from __future__ import annotations

from bot.access import Presser, Role
from bot.search.query import MAX_LENGTH, parse_query
from bot.search.render import render_results
from bot.sla.reply import Reply
from bot.sla.scope import CommandScope, Place
from bot.texts import Locale, text
from storage.database import Database
from storage.search_repo import SearchRepo

RESULTS = 10  # chats in one answer; the rest are counted ("and N more")


class FindCommand:
    def __init__(self, *, db: Database, scope: CommandScope) -> None:
        self._db = db
        self._scope = scope
        self._repo = SearchRepo(db.pool)

    async def find(self, place: Place, person: Presser | None, args: str, locale: Locale) -> Reply:
        minimum = Role.ADMIN if place.private else Role.AGENT
        scope = await self._scope.of(place, person, minimum, locale)
        locale = scope.locale
        if not scope.workspaces:
            return Reply(text("find.forbidden", locale))
        query = parse_query(args)
        if query.problem == "empty":
            return Reply(text("find.usage", locale))
        if query.problem == "too_long":
            return Reply(text("find.too_long", locale, limit=MAX_LENGTH))
        result = await self._repo.find(
            workspace_ids=[w.id for w in scope.workspaces], query=query.text, limit=RESULTS
        )
        return Reply(render_results(query.text, result, locale))
