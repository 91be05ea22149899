"""/start and /help: what the bot does and how to begin."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.settings import Settings
from bot.texts import text


async def start(message: Message, settings: Settings) -> None:
    await message.answer(text("start", settings.locale))


async def help_(message: Message, settings: Settings) -> None:
    await message.answer(text("help", settings.locale))


def build_router() -> Router:
    """A fresh router per dispatcher: a router can be attached to one parent only."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    return router
