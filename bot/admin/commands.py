"""The command menus Telegram shows, per scope and language (setMyCommands at start-up),
and the bot's profile texts (setMyDescription, setMyShortDescription).

Private chats list everything a person can start there; groups list the agents' commands;
group admins also see the configuration commands. Each scope is registered for Russian and
English clients and as the default (in ``settings.locale``) for everyone else. The
description is what an empty chat with the bot shows above its Start button, the short one
its profile page and shared links; both are set the same three ways.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
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

from bot.texts import Locale, plain_text, text

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
        ("start", "help", "add_seller", "sellers", "agents", "groups", "ai", "find"),
    ),
    CommandMenu(
        BotCommandScopeAllPrivateChats(),
        ("start", "help", "add_seller", "sellers", "agents", "groups", "ai", "find"),
    ),
    CommandMenu(
        BotCommandScopeAllGroupChats(),
        ("queue", "take", "release", "done", "templates", "stats", "find", "help"),
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
            "done",
            "assign",
            "rules",
            "targets",
            "hours",
            "ai",
            "templates",
            "stats",
            "find",
            "digest",
            "help",
        ),
    ),
)


def menu_commands(menu: CommandMenu, locale: Locale) -> list[BotCommand]:
    return [BotCommand(command=c, description=text(f"command.{c}", locale)) for c in menu.commands]


def _variants(default_locale: Locale) -> tuple[tuple[str | None, Locale], ...]:
    """(language_code, our locale): the default for every other client, then ours."""
    return ((None, default_locale), ("ru", "ru"), ("en", "en"))


async def register_profile(bot: Bot, default_locale: Locale) -> int:
    """Set the description and short description; returns how many calls succeeded
    (a failure is logged only: a missing description must not stop the bot)."""
    done = 0
    for language_code, locale in _variants(default_locale):
        try:
            await bot.set_my_description(
                description=plain_text("onboarding.description", locale),
                language_code=language_code,
            )
            done += 1
        except TelegramAPIError as exc:
            logger.warning("setMyDescription/%s failed: %s", language_code, exc.message)
        try:
            await bot.set_my_short_description(
                short_description=plain_text("onboarding.short_description", locale),
                language_code=language_code,
            )
            done += 1
        except TelegramAPIError as exc:
            logger.warning("setMyShortDescription/%s failed: %s", language_code, exc.message)
    return done


async def register_commands(bot: Bot, default_locale: Locale) -> int:
    """Publish every menu; returns how many calls succeeded (failures are logged only: a
    missing menu must not stop the bot)."""
    done = 0
    for menu in MENUS:
        for language_code, locale in _variants(default_locale):
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


def start_up_publishers(
    bot: Bot, default_locale: Locale
) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    """The two start-up hooks: the menus, then the profile texts."""

    async def publish_commands() -> None:
        await register_commands(bot, default_locale)

    async def publish_profile() -> None:
        await register_profile(bot, default_locale)

    return publish_commands, publish_profile
