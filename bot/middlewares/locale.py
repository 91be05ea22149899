"""Puts ``locale`` into every handler's data: the language this update is answered in.

One outer middleware on the update, so a handler takes ``locale: Locale`` instead of
reading the configured default, and the rule (the person's language in a private chat,
the default in groups) lives in one place: :func:`bot.texts.locale.speaking_locale`.
Handlers that know a group's workspace still speak the workspace's language there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, User

from bot.texts.locale import Locale, speaking_locale


class LocaleMiddleware(BaseMiddleware):
    def __init__(self, default: Locale) -> None:
        self._default: Locale = default

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # aiogram's own outer middleware, registered before this one, found these.
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        data["locale"] = speaking_locale(
            chat_type=chat.type if chat is not None else None,
            language_code=user.language_code if user is not None else None,
            default=self._default,
        )
        return await handler(event, data)
