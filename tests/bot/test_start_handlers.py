"""/start and /help through the real Dispatcher, in both locales."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetMe, SendMessage, TelegramMethod
from aiogram.types import Chat, Message, Update, User

from bot.app import build_dispatcher
from bot.deps import Deps
from bot.settings import Settings
from bot.texts import TEXTS

USER = User(id=42, is_bot=False, first_name="Анна")
PRIVATE = Chat(id=42, type="private")


class RecordingSession(BaseSession):
    """Answers every sendMessage with a plausible Message and remembers the call."""

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
        assert isinstance(method, SendMessage)
        return Message(
            message_id=len(self.calls), date=datetime.now(UTC), chat=PRIVATE, text=method.text
        )

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""

    async def close(self) -> None:
        return None


class NoRoles:
    """Access control for a person who owns and administers nothing."""

    def is_owner(self, tg_user_id: int) -> bool:
        return False

    async def administered_workspaces(self, tg_user_id: int) -> list[Any]:
        return []


def command(text: str) -> Update:
    return Update(
        update_id=1,
        message=Message(message_id=1, date=datetime.now(UTC), chat=PRIVATE, from_user=USER,
                        text=text),
    )  # fmt: skip


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize(
    ("command_text", "key"), [("/start", "start"), ("/help", "help.section.agents")]
)
async def test_commands_answer_in_the_configured_language(
    locale: str, command_text: str, key: str
) -> None:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session)
    settings = Settings(locale=locale)
    # /start and /help need only the settings and who the person is (nobody's admin here);
    # the other dependencies are never touched.
    unused: Any = object()
    nobody: Any = NoRoles()
    dispatcher = build_dispatcher(
        Deps(
            settings=settings,
            db=unused,
            vault=unused,
            ozon=unused,
            sync=unused,
            bridge=unused,
            outbox=unused,
            access=nobody,
            onboarding=unused,
            seller_admin=unused,
            sla=unused,
        )
    )
    await dispatcher.feed_update(bot, command(command_text))
    assert len(session.calls) == 1
    sent = session.calls[0]
    assert isinstance(sent, SendMessage)
    assert sent.chat_id == PRIVATE.id
    assert sent.text.startswith(TEXTS[key][locale])
    # …and one line says that everything written in a buyer's topic goes to the buyer.
    assert sent.text.endswith(TEXTS["security.hint.to_buyer"][locale])


def test_every_text_has_both_locales() -> None:
    for key, translations in TEXTS.items():
        assert set(translations) == {"ru", "en"}, key
        assert all(value.strip() for value in translations.values()), key
