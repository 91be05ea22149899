"""Buyer → Telegram one step at a time, in a handler world (tests.support.handlers).

The recorded session answers the posts, files and topic calls itself; :class:`Telegram` sits
on the Bot session as a request middleware: it makes a call Telegram refuses fail with the
Bot API's own description (:meth:`Telegram.refuse`), and keeps what was delivered, so a test
reads a topic's posts as the group sees them (:meth:`Telegram.posts`) — a refused request is
recorded by the session but posts nothing.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    CreateForumTopic,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile

from storage.database import Database
from tests.support.handlers import HandlerWorld

Post = SendMessage | SendPhoto | SendDocument
M = TypeVar("M", bound=TelegramMethod[Any])
MakeRequest = Callable[[Bot, TelegramMethod[Any]], Awaitable[Any]]


class Telegram:
    """What Telegram did with the bot's requests in ``hw`` (install with :meth:`on`)."""

    def __init__(self, hw: HandlerWorld) -> None:
        self.hw = hw
        self.delivered: list[TelegramMethod[Any]] = []  # requests Telegram answered, in order
        self._refusals: defaultdict[type[TelegramMethod[Any]], deque[str]] = defaultdict(deque)

    @classmethod
    def on(cls, hw: HandlerWorld) -> Telegram:
        telegram = cls(hw)
        hw.bot.session.middleware(telegram)
        return telegram

    def refuse(self, method: type[TelegramMethod[Any]], description: str, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` fail with a 400 ``description``."""
        self._refusals[method].extend([description] * count)

    async def __call__(
        self, make_request: MakeRequest, bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        refusals = self._refusals.get(type(method))
        if refusals:
            error = TelegramBadRequest(method=method, message=refusals.popleft())
            self.hw.session.add_result_for(type(method), error)
        result = await make_request(bot, method)  # checked against the spec first
        self.delivered.append(method)
        return result

    def posts(self, thread: int) -> list[Post]:
        """The posts Telegram took into topic ``thread``, oldest first."""
        return [
            r
            for r in self.delivered
            if isinstance(r, SendMessage | SendPhoto | SendDocument)
            and r.message_thread_id == thread
        ]

    def topics_created(self) -> list[CreateForumTopic]:
        return [r for r in self.delivered if isinstance(r, CreateForumTopic)]

    def refused(self, method: type[M]) -> list[M]:
        """Calls of ``method`` the session saw that Telegram did not answer."""
        answered = {id(r) for r in self.delivered}
        return [
            r for r in self.hw.session.requests if isinstance(r, method) and id(r) not in answered
        ]


def body(post: Post) -> str:
    """A post's text, or its caption."""
    if isinstance(post, SendMessage):
        return post.text
    return post.caption or ""


def bodies(posts: list[Post]) -> list[str]:
    """Each post's last line (the buyer's text), captions included."""
    return [body(p).rsplit("\n", 1)[-1] for p in posts]


def file_bytes(post: Post) -> bytes:
    """What the bot uploaded as the post's photo or document."""
    upload = post.photo if isinstance(post, SendPhoto) else getattr(post, "document", None)
    assert isinstance(upload, BufferedInputFile), post
    return upload.data


async def hurry(db: Database) -> None:
    """Make every waiting Telegram post due now (skip its backoff: the case is about what
    the next attempt does)."""
    await db.pool.execute(
        "UPDATE tg_outbox SET not_before = now(), lease_until = NULL WHERE status = 'pending'"
    )


async def pending(db: Database) -> int:
    return int(await db.pool.fetchval("SELECT count(*) FROM tg_outbox WHERE status = 'pending'"))
