"""/queue as a service: the chats waiting for an answer, filtered, across the workspaces
the person works in (the group's own in a group)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.access import Presser, Role
from bot.sla.board import chat_line
from bot.sla.reply import SILENT, Reply
from bot.sla.scope import CommandScope, Place
from bot.sla.service import SlaService
from bot.texts import Locale, plain_text, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted, spelled
from storage.database import Database
from storage.errors import NotFound
from storage.records import Workspace
from storage.sla_queue_repo import QueueFilter

LIMIT = 30  # lines in one answer, well under Telegram's 4096 characters


class View(StrEnum):
    ALL = "all"
    URGENT = "urgent"
    OVERDUE = "overdue"
    UNREAD = "unread"
    MINE = "mine"
    SELLER = "seller"


# What people type after /queue, in either language (bot.texts.input_words).
_VIEW_WORDS: dict[str, View] = {
    word: View(value) for word, value in accepted(vocab.QUEUE_VIEWS).items()
}


@dataclass(frozen=True, slots=True)
class QueueAsk:
    """A parsed /queue argument: a view, and the shop's name or number for ``SELLER``."""

    view: View
    seller: str = ""


def parse_filter(args: str) -> QueueAsk:
    """urgent / overdue / unread / mine / all (or their Russian words); anything else is
    a shop's name (a part of it) or number."""
    word = args.strip().lower()
    if not word:
        return QueueAsk(View.ALL)
    view = _VIEW_WORDS.get(word)
    if view is not None:
        return QueueAsk(view)
    return QueueAsk(View.SELLER, args.strip())


def usage(locale: Locale) -> str:
    """How to filter /queue, listing every view word it accepts."""
    hints = {"unread": plain_text("queue.hint.unread", locale)}
    return text("queue.usage", locale, views=spelled(vocab.QUEUE_VIEWS, locale, hints))


class QueueCommands:
    def __init__(self, *, db: Database, scope: CommandScope, sla: SlaService) -> None:
        self._db = db
        self._scope = scope
        self._sla = sla  # its clock is late-bound: tests move it after assembly

    async def queue(
        self, place: Place, person: Presser | None, args: str, locale: Locale
    ) -> Reply:
        """The waiting chats; silence in a group where the person is not an agent."""
        scope = await self._scope.of(place, person, Role.AGENT, locale)
        locale = scope.locale
        if not scope.workspaces or person is None:
            return Reply(text("no_workspace", locale)) if place.private else SILENT
        ask = parse_filter(args)
        now = self._sla.clock()
        lines: list[str] = []
        total = 0
        for workspace in scope.workspaces:
            where = await self._filter_for(ask, workspace, person.tg_user_id, now)
            if where is None:
                continue
            chats = await self._sla.waiting(workspace, where, limit=LIMIT)
            if chats:
                total += chats[0].total
            lines += [
                chat_line(c, tg_chat_id=workspace.tg_chat_id, now=now, locale=locale, rough=False)
                for c in chats
            ]
        shown = lines[:LIMIT]
        if not shown:
            body = text("queue.empty", locale)
        else:
            body = "\n".join([text("queue.title", locale, count=total), *shown])
            if total > len(shown):
                body += "\n" + text("board.more", locale, count=total - len(shown))
        if ask.view is View.ALL:
            body += "\n\n" + usage(locale)
        return Reply(body)

    async def _filter_for(
        self, ask: QueueAsk, workspace: Workspace, tg_user_id: int, now: datetime
    ) -> QueueFilter | None:
        """The query for one workspace; ``None`` when nothing there can match."""
        simple = {
            View.ALL: QueueFilter(),
            View.URGENT: QueueFilter(priority="urgent"),
            View.OVERDUE: QueueFilter(overdue_at=now),
            View.UNREAD: QueueFilter(unclaimed=True),
        }
        if ask.view in simple:
            return simple[ask.view]
        if ask.view is View.MINE:
            try:
                agent = await self._db.agents.get_by_tg_user(tg_user_id=tg_user_id)
            except NotFound:  # never claimed anything: nothing is theirs
                return None
            return QueueFilter(owner_agent_id=agent.id)
        wanted = ask.seller.lower()
        ids = [
            s.id
            for s in await self._scope.sellers([workspace])
            if wanted in s.name.lower() or wanted == str(s.id)
        ]
        return QueueFilter(seller_ids=ids) if ids else None
