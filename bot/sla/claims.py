"""Claiming chats: who owns a buyer chat, taking it, releasing it, handing it over.

The decision is a pure function of (current owner, who acts, their role, the action); the
write is a compare-and-set on ``chats.owner_agent_id``, so two agents pressing "Take" at
the same moment cannot both win: the loser is told who owns the chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.outbox.kinds import TakeButton
from bot.outbox.queue import enqueue
from bot.sla.callbacks import ClaimCallback
from bot.texts import Locale, plain_text
from storage.database import Database
from storage.errors import NotFound
from storage.records import Agent, Chat


def claim_keyboard(chat_id: int, locale: Locale, owner: str | None = None) -> InlineKeyboardMarkup:
    """[✋ Взять] while nobody owns the chat; once someone does, the same button names them
    («✋ Ведёт Вера · отпустить»): the owner's press releases, anyone else's is told who
    owns it (an admin's takes it over)."""
    label = plain_text("claim.button", locale)
    if owner:
        label = plain_text("topic.take.owned", locale, agent=_short(owner))
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=ClaimCallback(chat=chat_id).pack())]
        ]
    )


def _short(name: str, limit: int = 24) -> str:
    """A button is narrow on a phone: a long display name is cut."""
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


class Action(StrEnum):
    TAKE = "take"
    RELEASE = "release"
    ASSIGN = "assign"


class Outcome(StrEnum):
    TAKEN = "taken"
    ALREADY_YOURS = "already_yours"
    OWNED_BY = "owned_by"
    RELEASED = "released"
    NOT_OWNER = "not_owner"
    NOBODY_OWNS = "nobody_owns"
    ASSIGNED = "assigned"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    new_owner: int | None  # the owner to write (unchanged when nothing is written)
    writes: bool


def decide(  # noqa: PLR0911 - a decision table, one return per cell
    *,
    action: Action,
    current: int | None,
    actor: int,
    is_admin: bool,
    target: int | None = None,
) -> Verdict:
    """Agents take free chats and release their own; admins also take over and reassign."""
    if action is Action.TAKE:
        if current == actor:
            return Verdict(Outcome.ALREADY_YOURS, current, writes=False)
        if current is None:
            return Verdict(Outcome.TAKEN, actor, writes=True)
        if is_admin:
            return Verdict(Outcome.ASSIGNED, actor, writes=True)
        return Verdict(Outcome.OWNED_BY, current, writes=False)
    if action is Action.RELEASE:
        if current is None:
            return Verdict(Outcome.NOBODY_OWNS, None, writes=False)
        if current == actor or is_admin:
            return Verdict(Outcome.RELEASED, None, writes=True)
        return Verdict(Outcome.NOT_OWNER, current, writes=False)
    if not is_admin or target is None:
        return Verdict(Outcome.FORBIDDEN, current, writes=False)
    return Verdict(Outcome.ASSIGNED, target, writes=current != target)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """The outcome, the owner now, and (for mentions in a handover) who owned the chat
    before and who acted."""

    outcome: Outcome
    owner_id: int | None
    owner_name: str | None
    owner: Agent | None = None
    previous: Agent | None = None
    actor_id: int | None = None


async def apply(
    db: Database,
    *,
    chat_id: int,
    action: Action,
    actor: int,
    is_admin: bool,
    target: int | None = None,
) -> ClaimResult:
    """Decide and write with compare-and-set; a lost race is decided again on fresh data."""
    for _attempt in range(3):
        chat = await db.chats.get(chat_id=chat_id)
        verdict = decide(
            action=action,
            current=chat.owner_agent_id,
            actor=actor,
            is_admin=is_admin,
            target=target,
        )
        if verdict.writes:
            status = await db.pool.execute(
                """
                UPDATE chats SET owner_agent_id = $2, updated_at = now()
                 WHERE id = $1 AND owner_agent_id IS NOT DISTINCT FROM $3
                """,
                chat_id,
                verdict.new_owner,
                chat.owner_agent_id,
            )
            if status.endswith(" 0"):
                continue  # someone else changed the owner meanwhile: look again
            await _refresh_button(db, chat)
        owner = await _agent(db, verdict.new_owner)
        previous = await _agent(db, chat.owner_agent_id)
        return ClaimResult(
            verdict.outcome, verdict.new_owner, owner.display_name if owner else None,
            owner=owner, previous=previous, actor_id=actor,
        )  # fmt: skip
    raise RuntimeError(f"chat {chat_id}: owner keeps changing")


async def _refresh_button(db: Database, chat: Chat) -> None:
    """The owner changed: the open turn's Take button is edited later, at cosmetic
    priority (buyer posts go first; a newer change of the same chat makes it moot)."""
    if chat.topic_workspace_id is None:
        return
    await enqueue(db, TakeButton(), workspace_id=chat.topic_workspace_id, chat_id=chat.id)


async def _agent(db: Database, agent_id: int | None) -> Agent | None:
    if agent_id is None:
        return None
    try:
        return await db.agents.get(agent_id=agent_id)
    except NotFound:
        return None
