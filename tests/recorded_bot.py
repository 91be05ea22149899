"""A Bot whose session records every request instead of sending it (as aiogram's own tests'
``MockedBot``), for handler tests through ``dispatcher.feed_update``.

Every method is answered with a plausible result: a ``Message`` for the sending methods,
``True`` for the rest, unless a test queues its own result for a method type."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import Chat, Message

M = TypeVar("M", bound=TelegramMethod[Any])


class RecordedSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self._queued: dict[type, deque[Any]] = defaultdict(deque)

    def queue(self, method: type[TelegramMethod[Any]], result: Any) -> None:
        """The next ``method`` request answers ``result`` (an exception is raised)."""
        self._queued[method].append(result)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        self.requests.append(method)
        queued = self._queued.get(type(method))
        if queued:
            result = queued.popleft()
            if isinstance(result, BaseException):
                raise result
            return result
        if isinstance(method, SendMessage | EditMessageText):
            chat_id = method.chat_id if isinstance(method.chat_id, int) else 0
            return Message(
                message_id=len(self.requests),
                date=datetime.now(UTC),
                chat=Chat(id=chat_id or 0, type="private" if (chat_id or 0) > 0 else "supergroup"),
                text=method.text,
            )
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""

    async def close(self) -> None:
        return None


class RecordedBot(Bot):
    """``Bot`` over a :class:`RecordedSession`; ``bot.sent(SendMessage)`` lists requests."""

    session: RecordedSession

    def __init__(self) -> None:
        super().__init__("42:TEST", session=RecordedSession())

    def sent(self, method: type[M]) -> list[M]:
        return [r for r in self.session.requests if isinstance(r, method)]

    @property
    def answers(self) -> list[AnswerCallbackQuery]:
        return self.sent(AnswerCallbackQuery)
