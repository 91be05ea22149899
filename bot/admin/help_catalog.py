"""/help as data: each command once, with who may use it and where it works.

Adding a command to the help is one line in :data:`HELP` (its description is the menu's
``command.<name>`` text, so the help and Telegram's command menu never disagree, unless
the entry names a longer ``details`` text). A
person sees only the lines their role allows, grouped for agents and for admins; in a
group only the commands that work in a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Flag, auto

from bot.access import Role
from bot.texts import Html, Locale, text
from bot.texts.markup import join


class Where(Flag):
    PRIVATE = auto()
    GROUP = auto()
    ANYWHERE = PRIVATE | GROUP


@dataclass(frozen=True, slots=True)
class HelpEntry:
    command: str
    who: Role  # the lowest role that may use it (NONE: anyone)
    where: Where
    details: str | None = None  # a text key saying more than the menu's ``command.<name>``


HELP: tuple[HelpEntry, ...] = (
    HelpEntry("start", Role.NONE, Where.PRIVATE),
    HelpEntry("help", Role.NONE, Where.ANYWHERE),
    HelpEntry("cancel", Role.NONE, Where.PRIVATE),
    HelpEntry("queue", Role.AGENT, Where.ANYWHERE),
    HelpEntry("take", Role.AGENT, Where.GROUP),
    HelpEntry("release", Role.AGENT, Where.GROUP),
    HelpEntry("done", Role.AGENT, Where.GROUP),
    HelpEntry("stats", Role.AGENT, Where.ANYWHERE),
    HelpEntry("find", Role.AGENT, Where.ANYWHERE),
    HelpEntry("templates", Role.AGENT, Where.ANYWHERE, "help.details.templates"),
    HelpEntry("digest", Role.ADMIN, Where.GROUP),
    HelpEntry("setup", Role.ADMIN, Where.GROUP),
    HelpEntry("add_seller", Role.ADMIN, Where.ANYWHERE, "help.details.add_seller"),
    HelpEntry("sellers", Role.ADMIN, Where.ANYWHERE),
    HelpEntry("agents", Role.ADMIN, Where.ANYWHERE),
    HelpEntry("assign", Role.ADMIN, Where.GROUP),
    HelpEntry("rules", Role.ADMIN, Where.ANYWHERE),
    HelpEntry("targets", Role.ADMIN, Where.ANYWHERE),
    HelpEntry("hours", Role.ADMIN, Where.ANYWHERE),
    HelpEntry("idle_close", Role.ADMIN, Where.ANYWHERE),
    HelpEntry("ai", Role.ADMIN, Where.ANYWHERE),
    HelpEntry("groups", Role.OWNER, Where.PRIVATE),
)


def entries_for(role: Role, place: Where) -> list[HelpEntry]:
    """What this person may use here, in the catalogue's order."""
    return [e for e in HELP if e.who <= role and e.where & place]


def _line(entry: HelpEntry, locale: Locale) -> str:
    description = text(entry.details or f"command.{entry.command}", locale)
    return text("help.line", locale, command=entry.command, description=description)


def render_help(role: Role, place: Where, locale: Locale) -> Html:
    """The sections (agents', admins') with a title each; an empty section is left out."""
    entries = entries_for(role, place)
    sections = (
        ("help.section.agents", [e for e in entries if e.who < Role.ADMIN]),
        ("help.section.admins", [e for e in entries if e.who >= Role.ADMIN]),
    )
    blocks: list[str] = []
    for title, lines in sections:
        if lines:
            block = [text(title, locale)] + [_line(e, locale) for e in lines]
            blocks.append(join(block))
    blocks.append(text("help.footer", locale))
    return join(blocks, "\n\n")
