"""Which language the bot answers in: the person's in private (when it is one of ours),
the configured default elsewhere. Through the real Dispatcher, with a recorded session."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import AnswerCallbackQuery, GetMe, SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.app import build_dispatcher
from bot.deps import Deps
from bot.settings import Settings
from bot.texts import TEXTS, Locale
from bot.texts.locale import as_locale, speaking_locale

GROUP = Chat(id=-100123, type="supergroup", title="Shop team", is_forum=True)


class RecordingSession(BaseSession):
    """Answers sendMessage and answerCallbackQuery plausibly and remembers every call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        if isinstance(method, GetMe):  # /start's link names the bot (aiogram keeps it)
            return User(id=7, is_bot=True, first_name="Bot", username="test_bot")
        self.calls.append(method)
        if isinstance(method, SendMessage):
            chat = Chat(id=int(method.chat_id), type="private")
            return Message(message_id=len(self.calls), date=datetime.now(UTC), chat=chat,
                           text=method.text)  # fmt: skip
        assert isinstance(method, AnswerCallbackQuery), method
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""

    async def close(self) -> None:
        return None


def dispatcher(default: Locale) -> Dispatcher:
    # /start and a stale button need only the settings; the rest is never touched.
    unused: Any = object()
    return build_dispatcher(
        Deps(settings=Settings(locale=default), db=unused, vault=unused, ozon=unused,
             sync=unused, bridge=unused, outbox=unused, access=unused, onboarding=unused,
             seller_admin=unused, sla=unused)
    )  # fmt: skip


def person(language_code: str | None) -> User:
    return User(id=42, is_bot=False, first_name="Ann", language_code=language_code)


def start_in_private(user: User) -> Update:
    chat = Chat(id=user.id, type="private")
    message = Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=user,
                      text="/start")  # fmt: skip
    return Update(update_id=1, message=message)


def stale_button(user: User, chat: Chat) -> Update:
    message = Message(message_id=7, date=datetime.now(UTC), chat=chat, text="old")
    query = CallbackQuery(id="q1", from_user=user, chat_instance="ci", message=message,
                          data="zz0:old")  # fmt: skip
    return Update(update_id=2, callback_query=query)


async def feed(default: Locale, update: Update) -> TelegramMethod[Any]:
    session = RecordingSession()
    await dispatcher(default).feed_update(Bot("42:TEST", session=session), update)
    assert len(session.calls) == 1
    return session.calls[0]


@pytest.mark.parametrize(
    ("language_code", "default", "spoken"),
    [
        ("en", "ru", "en"),  # the person's language, one of ours
        ("en-GB", "ru", "en"),
        ("ru-RU", "en", "ru"),
        ("de", "ru", "ru"),  # not ours: the configured default
        ("de", "en", "en"),
        (None, "en", "en"),
    ],
)
async def test_private_chats_speak_the_persons_language(
    language_code: str | None, default: Locale, spoken: Locale
) -> None:
    sent = await feed(default, start_in_private(person(language_code)))
    assert isinstance(sent, SendMessage)
    assert sent.text.startswith(TEXTS["start"][spoken])


async def test_a_private_button_answers_in_the_persons_language() -> None:
    user = person("en")
    answer = await feed("ru", stale_button(user, Chat(id=user.id, type="private")))
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == TEXTS["wizard.outdated"]["en"]


@pytest.mark.parametrize("language_code", ["en", "de", "ru"])
async def test_a_group_keeps_the_default(language_code: str) -> None:
    answer = await feed("ru", stale_button(person(language_code), GROUP))
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == TEXTS["wizard.outdated"]["ru"]


@pytest.mark.parametrize(
    ("code", "locale"),
    [("en", "en"), ("EN", "en"), ("en_US", "en"), ("ru-RU", "ru"), ("de", None),
     ("", None), (None, None), ("english", None)],
)  # fmt: skip
def test_language_tags(code: str | None, locale: Locale | None) -> None:
    assert as_locale(code) == locale


def test_groups_never_follow_the_person() -> None:
    for chat_type in ("group", "supergroup", "channel", None):
        assert speaking_locale(chat_type=chat_type, language_code="en", default="ru") == "ru"
