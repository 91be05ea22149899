"""Handing a chat over: whom a typed name means, the buttons of people to pick, and what
the topic is told.

Telegram notifies a person only when a message mentions them, so the new owner and the
previous one are named with mentions (``tg://user`` links): a handover nobody hears of
leaves the buyer waiting. Plain functions over records; no database, no aiogram calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData

from bot.sla.claims import ClaimResult, Outcome
from bot.sla.reply import Buttons
from bot.texts import Locale, markup, plain_text, text
from storage.records import Agent

MAX_BUTTONS = 20  # a phone shows about this many rows; the rest are reached by name


class AssignCallback(CallbackData, prefix="sa1"):
    """ "Hand this chat to this person": both ids are looked up again and the presser's
    role checked on the server."""

    chat: int
    agent: int


def _folded(value: str) -> str:
    return value.casefold().replace("ё", "е").strip()


def find_agents(query: str, known: Sequence[Agent]) -> list[Agent]:
    """Who ``query`` names among ``known``: an @username, a full display name, or a first
    name (case-insensitive, «ё» as «е»). A full name of two words or more picks its person
    even when others share the first name; a first name shared by several is ambiguous
    (all of them come back), as is «Вера» beside «Вера» and «Вера Иванова»."""
    wanted = _folded(query)
    if wanted.startswith("@"):
        handle = wanted[1:]
        return [a for a in known if a.username and _folded(a.username) == handle]
    exact = [a for a in known if _folded(a.display_name) == wanted]
    if exact and len(wanted.split()) > 1:
        return exact
    named = [a for a in known if a in exact or _folded(a.display_name).split()[:1] == [wanted]]
    if named:
        return named
    return [a for a in known if a.username and _folded(a.username) == wanted]


def button_label(agent: Agent) -> str:
    """The name, with the @username when there is one (two Веры stay apart)."""
    return f"{agent.display_name} · @{agent.username}" if agent.username else agent.display_name


def agent_buttons(chat_id: int, agents: Sequence[Agent]) -> Buttons:
    """One person per row: a name is easier to hit on a phone when it has the width."""
    return tuple(
        ((button_label(a), AssignCallback(chat=chat_id, agent=a.id).pack()),)
        for a in agents[:MAX_BUTTONS]
    )


def names(agents: Sequence[Agent]) -> str:
    """«Вера, Борис» for a text (escaped by the template)."""
    return ", ".join(a.display_name for a in agents)


def mention(agent: Agent) -> str:
    return markup.mention(agent.tg_user_id, agent.display_name)


def assigned_text(result: ClaimResult, target: Agent, admin: Agent, locale: Locale) -> str:
    """/assign or its button: the new owner mentioned, and the previous one unless it is
    the admin who hands the chat on."""
    previous = result.previous
    if previous is None or previous.id in (target.id, admin.id):
        return text("handover.assigned", locale, agent=mention(target), admin=admin.display_name)
    return text(
        "handover.assigned_from", locale, agent=mention(target), previous=mention(previous),
        admin=admin.display_name,
    )  # fmt: skip


def claim_text(result: ClaimResult, locale: Locale, actor_name: str) -> str | None:
    """An admin's take-over or release of someone else's chat, with that person mentioned;
    ``None`` for the plain cases (the person acted on their own chat)."""
    previous = result.previous
    if previous is None or previous.id == result.actor_id:
        return None
    if result.outcome is Outcome.ASSIGNED:
        return text("handover.taken_over", locale, agent=actor_name, previous=mention(previous))
    if result.outcome is Outcome.RELEASED:
        return text("handover.released_by", locale, previous=mention(previous), admin=actor_name)
    return None


def done_text(target: Agent, locale: Locale) -> str:
    """The callback answer to the button (plain: Telegram shows it as it is)."""
    return plain_text("handover.done", locale, agent=target.display_name)
