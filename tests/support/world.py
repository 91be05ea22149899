"""The one end-to-end world: the real bot (dispatcher, durable polling, aiohttp session,
scheduler, workers) against the Ozon and Telegram emulators (and Wildberries when given)
over loopback, on the test's own database.

Two ways in, on one base:

- :func:`open_world` — bound: a forum group with an agent, a seller, the workers running.
- :func:`open_admin_world` — unbound: people (an owner in ``ADMIN_IDS``, a group admin, an
  agent, a stranger) and no workspace yet; tests run /setup and /add_seller as people would.

Every world ends by failing the test if the bot made a Bot API call the spec forbids.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.app import App, assemble, build_bot
from bot.outbox.throttle import Budget, TelegramThrottle
from bot.settings import Settings
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from connectors.yandex_market.client import YandexMarketClient
from sandbox.ozon import OzonEmulator
from sandbox.telegram import CallbackQuery, Chat, TelegramEmulator, User
from sandbox.wildberries import WildberriesEmulator
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.records import Seller, Workspace
from storage.vault import Vault
from tests.support.telegram_session import close_session
from tests.support.texts import TextMatch, has, says

TOKEN = "123456789:AAEmulatorTokenForTests_abcdefghijklm"
CLIENT_ID = "777001"
API_KEY = "ozon-admin-key-0123456789abcdef"
SECOND_ID = "777002"
SECOND_KEY = "ozon-second-key-fedcba9876543210"
NO_PREMIUM_ID = "777003"
NO_PREMIUM_KEY = "ozon-nopremium-key-5555555555"
WRONG_KEY = "ozon-wrong-key-000000000000"
FULL_RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}


@dataclass(frozen=True)
class SellerSpec:
    """The bound world's one seller: Ozon's by default, any marketplace's given its emulator
    (tests.support.markets builds these)."""

    marketplace: str
    name: str
    client_id: str
    api_key: str


OZON_SELLER = SellerSpec("ozon", "Обувь", CLIENT_ID, API_KEY)


async def wait_until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - state lives in other processes' terms
            await asyncio.sleep(0.05)


async def _instant(_: float) -> None:
    """Ozon retries without waiting: tests must not depend on wall-clock pauses."""


@dataclass(kw_only=True)
class BotWorld:
    """The running bot and the emulators, with what a person does and sees in Telegram."""

    db: Database
    tg: TelegramEmulator
    ozon: OzonEmulator
    vault: Vault
    settings: Settings
    app: App | None = None
    bot: Bot | None = None
    ozon_client: OzonClient | None = None
    throttle_budget: Budget = field(default_factory=lambda: Budget(18, 60.0))
    wb: WildberriesEmulator | None = None  # with a WB emulator, the bot gets a WB client
    wb_client: WildberriesClient | None = None
    ym: YandexMarketEmulator | None = None  # with a YM emulator, the bot gets a YM client
    ym_client: YandexMarketClient | None = None
    ozon_sleep: Callable[[float], Awaitable[None]] | None = None

    async def start(self) -> None:
        """Start the bot as production does (a restart is stop() then start())."""
        self.bot = build_bot(TOKEN, self.tg.base_url)
        self.ozon_client = (
            OzonClient(base_url=self.ozon.base_url)
            if self.ozon_sleep is None
            else OzonClient(base_url=self.ozon.base_url, sleep=self.ozon_sleep)
        )
        if self.wb is not None:
            self.wb_client = WildberriesClient(base_url=self.wb.base_url)
        if self.ym is not None:
            self.ym_client = YandexMarketClient(base_url=self.ym.base_url)
        self.app = assemble(
            self.settings,
            db=self.db,
            vault=self.vault,
            ozon=self.ozon_client,
            bot=self.bot,
            throttle=TelegramThrottle(group=self.throttle_budget),
            wb=self.wb_client,
            ym=self.ym_client,
        )
        await self.app.updates.start()
        await wait_until(self._started)

    async def _started(self) -> bool:
        return any(method == "getUpdates" for method, _ in self.tg.calls)

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.updates.stop()
        if self.bot is not None:
            await close_session(self.bot)
        if self.ozon_client is not None:
            await self.ozon_client.aclose()
        if self.wb_client is not None:
            await self.wb_client.aclose()
        if self.ym_client is not None:
            await self.ym_client.aclose()
        self.app = self.bot = self.ozon_client = self.wb_client = self.ym_client = None

    async def outbox_settled(self) -> bool:
        pending = await self.db.pool.fetchval(
            "SELECT count(*) FROM tg_outbox WHERE status = 'pending'"
        )
        return pending == 0

    # ------------------------------------------------------------- Telegram side

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
        self, user: User, contains: str | TextMatch, *, after: int = 0, seconds: float = 10.0
    ) -> dict[str, Any]:
        """The first bot message (with id > ``after``) whose current text has ``contains``
        (a substring, or a :class:`tests.support.texts.TextMatch`)."""
        found: list[dict[str, Any]] = []

        async def seen() -> bool:
            found[:] = [
                m
                for m in self.private(user)
                if m["message_id"] > after and has(m.get("text"), contains)
            ]
            return bool(found)

        await wait_until(seen, seconds)
        return found[0]

    async def wait_private_button(
        self, user: User, label: str | TextMatch, *, after: int = 0, seconds: float = 10.0
    ) -> dict[str, Any]:
        """The first bot message (id > ``after``) that now carries a button ``label``: a
        message edited in place (a list becoming a card) is matched once edited."""
        found: list[dict[str, Any]] = []

        async def seen() -> bool:
            found[:] = [
                m
                for m in self.private(user)
                if m["message_id"] > after and any(has(t, label) for t in self.buttons(m))
            ]
            return bool(found)

        await wait_until(seen, seconds)
        return found[0]

    def last_private_id(self, user: User) -> int:
        messages = self.private(user)
        return messages[-1]["message_id"] if messages else 0

    async def wait_group_post(
        self, chat_id: int, contains: str | TextMatch, *, after: int = 0, seconds: float = 10.0
    ) -> dict[str, Any]:
        """The newest bot post (id > ``after``) in the group containing ``contains``."""
        found: list[dict[str, Any]] = []

        async def seen() -> bool:
            found[:] = [
                m
                for m in self.tg.bot_messages(chat_id)
                if m["message_id"] > after and has(m.get("text"), contains)
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
        self,
        user: User,
        message: dict[str, Any],
        label: str | TextMatch,
        *,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Press the button whose text contains ``label``; returns the callback answer."""
        [data] = [d for t, d in self.buttons(message).items() if has(t, label)]
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


@dataclass(kw_only=True)
class World(BotWorld):
    """Bound: one forum group (Anna, its admin and agent), one Ozon seller, workers running."""

    group_id: int
    agent_id: int
    workspace: Workspace
    seller: Seller

    async def _started(self) -> bool:
        return self.app is not None and bool(self.app.sync.seller_ids())

    async def poll(self) -> None:
        assert self.app is not None
        await self.app.sync.run_now(self.seller.id)

    def buyer_writes(self, **kwargs: Any) -> tuple[str, str]:
        kwargs.setdefault("order_number", "47873153-0052")
        return self.ozon.state.buyer_writes(CLIENT_ID, **kwargs)

    async def chat(self, external_id: str) -> Any:
        return await self.db.chats.get_by_external(
            seller_id=self.seller.id, external_id=external_id
        )

    async def topic_of(self, external_id: str) -> int:
        async def mapped() -> bool:
            return (await self.chat(external_id)).topic_thread_id is not None

        await wait_until(mapped)
        thread = (await self.chat(external_id)).topic_thread_id
        assert thread is not None
        return thread

    def posts(self, thread_id: int | None = None) -> list[dict[str, Any]]:
        """What the bot posted (service messages excluded)."""
        return [
            m
            for m in self.tg.bot_messages(self.group_id, thread_id)
            if "text" in m or "photo" in m or "document" in m
        ]

    async def wait_for_posts(self, thread_id: int, count: int, seconds: float = 10.0) -> None:
        async def enough() -> bool:
            return len(self.posts(thread_id)) >= count

        await wait_until(enough, seconds)

    def sent_to_ozon(self) -> list[Any]:
        return self.ozon.state.sent_by_seller(CLIENT_ID)


@dataclass(kw_only=True)
class AdminWorld(BotWorld):
    """Unbound: people and sellers on Ozon, no workspace yet; Olga owns the bot."""

    owner: User
    boris: User  # admin of the groups tests create
    vera: User  # an agent (plain member)
    gleb: User  # a stranger

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

    async def bound_group(self) -> tuple[Chat, Workspace]:
        """A forum group with full rights, bound by the owner (ADMIN_IDS) through /setup."""
        group = self.forum_group()
        self.say(self.owner, "/setup", group.id)
        await self.wait_group_post(group.id, says("setup.bound"))
        workspace = await self.db.workspaces.get_by_chat(tg_chat_id=group.id)
        return group, workspace

    async def add_by_one_line(
        self, user: User, line: str, contains: str | TextMatch
    ) -> dict[str, Any]:
        after = self.last_private_id(user)
        self.say(user, line)
        return await self.wait_private(user, contains, after=after, seconds=15)


def _vault() -> Vault:
    return Vault([SecretStr(Fernet.generate_key().decode())])


@contextlib.asynccontextmanager
async def open_world(
    db: Database,
    *,
    group_limit: tuple[int, float] = (20, 60.0),
    throttle: Budget | None = None,
    settings_overrides: dict[str, Any] | None = None,
    wb: WildberriesEmulator | None = None,
    ym: YandexMarketEmulator | None = None,
    seller: SellerSpec = OZON_SELLER,
) -> AsyncIterator[World]:
    """Both emulators, a bound forum group with an agent, a seller (Ozon's unless
    ``seller`` is on the WB or YM emulator given), and the running bot.

    AI drafts are off unless ``settings_overrides`` turns them on (tests/drafts does), so
    the other tests see exactly the posts they expect."""
    async with (
        OzonEmulator(port=0) as ozon,
        TelegramEmulator(port=0, group_limit=group_limit) as tg,
    ):
        ozon.state.add_seller(CLIENT_ID, API_KEY, name="Обувь")
        tg.create_bot(token=TOKEN, username="agentiq_test_bot")
        anna = tg.create_user(first_name="Анна", username="anna")
        group = tg.create_group(
            title="Поддержка", is_forum=True, members=[anna.id], admins=[anna.id],
            bot_rights=FULL_RIGHTS,
        )  # fmt: skip
        workspace = await db.workspaces.bind(
            tg_chat_id=group.id, title="Поддержка", bound_by_tg_user_id=anna.id
        )
        vault = _vault()
        registered = await db.sellers.create(
            workspace_id=workspace.id,
            marketplace=seller.marketplace,
            name=seller.name,
            client_id=seller.client_id,
            api_key_encrypted=vault.encrypt(SecretStr(seller.api_key)),
        )
        settings = Settings(
            bot_token=TOKEN,
            telegram_api_url=tg.base_url,
            ozon_api_url=ozon.base_url,
            poll_interval_seconds=3600,  # tests poll explicitly with world.poll()
            **{
                "sla_tick_seconds": 600,
                "drafts_enabled": False,
                **(settings_overrides or {}),
            },  # SLA tests tick explicitly, on their own clock
        )
        world = World(
            db=db, tg=tg, ozon=ozon, vault=vault, settings=settings, group_id=group.id,
            agent_id=anna.id, workspace=workspace, seller=registered, wb=wb, ym=ym,
        )  # fmt: skip
        if throttle is not None:
            world.throttle_budget = throttle
        await world.start()
        try:
            yield world
        finally:
            await world.stop()
        assert tg.violations == [], tg.violations


@contextlib.asynccontextmanager
async def open_admin_world(
    db: Database, configure: Callable[[Settings], Settings] | None = None
) -> AsyncIterator[AdminWorld]:
    """Both emulators with three Ozon sellers, four people, and the running bot, unbound."""
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
        world = AdminWorld(
            db=db, tg=tg, ozon=ozon, vault=_vault(), settings=settings, owner=owner,
            boris=boris, vera=vera, gleb=gleb, ozon_sleep=_instant,
        )  # fmt: skip
        await world.start()
        try:
            yield world
        finally:
            await world.stop()
        assert tg.violations == [], tg.violations
