"""A world that starts unbound: both emulators, people, no workspace and no seller yet.

The real bot (``assemble`` + long polling) runs against the emulators over loopback;
``ADMIN_IDS`` names the owner. Tests add the bot to groups, run /setup and /add_seller as
people would, and every test ends with no Bot API spec violation.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.app import App, assemble, build_bot
from bot.outbox.throttle import Budget, TelegramThrottle
from bot.settings import Settings
from connectors.ozon.client import OzonClient
from sandbox.ozon import OzonEmulator
from sandbox.telegram import CallbackQuery, Chat, TelegramEmulator, User
from storage.database import Database
from storage.records import Workspace
from storage.vault import Vault
from tests.e2e.conftest import FULL_RIGHTS, TOKEN, wait_until

CLIENT_ID = "777001"
API_KEY = "ozon-admin-key-0123456789abcdef"
SECOND_ID = "777002"
SECOND_KEY = "ozon-second-key-fedcba9876543210"
NO_PREMIUM_ID = "777003"
NO_PREMIUM_KEY = "ozon-nopremium-key-5555555555"
WRONG_KEY = "ozon-wrong-key-000000000000"

__all__ = ["FULL_RIGHTS", "AdminWorld", "wait_until"]


async def _instant(_: float) -> None:
    """Ozon retries without waiting: tests must not depend on wall-clock pauses."""


@dataclass
class AdminWorld:
    db: Database
    tg: TelegramEmulator
    ozon: OzonEmulator
    vault: Vault
    settings: Settings
    owner: User
    boris: User  # admin of the groups tests create
    vera: User  # an agent (plain member)
    gleb: User  # a stranger
    app: App | None = None
    bot: Bot | None = None
    ozon_client: OzonClient | None = None

    async def start(self) -> None:
        self.bot = build_bot(TOKEN, self.tg.base_url)
        self.ozon_client = OzonClient(base_url=self.ozon.base_url, sleep=_instant)
        self.app = assemble(
            self.settings,
            db=self.db,
            vault=self.vault,
            ozon=self.ozon_client,
            bot=self.bot,
            throttle=TelegramThrottle(group=Budget(18, 60.0)),
        )
        await self.app.updates.start()
        await wait_until(self._started)

    async def _started(self) -> bool:
        return any(method == "getUpdates" for method, _ in self.tg.calls)

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.updates.stop()
        if self.bot is not None:
            await self.bot.session.close()
        if self.ozon_client is not None:
            await self.ozon_client.aclose()
        self.app = self.bot = self.ozon_client = None

    # ------------------------------------------------------------- Telegram side

    def forum_group(self, *, bot_rights: dict[str, bool] | None = None, **kwargs: Any) -> Chat:
        """A forum group where Boris is the group's owner and Vera a member; the bot's owner
        (ADMIN_IDS) is a member too, to bind it; the bot is in it."""
        return self.tg.create_group(
            "Поддержка",
            is_forum=kwargs.pop("is_forum", True),
            members=[self.vera.id, self.owner.id],
            admins=[self.boris.id],
            bot_rights=FULL_RIGHTS if bot_rights is None else bot_rights,
            **kwargs,
        )

    def say(self, user: User, text: str, chat_id: int | None = None, **kwargs: Any) -> int:
        """A person writes (to the bot in private unless ``chat_id``); returns the message id."""
        sent = self.tg.user_sends(user.id, user.id if chat_id is None else chat_id, text, **kwargs)
        return int(sent["message_id"])

    def private(self, user: User) -> list[dict[str, Any]]:
        """The bot's live messages in the person's private chat, oldest first."""
        try:
            return self.tg.bot_messages(user.id)
        except ValueError:
            return []

    async def wait_private(
        self, user: User, contains: str, *, after: int = 0, seconds: float = 10.0
    ) -> dict[str, Any]:
        """The first bot message (with id > ``after``) whose current text has ``contains``."""
        found: list[dict[str, Any]] = []

        async def seen() -> bool:
            found[:] = [
                m
                for m in self.private(user)
                if m["message_id"] > after and contains in m.get("text", "")
            ]
            return bool(found)

        await wait_until(seen, seconds)
        return found[0]

    def last_private_id(self, user: User) -> int:
        messages = self.private(user)
        return messages[-1]["message_id"] if messages else 0

    async def wait_group_post(
        self, chat_id: int, contains: str, *, after: int = 0, seconds: float = 10.0
    ) -> dict[str, Any]:
        """The newest bot post (id > ``after``) in the group containing ``contains``."""
        found: list[dict[str, Any]] = []

        async def seen() -> bool:
            found[:] = [
                m
                for m in self.tg.bot_messages(chat_id)
                if m["message_id"] > after and contains in m.get("text", "")
            ]
            return bool(found)

        await wait_until(seen, seconds)
        return found[-1]

    def last_group_id(self, chat_id: int) -> int:
        messages = self.tg.messages(chat_id)
        return messages[-1]["message_id"] if messages else 0

    def group_posts(self, chat_id: int) -> list[str]:
        return [m.get("text", "") for m in self.tg.bot_messages(chat_id)]

    def buttons(self, message: dict[str, Any]) -> dict[str, str]:
        """Button text → callback data of a message's inline keyboard."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return {b["text"]: b["callback_data"] for row in rows for b in row}

    async def press(
        self, user: User, message: dict[str, Any], label: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """Press the button whose text contains ``label``; returns the callback answer."""
        [data] = [d for t, d in self.buttons(message).items() if label in t]
        query = self.tg.press_button(
            user.id, user.id if chat_id is None else chat_id, message["message_id"], data
        )
        return await self.answer_of(query)

    async def answer_of(self, query_id: str) -> dict[str, Any]:
        answers: list[dict[str, Any]] = []

        async def answered() -> bool:
            answer = self.tg.callback_answer(query_id)
            if answer is not None:
                answers.append(answer)
            return answer is not None

        await wait_until(answered)
        return answers[0]

    def forge_press(self, user: User, message: dict[str, Any], data: CallbackData | str) -> str:
        """A modified client: a callback with data no button carried (the emulator's press
        refuses those, so the query is queued directly, as Telegram would deliver it)."""
        state = self.tg.state
        chat_id = message["chat"]["id"]
        query = CallbackQuery(
            id=f"forged-{len(state.queries)}",
            user_id=user.id,
            chat_id=chat_id,
            message_id=message["message_id"],
            data=data if isinstance(data, str) else data.pack(),
            created_at=state.clock(),
        )
        state.queries[query.id] = query
        state.updates.push(
            "callback_query",
            {
                "id": query.id,
                "from": user.to_dict(),
                "message": state.render(state.chats[chat_id].messages[message["message_id"]]),
                "chat_instance": "1",
                "data": query.data,
            },
        )
        return query.id

    async def outbox_settled(self) -> bool:
        pending = await self.db.pool.fetchval(
            "SELECT count(*) FROM tg_outbox WHERE status = 'pending'"
        )
        return pending == 0

    # ------------------------------------------------------------- shortcuts

    async def bound_group(self) -> tuple[Chat, Workspace]:
        """A forum group with full rights, bound by the owner (ADMIN_IDS) through /setup."""
        group = self.forum_group()
        self.say(self.owner, "/setup", group.id)
        await self.wait_group_post(group.id, "подключена")
        workspace = await self.db.workspaces.get_by_chat(tg_chat_id=group.id)
        return group, workspace

    async def add_by_one_line(self, user: User, line: str, contains: str) -> dict[str, Any]:
        after = self.last_private_id(user)
        self.say(user, line)
        return await self.wait_private(user, contains, after=after, seconds=15)


@contextlib.asynccontextmanager
async def open_admin_world(
    db: Database, configure: Callable[[Settings], Settings] | None = None
) -> AsyncIterator[AdminWorld]:
    async with OzonEmulator(port=0) as ozon, TelegramEmulator(port=0) as tg:
        ozon.state.add_seller(CLIENT_ID, API_KEY, name="Обувь")
        ozon.state.add_seller(SECOND_ID, SECOND_KEY, name="Одежда")
        ozon.state.add_seller(NO_PREMIUM_ID, NO_PREMIUM_KEY, premium=False, name="Без подписки")
        tg.create_bot(token=TOKEN, username="agentiq_test_bot")
        owner = tg.create_user(first_name="Ольга", username="owner")
        boris = tg.create_user(first_name="Борис", username="boris")
        vera = tg.create_user(first_name="Вера", username="vera")
        gleb = tg.create_user(first_name="Глеб", username="gleb")
        settings = Settings(
            bot_token=TOKEN,
            telegram_api_url=tg.base_url,
            ozon_api_url=ozon.base_url,
            poll_interval_seconds=3600,  # tests poll explicitly
            admin_ids=frozenset({owner.id}),
        )
        if configure is not None:
            settings = configure(settings)
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        world = AdminWorld(db, tg, ozon, vault, settings, owner, boris, vera, gleb)
        await world.start()
        try:
            yield world
        finally:
            await world.stop()
        assert tg.violations == [], tg.violations


@pytest.fixture
async def aw(db: Database) -> AsyncIterator[AdminWorld]:
    async with open_admin_world(db) as opened:
        yield opened
