"""/find in a group or in private: parse the update, call the search, answer where it was
typed (bot.search.command)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.handlers.sla_common import answer, person_of, place_of
from bot.search.command import FindCommand
from bot.sla.scope import GroupAnswers
from bot.texts import Locale


async def find(
    message: Message,
    command: CommandObject,
    finder: FindCommand,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    reply = await finder.find(place_of(message), person_of(message), command.args or "", locale)
    await answer(message, sla_answers, reply)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(find, Command("find"))
    return router
