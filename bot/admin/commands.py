"""The command menus Telegram shows, per scope and language (setMyCommands at start-up).

Private chats list everything a person can start there; groups list the agents' commands;
group admins also see the configuration commands. Each scope is registered for Russian and
English clients and as the default (in ``settings.locale``) for everyone else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
)

from bot.texts import Locale, text

logger = logging.getLogger(__name__)

Scope = (
    BotCommandScopeDefault
    | BotCommandScopeAllPrivateChats
    | BotCommandScopeAllGroupChats
    | BotCommandScopeAllChatAdministrators
)


@dataclass(frozen=True, slots=True)
class CommandMenu:
    scope: Scope
    commands: tuple[str, ...]


MENUS: tuple[CommandMenu, ...] = (
    CommandMenu(
        BotCommandScopeDefault(),
        ("start", "help", "add_seller", "sellers", "agents", "groups", "ai"),
    ),
    CommandMenu(
        BotCommandScopeAllPrivateChats(),
        ("start", "help", "add_seller", "sellers", "agents", "groups", "ai"),
    ),
    CommandMenu(
        BotCommandScopeAllGroupChats(), ("queue", "take", "release", "templates", "stats", "help")
    ),
    CommandMenu(
        BotCommandScopeAllChatAdministrators(),
        (
            "setup",
            "sellers",
            "agents",
            "queue",
            "take",
            "release",
            "assign",
            "rules",
            "targets",
            "hours",
            "ai",
            "templates",
            "stats",
            "help",
        ),
    ),
)


def menu_commands(menu: CommandMenu, locale: Locale) -> list[BotCommand]:
    return [BotCommand(command=c, description=text(f"command.{c}", locale)) for c in menu.commands]


async def register_commands(bot: Bot, default_locale: Locale) -> int:
    """Publish every menu; returns how many calls succeeded (failures are logged only: a
    missing menu must not stop the bot)."""
    done = 0
    for menu in MENUS:
        variants: tuple[tuple[str | None, Locale], ...] = (
            (None, default_locale),
            ("ru", "ru"),
            ("en", "en"),
        )
        for language_code, locale in variants:
            try:
                await bot.set_my_commands(
                    commands=menu_commands(menu, locale),
                    scope=menu.scope,
                    language_code=language_code,
                )
            except TelegramAPIError as exc:
                logger.warning(
                    "setMyCommands %s/%s failed: %s", menu.scope.type, language_code, exc.message
                )
                continue
            done += 1
    return done
