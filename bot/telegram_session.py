"""The Bot API session: aiogram's aiohttp session, minus a cost that grows with load.

aiogram reads every answer as ``Response[method.__returning__]``. pydantic keeps its
parametrised generic classes only weakly, so once a full garbage collection has run (which
a busy process does every few seconds) the next call builds that class again: its schema,
its validator, about 6 ms of CPU for one Bot API call whose own HTTP work costs 0.2 ms.
Under the load benchmark that was a tenth of the bot's CPU. This session keeps one strong
reference per return type for its lifetime, so each class is built once.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType


class BotSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_types: dict[Any, type[Response[Any]]] = {}

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)
