"""Is a group ready to be a workspace? Plain facts in, a list of problems out.

The handlers gather the facts from Telegram (the chat, the bot's own membership); this
module only decides, so every combination is a one-line unit test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiogram.types import Chat, ChatMemberAdministrator, ChatMemberUnion

from bot.texts import Html, Locale, text
from bot.texts.markup import join

# What the bot does in a workspace: create/rename/close topics, delete messages carrying
# API keys, pin the queue board.
REQUIRED_RIGHTS: tuple[str, ...] = ("can_manage_topics", "can_delete_messages", "can_pin_messages")

NOT_FORUM = "not_forum"
NOT_ADMIN = "not_admin"


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """What Telegram says about a group and the bot's place in it."""

    chat_type: str  # "group" or "supergroup"
    is_forum: bool
    bot_status: str  # ChatMember status of the bot: creator, administrator, member, ...
    bot_rights: Mapping[str, bool]


@dataclass(frozen=True, slots=True)
class SetupReport:
    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


def assess(facts: GroupFacts) -> SetupReport:
    """Problems in the order a person should fix them: topics first, then admin, then rights."""
    problems: list[str] = []
    if facts.chat_type != "supergroup" or not facts.is_forum:
        problems.append(NOT_FORUM)
    if facts.bot_status == "creator":
        return SetupReport(tuple(problems))
    if facts.bot_status != "administrator":
        problems.append(NOT_ADMIN)
        problems.extend(REQUIRED_RIGHTS)
    else:
        problems.extend(right for right in REQUIRED_RIGHTS if not facts.bot_rights.get(right))
    return SetupReport(tuple(problems))


def render_problems(report: SetupReport, locale: Locale) -> Html:
    """One line per problem, each saying how to fix it."""
    lines = []
    rights = [p for p in report.problems if p in REQUIRED_RIGHTS]
    if NOT_FORUM in report.problems:
        lines.append(text("setup.fix.not_forum", locale))
    if NOT_ADMIN in report.problems:
        lines.append(text("setup.fix.not_admin", locale))
    elif rights:
        names = join((text(f"setup.right.{right}", locale) for right in rights), ", ")
        lines.append(text("setup.fix.rights", locale, rights=names))
    return join(lines)


def member_rights(member: ChatMemberUnion) -> dict[str, bool]:
    if isinstance(member, ChatMemberAdministrator):
        return {
            "can_manage_topics": bool(member.can_manage_topics),
            "can_delete_messages": bool(member.can_delete_messages),
            "can_pin_messages": bool(member.can_pin_messages),
        }
    return {}


def facts_for(chat: Chat, member: ChatMemberUnion) -> GroupFacts:
    """Telegram's view of a group and the bot's membership, as the plain facts above."""
    return GroupFacts(
        chat_type=str(chat.type),
        is_forum=bool(chat.is_forum),
        bot_status=str(getattr(member.status, "value", member.status)),  # enum or str
        bot_rights=member_rights(member),
    )
