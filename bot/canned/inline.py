"""Inline mode as a service: who asks, which templates they may insert, as plain choices.

An inline query says who typed it, not where, so the right to see templates is the right
to answer buyers (:meth:`bot.access.AccessControl.answerer`) in a group; their groups'
templates (group-wide and every shop's) are offered. Anyone
else gets no results and a button explaining why — never silence. The chosen result is
sent by Telegram as the person's own message with ``via_bot``: it costs the group's budget
nothing, and the topic's ordinary relay path takes it as their reply (filling variables
there, :mod:`bot.bridge.agent_messages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.access import AccessControl, Answerer, Presser
from bot.bridge.notes import NOTE_PREFIX
from bot.canned.matching import Query, parse_query, search, stack, stacked_text
from bot.texts import Locale, plain_text
from storage.database import Database
from storage.records import CannedReply, Workspace

#: Up to this many active groups, every one is checked for an inline query's sender.
ASK_ALL_UP_TO = 5
#: The /start deep link of the button shown when there is nothing to offer.
START_PARAMETER = "templates"
#: Telegram's caption limit: a stacked text over it cannot ride on a file.
CAPTION_LIMIT = 1024
_DESCRIPTION_LIMIT = 90


@dataclass(frozen=True, slots=True)
class Choice:
    """One inline result: an article (text) or a cached photo / document with a caption."""

    id: str
    title: str
    description: str
    text: str
    file_kind: str | None = None
    file_id: str | None = None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """The results, and when there are none, the key of the button saying why."""

    choices: tuple[Choice, ...]
    button_key: str | None = None


def _clip(value: str, limit: int) -> str:
    one_line = " ".join(value.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _as_note(body: str, note: bool) -> str:
    return f"{NOTE_PREFIX} {body}" if note else body


class InlineTemplates:
    def __init__(self, *, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def answer(self, person: Presser, raw_query: str, locale: Locale) -> InlineAnswer:
        workspaces = await self._answerable(person)
        if not workspaces:
            return InlineAnswer((), "canned.inline.not_allowed")
        templates = await self._db.canned.list_for(workspace_ids=[w.id for w in workspaces])
        query = parse_query(raw_query)
        scopes = await self._scopes(workspaces, locale)
        choices = self._choices(templates, query, scopes, locale)
        if not choices:
            return InlineAnswer((), "canned.inline.nothing")
        return InlineAnswer(tuple(choices))

    async def _answerable(self, person: Presser) -> list[Workspace]:
        """Groups where the person may answer buyers now (Telegram's word, cached).

        With a few groups, each is asked about (an admin who never wrote in the group is
        still an admin); with many, only the groups the bot has met the person in, so a
        stranger's queries cannot make the bot ask Telegram about every group."""
        active = await self._db.workspaces.list_all(only_active=True)
        if self._access.is_owner(person.tg_user_id) or len(active) <= ASK_ALL_UP_TO:
            candidates = active
        else:
            met = set(await self._db.canned.member_workspace_ids(tg_user_id=person.tg_user_id))
            candidates = [w for w in active if w.id in met]
        allowed: list[Workspace] = []
        for workspace in candidates:
            decided = await self._access.answerer(
                tg_user_id=person.tg_user_id,
                workspace=workspace,
                display_name=person.name,
                username=person.username,
            )
            if isinstance(decided, Answerer):
                allowed.append(workspace)
        return allowed

    async def _scopes(self, workspaces: Sequence[Workspace], locale: Locale) -> dict[str, str]:
        """``"w<id>"`` / ``"s<id>"`` → how a result names where it applies."""
        named: dict[str, str] = {}
        for workspace in workspaces:
            named[f"w{workspace.id}"] = plain_text(
                "canned.inline.scope_group", locale, group=workspace.title
            )
            for seller in await self._db.sellers.list_all(workspace_id=workspace.id):
                named[f"s{seller.id}"] = plain_text(
                    "canned.inline.scope_shop", locale, shop=seller.name
                )
        return named

    def _choices(
        self,
        templates: Sequence[CannedReply],
        query: Query,
        scopes: dict[str, str],
        locale: Locale,
    ) -> list[Choice]:
        prefix = "n" if query.note else "t"
        choices: list[Choice] = []
        stacked = stack(templates, query)
        if stacked is not None:
            combined = stacked_text(stacked)
            with_file = next((t for t in stacked if t.file_id is not None), None)
            if with_file is None or len(combined) <= CAPTION_LIMIT:
                names = " + ".join(t.name for t in stacked)
                choices.append(
                    Choice(
                        id=f"{prefix}s" + "-".join(str(t.id) for t in stacked),
                        title=plain_text("canned.inline.together", locale, names=names),
                        description=_clip(combined, _DESCRIPTION_LIMIT),
                        text=_as_note(combined, query.note),
                        file_kind=with_file.file_kind if with_file else None,
                        file_id=with_file.file_id if with_file else None,
                    )
                )
        for template in search(templates, query):
            scope = scopes.get(
                f"s{template.seller_id}" if template.seller_id else f"w{template.workspace_id}",
                "",
            )
            title = (
                plain_text("canned.inline.note", locale, name=template.name)
                if query.note
                else template.name
            )
            choices.append(
                Choice(
                    id=f"{prefix}{template.id}",
                    title=title,
                    description=_clip(f"{scope} · {template.body}", _DESCRIPTION_LIMIT),
                    text=_as_note(template.body, query.note),
                    file_kind=template.file_kind,
                    file_id=template.file_id,
                )
            )
        return choices
