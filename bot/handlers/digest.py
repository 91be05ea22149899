"""/digest in a group or in private: parse the update, call the settings service, answer
where it was typed (bot.digest.settings)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.digest.settings import DigestSettings
from bot.handlers.sla_common import answer, person_of, place_of
from bot.sla.scope import GroupAnswers
from bot.texts import Locale


async def digest(
    message: Message,
    command: CommandObject,
    digest_settings: DigestSettings,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    reply = await digest_settings.command(
        place_of(message), person_of(message), command.args or "", locale
    )
    await answer(message, sla_answers, reply)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(digest, Command("digest"))
    return router
