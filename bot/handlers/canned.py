"""/templates (canned replies: the list, and admins' changes) and the /start link an
inline query's button opens: parse, call the service (bot.canned.commands), answer."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.canned.commands import Attachment, BotFacts, TemplateCommands
from bot.canned.inline import START_PARAMETER
from bot.handlers.sla_common import answer, person_of, place_of
from bot.sla.scope import GroupAnswers
from bot.texts import Locale, text


def attachment_of(message: Message) -> Attachment | None:
    """The photo (largest size) or document the command came with, if any."""
    if message.photo:
        return Attachment("photo", message.photo[-1].file_id)
    document = message.document
    if document is not None:
        return Attachment("document", document.file_id, document.file_name, document.mime_type)
    return None


async def templates(
    message: Message,
    command: CommandObject,
    *,
    bot: Bot,
    canned: TemplateCommands,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    me = await bot.me()
    facts = BotFacts(username=me.username or "", inline_on=bool(me.supports_inline_queries))
    reply = await canned.templates(
        place_of(message),
        person_of(message),
        command.args or "",
        locale,
        bot=facts,
        attachment=attachment_of(message),
    )
    await answer(message, sla_answers, reply)


async def start_from_inline(message: Message, locale: Locale) -> None:
    """Someone tapped "canned replies are for those who answer buyers" under @bot."""
    await message.answer(text("canned.start", locale))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(
        start_from_inline,
        CommandStart(deep_link=True, magic=F.args == START_PARAMETER),
        F.chat.type == ChatType.PRIVATE,
    )
    router.message.register(templates, Command("templates"))
    return router
