"""/digest: show and change when the weekly digest goes out.

``/digest`` shows it (members in the group; admins in private, for each of their groups);
``/digest off`` / ``on``; ``/digest пн 09:00 Europe/Moscow`` sets the day, the time and the
zone, each optional and in any order (admins). A change in private applies when the
person administers one group; with several, it is made in the group itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.access import Presser, Role
from bot.sla.reply import Reply
from bot.sla.scope import CommandScope, Place
from bot.texts import Html, Locale, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted, spelled, spelled_one
from storage.database import Database
from storage.digest_repo import DigestPlan, DigestRepo
from storage.records import Workspace

_SWITCH: dict[str, bool] = accepted(vocab.DIGEST_SWITCH)
_DAYS: dict[str, int] = accepted(vocab.WEEKDAYS)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class DigestInputError(ValueError):
    """What the person typed and which text explains it."""

    def __init__(self, key: str, word: str) -> None:
        super().__init__(word)
        self.key = key
        self.word = word


@dataclass(frozen=True, slots=True)
class DigestChange:
    enabled: bool | None = None
    weekday: int | None = None
    send_at: time | None = None
    timezone: str | None = None


def _day(word: str) -> int | None:
    if word.isdigit() and 1 <= int(word) <= 7:
        return int(word)
    return _DAYS.get(word[:3]) or _DAYS.get(word[:2])


def parse_change(args: str) -> DigestChange | None:
    """``None`` for no arguments (show); raises :class:`DigestInputError` for a word that
    is not a switch, a day, a time or a known zone."""
    words = args.split()
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in _SWITCH:
        return DigestChange(enabled=_SWITCH[words[0].lower()])
    weekday: int | None = None
    at: time | None = None
    zone: str | None = None
    for word in words:
        match = _TIME.match(word)
        if match:
            at = time(int(match[1]), int(match[2]))
        elif "/" in word or word.upper() == "UTC":
            try:
                ZoneInfo(word)
            except (ZoneInfoNotFoundError, ValueError):
                raise DigestInputError("digest.bad_zone", word) from None
            zone = word
        elif (day := _day(word.lower())) is not None:
            weekday = day
        else:
            raise DigestInputError("digest.bad", word)
    return DigestChange(enabled=True, weekday=weekday, send_at=at, timezone=zone)


def describe(plan: DigestPlan, locale: Locale) -> str:
    if not plan.enabled:
        return text("digest.settings.off", locale)
    return text(
        "digest.settings.on",
        locale,
        day=text(f"digest.day.{plan.weekday}", locale),
        time=plan.send_at.strftime("%H:%M"),
        tz=plan.timezone,
    )


def usage(locale: Locale) -> str:
    return text(
        "digest.help",
        locale,
        days=spelled(vocab.WEEKDAYS, locale),
        off=spelled_one(vocab.DIGEST_SWITCH, locale, False),
        on=spelled_one(vocab.DIGEST_SWITCH, locale, True),
    )


class DigestSettings:
    def __init__(self, *, db: Database, scope: CommandScope) -> None:
        self._db = db
        self._scope = scope
        self._repo = DigestRepo(db.pool)

    async def command(
        self, place: Place, person: Presser | None, args: str, locale: Locale
    ) -> Reply:
        viewing = not args.strip()
        minimum = Role.AGENT if viewing and not place.private else Role.ADMIN
        scope = await self._scope.of(place, person, minimum, locale)
        locale = scope.locale
        if not scope.workspaces or person is None:
            return Reply(text("digest.forbidden", locale))
        try:
            change = parse_change(args)
        except DigestInputError as error:
            return Reply(text(error.key, locale, word=error.word) + "\n" + usage(locale))
        if change is None:
            return Reply(await self._show(scope.workspaces, locale))
        if len(scope.workspaces) > 1:
            return Reply(text("digest.in_group", locale) + "\n\n" + await self._show(
                scope.workspaces, locale))  # fmt: skip
        [workspace] = scope.workspaces
        async with self._db.transaction() as conn:  # the change and its audit record
            await self._repo.save(
                workspace_id=workspace.id,
                enabled=change.enabled,
                weekday=change.weekday,
                send_at=change.send_at,
                timezone=change.timezone,
                conn=conn,
            )
            await self._db.audit.record(
                actor_tg_user_id=person.tg_user_id,
                action="digest.settings",
                workspace_id=workspace.id,
                details={
                    "enabled": change.enabled,
                    "weekday": change.weekday,
                    "send_at": change.send_at.isoformat() if change.send_at else None,
                    "timezone": change.timezone,
                },
                conn=conn,
            )
        plan = await self._repo.plan(workspace_id=workspace.id)
        return Reply(text("digest.saved", locale, settings=Html(describe(plan, locale))))

    async def _show(self, workspaces: list[Workspace], locale: Locale) -> str:
        parts = []
        for workspace in workspaces:
            plan = await self._repo.plan(workspace_id=workspace.id)
            shown = describe(plan, locale)
            if len(workspaces) > 1:
                shown = text("digest.settings.group", locale, title=workspace.title,
                             settings=Html(shown))  # fmt: skip
            parts.append(shown)
        return "\n".join([*parts, "", usage(locale)])
