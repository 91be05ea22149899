"""Handler cases without starting the world: the dispatcher :func:`bot.app.assemble`
builds, fed one update at a time (``dp.feed_update``) with a recorded Bot session.

Nothing polls and no worker runs: an update goes through the same routers, filters,
middlewares and services as in production, against the test's own database (and the Ozon
emulator, for key checks), and the test reads what the bot asked Telegram to do
(:class:`tests.support.recorded_bot.RecordedSession`) and what it queued
(:meth:`HandlerWorld.deliver` runs the outbox once through the same session). Use it for
permissions, wording, wizard steps and refusals; flows a user cares about end to end stay
on :mod:`tests.support.world`.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Update
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.app import App, assemble
from bot.settings import Settings
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from connectors.yandex_market.client import YandexMarketClient
from sandbox.ozon import OzonEmulator
from sandbox.wildberries import WildberriesEmulator
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.records import Workspace
from storage.vault import Vault
from tests.support.recorded_bot import BOT_USER, TOKEN, RecordedSession, recorded_bot
from tests.support.world import API_KEY, CLIENT_ID, SECOND_ID, SECOND_KEY

GROUP_ID = -1001000000001

Shown = SendMessage | EditMessageText  # a message as the bot last sent or edited it


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    username: str
    language_code: str = "ru"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name,
                "username": self.username, "language_code": self.language_code}  # fmt: skip


OWNER = Person(1001, "Ольга", "owner")
BORIS = Person(1002, "Борис", "boris")  # the group's admin
VERA = Person(1003, "Вера", "vera")  # an agent
GLEB = Person(1004, "Глеб", "gleb")  # a stranger


async def _instant(_: float) -> None:
    """Ozon retries without waiting."""


@dataclass
class HandlerWorld:
    db: Database
    app: App
    bot: Bot
    session: RecordedSession
    vault: Vault
    settings: Settings
    ozon: OzonEmulator
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # ------------------------------------------------------------- the group side

    def in_group(self, person: Person, status: str, chat_id: int = GROUP_ID) -> None:
        """What getChatMember answers for ``person`` in the group."""
        self.session.members[(chat_id, person.id)] = status

    async def bound_group(self, chat_id: int = GROUP_ID) -> Workspace:
        """An active workspace for the group (bound by the owner), Boris its admin, Vera an
        agent; the bot's membership answers as a full-rights admin."""
        self.in_group(BORIS, "creator", chat_id)
        self.in_group(VERA, "member", chat_id)
        self.in_group(OWNER, "member", chat_id)
        self.session.members[(chat_id, BOT_USER.id)] = "administrator"
        return await self.db.workspaces.bind(
            tg_chat_id=chat_id, title="Поддержка", bound_by_tg_user_id=OWNER.id
        )

    async def add_seller(self, workspace: Workspace, *, client_id: str = CLIENT_ID,
                         api_key: str = API_KEY, name: str = "Обувь") -> Any:  # fmt: skip
        return await self.db.sellers.create(
            workspace_id=workspace.id, marketplace="ozon", name=name, client_id=client_id,
            api_key_encrypted=self.vault.encrypt(SecretStr(api_key)),
        )  # fmt: skip

    async def buyer_in_topic(
        self, thread_id: int, *, external_id: str = "buyer-chat-1", name: str = "Покупатель"
    ) -> Any:
        """The common scene: the bound group, its Ozon shop, and a buyer chat mirrored into
        topic ``thread_id``; returns the chat."""
        workspace = await self.bound_group()
        seller = await self.add_seller(workspace)
        chat, _ = await self.db.chats.upsert(seller_id=seller.id, external_id=external_id)
        await self.db.chats.set_topic(
            chat_id=chat.id, workspace_id=workspace.id, thread_id=thread_id, name=name
        )
        return chat

    # ------------------------------------------------------------- updates

    async def feed(self, kind: str, payload: dict[str, Any]) -> list[TelegramMethod[Any]]:
        """Feed one update; returns the requests the bot made while handling it."""
        before = len(self.session.requests)
        raw = {"update_id": next(self._ids), kind: payload}
        update = Update.model_validate(raw, context={"bot": self.bot})
        response = await self.app.dispatcher.feed_update(self.bot, update)
        if isinstance(response, TelegramMethod):
            await self.app.dispatcher.silent_call_request(bot=self.bot, result=response)
        return self.session.requests[before:]

    def message(self, person: Person, text: str, chat_id: int | None = None,
                **extra: Any) -> dict[str, Any]:  # fmt: skip
        chat = (
            {"id": person.id, "type": "private", "first_name": person.first_name}
            if chat_id is None or chat_id == person.id
            else {"id": chat_id, "type": "supergroup", "title": "Поддержка", "is_forum": True}
        )
        return {"message_id": next(self._message_ids), "date": int(datetime.now(UTC).timestamp()),
                "chat": chat, "from": person.to_dict(), "text": text, **extra}  # fmt: skip

    async def say(self, person: Person, text: str, chat_id: int | None = None,
                  **extra: Any) -> list[TelegramMethod[Any]]:  # fmt: skip
        """``person`` writes ``text`` (in private unless ``chat_id``)."""
        return await self.feed("message", self.message(person, text, chat_id, **extra))

    async def press(self, person: Person, data: CallbackData | str, *,
                    on: Shown | None = None, chat_id: int | None = None,
                    ) -> AnswerCallbackQuery:  # fmt: skip
        """``person`` presses a button with ``data`` (on the message ``on`` the bot sent, or
        on a message in ``chat_id``); returns the callback's answer."""
        target = (
            on.chat_id if on is not None and on.chat_id is not None else (chat_id or person.id)
        )
        message = self.message(person, on.text if on is not None else "…", int(target))
        if isinstance(on, EditMessageText) and on.message_id is not None:
            message["message_id"] = on.message_id
        message["from"] = BOT_USER.model_dump(exclude_none=True)
        if on is not None and on.reply_markup is not None:
            message["reply_markup"] = on.reply_markup.model_dump(exclude_none=True)
        packed = data if isinstance(data, str) else data.pack()
        query = {"id": f"q{next(self._ids)}", "from": person.to_dict(), "message": message,
                 "chat_instance": "1", "data": packed}  # fmt: skip
        requests = await self.feed("callback_query", query)
        [answer] = [r for r in requests if isinstance(r, AnswerCallbackQuery)]
        return answer

    def posts(self, thread: int | None = None) -> list[SendMessage]:
        """Every message the bot sent to the group in ``thread`` (None: in General)."""
        return [
            r
            for r in self.session.requests
            if isinstance(r, SendMessage) and r.chat_id == GROUP_ID
            and r.message_thread_id == thread
        ]  # fmt: skip

    async def deliver(self) -> list[TelegramMethod[Any]]:
        """Run the outbox until nothing is due; returns the requests that made."""
        before = len(self.session.requests)
        while await self.app.outbox.run_once():
            pass
        return self.session.requests[before:]


def buttons(method: Shown) -> dict[str, str]:
    """Button text → callback data of a sent message's inline keyboard."""
    markup = method.reply_markup
    rows = getattr(markup, "inline_keyboard", None) or []
    return {b.text: b.callback_data for row in rows for b in row if b.callback_data}


def texts(requests: list[TelegramMethod[Any]], chat_id: int | None = None) -> list[str]:
    """Texts the bot sent or edited to (``chat_id`` if given)."""
    return [r.text for r in shown(requests) if chat_id is None or r.chat_id == chat_id]


def shown(requests: list[TelegramMethod[Any]]) -> list[Shown]:
    """The messages the bot sent or edited, in order."""
    return [r for r in requests if isinstance(r, SendMessage | EditMessageText)]


@contextlib.asynccontextmanager
async def open_handler_world(
    db: Database,
    configure: Callable[[Settings], Settings] | None = None,
    *,
    wb: WildberriesEmulator | None = None,
    ym: YandexMarketEmulator | None = None,
) -> AsyncIterator[HandlerWorld]:
    """The assembled dispatcher with a recorded Bot; the owner (Olga) in ADMIN_IDS. Given
    ``wb`` or ``ym`` (a running emulator), the bot also gets that marketplace's client. Any
    request that broke the Bot API spec, even one the Telegram queue swallowed to retry,
    fails the test at the end."""
    async with OzonEmulator(port=0) as ozon:
        ozon.state.add_seller(CLIENT_ID, API_KEY, name="Обувь")
        ozon.state.add_seller(SECOND_ID, SECOND_KEY, name="Одежда")
        settings = Settings(
            bot_token=TOKEN,
            ozon_api_url=ozon.base_url,
            poll_interval_seconds=3600,
            admin_ids=frozenset({OWNER.id}),
        )
        if configure is not None:
            settings = configure(settings)
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        bot, session = recorded_bot()
        async with contextlib.AsyncExitStack() as stack:
            client = await stack.enter_async_context(
                OzonClient(base_url=ozon.base_url, sleep=_instant)
            )
            wb_client = (
                None
                if wb is None
                else await stack.enter_async_context(
                    WildberriesClient(base_url=wb.base_url, sleep=_instant)
                )
            )
            ym_client = (
                None
                if ym is None
                else await stack.enter_async_context(
                    YandexMarketClient(base_url=ym.base_url, sleep=_instant)
                )
            )
            app = assemble(
                settings, db=db, vault=vault, ozon=client, bot=bot, wb=wb_client, ym=ym_client
            )
            yield HandlerWorld(db, app, bot, session, vault, settings, ozon)
        # The Telegram queue retries whatever a call raised, a spec violation included.
        assert not session.violations, f"Bot API requests broke the spec: {session.violations}"
