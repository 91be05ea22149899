"""The last word in a private chat: a message no other handler took (free text, a photo,
a command the bot does not have) gets a one-line hint and /help, never silence.

Registered after every wizard and state handler (the add-seller wizard, AI settings and
the like read free text in private), so it only sees what they left. In a group, free
text is the agents' own talk and is not answered.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.texts import Locale, text


def command_of(line: str) -> str | None:
    """``/foo@bot args`` → ``/foo``; None for text that is no command."""
    if not line.startswith("/") or len(line) < 2:
        return None
    return line.split(maxsplit=1)[0].split("@", 1)[0]


async def on_anything_else(message: Message, state: FSMContext, locale: Locale) -> None:
    command = command_of(message.text or "")
    if command is None and await state.get_state() is not None:
        await message.answer(text("onboarding.fallback.in_wizard", locale))
    elif command is None:
        await message.answer(text("onboarding.fallback.text", locale))
    else:
        await message.answer(text("onboarding.fallback.command", locale, command=command))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_anything_else, F.chat.type == ChatType.PRIVATE)
    return router
