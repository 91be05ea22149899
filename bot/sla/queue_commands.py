"""/queue as a service: the chats waiting for an answer, filtered, across the workspaces
the person works in (the group's own in a group).

A filter never lies: when it shows nothing, the answer says what it filtered and how many
chats wait in all; a word that is neither a filter nor a shop is answered with the real
filters and shops instead of an empty list. The answer carries filter buttons
(:class:`bot.sla.callbacks.QueueCallback`); a press computes the same answer again.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.access import Presser, Role
from bot.sla.board import chat_line
from bot.sla.callbacks import QueueCallback
from bot.sla.reply import SILENT, Buttons, Reply
from bot.sla.scope import CommandScope, Place, Scope
from bot.sla.service import SlaService
from bot.texts import Locale, plain_text, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted, normalized, spelled_own
from bot.texts.markup import join
from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller
from storage.sla_queue_repo import QueueFilter

LIMIT = 30  # lines in one answer, well under Telegram's 4096 characters
SHOP_BUTTONS = 6  # more shops than this are picked by name (a keyboard fits a phone)
_SHOP_LABEL = 28


class View(StrEnum):
    ALL = "all"
    URGENT = "urgent"
    OVERDUE = "overdue"
    UNCLAIMED = "unclaimed"  # nobody owns the chat (once misnamed "unread")
    MINE = "mine"
    SELLER = "seller"


#: The filter buttons, in their order on the keyboard (two rows).
BUTTON_ROWS: tuple[tuple[View, ...], ...] = (
    (View.ALL, View.URGENT, View.OVERDUE),
    (View.UNCLAIMED, View.MINE),
)

# What people type after /queue, in either language (bot.texts.input_words).
_VIEW_WORDS: dict[str, View] = {
    normalized(word): View(value)
    for word, value in (accepted(vocab.QUEUE_VIEWS) | dict(vocab.QUEUE_VIEWS_FORMER)).items()
}


@dataclass(frozen=True, slots=True)
class QueueAsk:
    """A parsed /queue argument: a view, and the shop's name or number for ``SELLER``."""

    view: View
    seller: str = ""


def parse_filter(args: str) -> QueueAsk:
    """A filter word (either language, "_" for a space); anything else names a shop."""
    word = normalized(args)
    if not word:
        return QueueAsk(View.ALL)
    view = _VIEW_WORDS.get(word)
    if view is not None:
        return QueueAsk(view)
    return QueueAsk(View.SELLER, args.strip())


def filter_words(locale: Locale) -> str:
    """The filter words of ``locale`` (English ones are accepted too, not listed)."""
    hints = {"unclaimed": plain_text("queue.hint.unclaimed", locale)}
    return spelled_own(vocab.QUEUE_VIEWS, locale, hints)


def usage(locale: Locale) -> str:
    """How to filter /queue, listing the view words of the person's language."""
    return text("queue.usage", locale, views=filter_words(locale))


def matching_shops(sellers: Sequence[Seller], wanted: str) -> list[Seller]:
    """Shops whose name contains ``wanted`` (any case), or whose number it is."""
    word = wanted.strip().lower()
    return [s for s in sellers if word in s.name.lower() or word == str(s.id)]


def unknown_filter(word: str, sellers: Sequence[Seller], locale: Locale) -> str:
    """Why nothing was filtered: the real filters, the shops, and the nearest name."""
    lines = [text("queue.unknown", locale, word=word[:40], views=filter_words(locale))]
    if sellers:
        lines.append(text("queue.unknown.shops", locale, shops=", ".join(s.name for s in sellers)))
        names = {s.name.lower(): s.name for s in sellers}
        guess = difflib.get_close_matches(word.strip().lower(), list(names), n=1, cutoff=0.6)
        if guess:
            lines.append(text("queue.unknown.guess", locale, guess=names[guess[0]]))
    return "\n".join(lines)


def keyboard(
    view: View | None, shop: Seller | None, sellers: Sequence[Seller], locale: Locale
) -> Buttons:
    """The filter buttons (the one shown marked, if any), then one per shop when there are
    a few."""

    def label(name: str, current: bool) -> str:
        return plain_text("queue.button.current", locale, label=name) if current else name

    rows = [
        tuple(
            (
                label(plain_text(f"queue.view.{each}", locale), each is view),
                QueueCallback(view=each).pack(),
            )
            for each in row
        )
        for row in BUTTON_ROWS
    ]
    if 1 < len(sellers) <= SHOP_BUTTONS:
        shops = [
            (
                label(s.name[:_SHOP_LABEL], shop is not None and s.id == shop.id),
                QueueCallback(view=View.SELLER, seller=s.id).pack(),
            )
            for s in sellers
        ]
        rows += [tuple(shops[i : i + 2]) for i in range(0, len(shops), 2)]
    return tuple(rows)


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
        if not scope.workspaces or person is None:
            return Reply(text("no_workspace", scope.locale)) if place.private else SILENT
        ask = parse_filter(args)
        sellers = await self._scope.sellers(scope.workspaces)
        if ask.view is not View.SELLER:
            return await self._answer(scope, person, ask.view, sellers, sellers)
        shops = matching_shops(sellers, ask.seller)
        if not shops:  # the real filters, as words and as buttons to press instead
            buttons = keyboard(None, None, sellers, scope.locale)
            return Reply(unknown_filter(ask.seller, sellers, scope.locale), buttons=buttons)
        return await self._answer(scope, person, View.SELLER, shops, sellers)

    async def press(
        self, place: Place, person: Presser, view: str, seller_id: int, locale: Locale
    ) -> Reply:
        """A filter button: the same answer as the typed filter, for whoever pressed it;
        ``SILENT`` when they may not see the queue there."""
        scope = await self._scope.of(place, person, Role.AGENT, locale)
        if not scope.workspaces:
            return SILENT
        sellers = await self._scope.sellers(scope.workspaces)
        try:
            chosen = View(view)
        except ValueError:
            return Reply(text("queue.button_stale", scope.locale))
        shops = [s for s in sellers if s.id == seller_id] if chosen is View.SELLER else sellers
        if not shops:  # the shop was removed since the list was sent
            return Reply(text("queue.button_stale", scope.locale))
        return await self._answer(scope, person, chosen, shops, sellers)

    async def _answer(
        self,
        scope: Scope,
        person: Presser,
        view: View,
        shops: Sequence[Seller],
        sellers: Sequence[Seller],
    ) -> Reply:
        locale = scope.locale
        now = self._sla.clock()
        where = await self._filter(view, shops, person.tg_user_id, now)
        lines: list[str] = []
        shown = total = 0
        for workspace in scope.workspaces:
            total += await self._sla.queue.waiting_count(workspace_id=workspace.id)
            if where is None:
                continue
            chats = await self._sla.waiting(workspace, where, limit=LIMIT)
            if chats:
                shown += chats[0].total
            lines += [
                chat_line(c, tg_chat_id=workspace.tg_chat_id, now=now, locale=locale)
                for c in chats
            ]
        only = shops[0] if view is View.SELLER and len(shops) == 1 else None
        buttons = keyboard(view, only, sellers, locale)
        body = self._body(
            view, shops=shops, lines=lines[:LIMIT], shown=shown, total=total, locale=locale
        )
        return Reply(body, buttons=buttons)

    @staticmethod
    def _body(
        view: View,
        *,
        shops: Sequence[Seller],
        lines: list[str],
        shown: int,
        total: int,
        locale: Locale,
    ) -> str:
        names = ", ".join(s.name for s in shops)
        if not total:
            body = text("queue.empty", locale)
        elif not lines:
            none = text(f"queue.none.{view}", locale, shop=names)
            body = join([none, text("queue.total", locale, total=total)])
        else:
            if view is View.ALL:
                title = text("queue.title", locale, count=shown)
            else:
                label = plain_text(f"queue.view.{view}", locale, shop=names)
                title = text("queue.title_view", locale, view=label, count=shown, total=total)
            body = join([title, *lines])
            if shown > len(lines):
                body = join([body, text("board.more", locale, count=shown - len(lines))])
        if view is View.ALL:
            body = join([body, "", usage(locale)])
        return body

    async def _filter(
        self, view: View, shops: Sequence[Seller], tg_user_id: int, now: datetime
    ) -> QueueFilter | None:
        """The query of ``view``; ``None`` when nothing can match (nobody's chats)."""
        simple = {
            View.ALL: QueueFilter(),
            View.URGENT: QueueFilter(priority="urgent"),
            View.OVERDUE: QueueFilter(overdue_at=now),
            View.UNCLAIMED: QueueFilter(unclaimed=True),
        }
        if view in simple:
            return simple[view]
        if view is View.MINE:
            try:
                agent = await self._db.agents.get_by_tg_user(tg_user_id=tg_user_id)
            except NotFound:  # never claimed anything: nothing is theirs
                return None
            return QueueFilter(owner_agent_id=agent.id)
        return QueueFilter(seller_ids=[s.id for s in shops])
