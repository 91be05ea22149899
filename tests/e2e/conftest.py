"""The real bot (dispatcher, polling loop, aiohttp session, scheduler, workers) against the
Ozon and Telegram emulators over loopback, on a fresh database. Every test also fails if
the bot made a Bot API call that is not valid per the spec."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.app import App, assemble, build_bot
from bot.outbox.throttle import Budget, TelegramThrottle
from bot.settings import Settings
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from connectors.yandex_market.client import YandexMarketClient
from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator
from sandbox.wildberries import WildberriesEmulator
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.records import Seller, Workspace
from storage.vault import Vault

TOKEN = "123456789:AAEmulatorTokenForTests_abcdefghijklm"
CLIENT_ID = "777001"
API_KEY = "ozon-e2e-key-0123456789"
FULL_RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}


async def wait_until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - state lives in other processes' terms
            await asyncio.sleep(0.05)


@dataclass
class World:
    db: Database
    tg: TelegramEmulator
    ozon: OzonEmulator
    vault: Vault
    group_id: int
    agent_id: int
    workspace: Workspace
    seller: Seller
    settings: Settings
    app: App | None = None
    bot: Bot | None = None
    ozon_client: OzonClient | None = None
    throttle_budget: Budget = field(default_factory=lambda: Budget(18, 60.0))
    wb: WildberriesEmulator | None = None  # with a WB emulator, the bot gets a WB client
    wb_client: WildberriesClient | None = None
    ym: YandexMarketEmulator | None = None  # with a YM emulator, the bot gets a YM client
    ym_client: YandexMarketClient | None = None

    async def start(self) -> None:
        """Start the bot as production does (a restart is stop() then start())."""
        self.bot = build_bot(TOKEN, self.tg.base_url)
        self.ozon_client = OzonClient(base_url=self.ozon.base_url)
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
        await wait_until(self._workers_running)

    async def _workers_running(self) -> bool:
        return self.app is not None and bool(self.app.sync.seller_ids())

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.updates.stop()
        if self.bot is not None:
            await self.bot.session.close()
        if self.ozon_client is not None:
            await self.ozon_client.aclose()
        if self.wb_client is not None:
            await self.wb_client.aclose()
        if self.ym_client is not None:
            await self.ym_client.aclose()
        self.app = self.bot = self.ozon_client = self.wb_client = self.ym_client = None

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

    async def outbox_settled(self) -> bool:
        pending = await self.db.pool.fetchval(
            "SELECT count(*) FROM tg_outbox WHERE status = 'pending'"
        )
        return pending == 0


@contextlib.asynccontextmanager
async def open_world(
    db: Database,
    *,
    group_limit: tuple[int, float] = (20, 60.0),
    throttle: Budget | None = None,
    settings_overrides: dict[str, Any] | None = None,
    wb: WildberriesEmulator | None = None,
    ym: YandexMarketEmulator | None = None,
) -> AsyncIterator[World]:
    """Both emulators, a bound forum group with an agent, a seller, and the running bot.

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
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        seller = await db.sellers.create(
            workspace_id=workspace.id,
            marketplace="ozon",
            name="Обувь",
            client_id=CLIENT_ID,
            api_key_encrypted=vault.encrypt(SecretStr(API_KEY)),
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
        world = World(db, tg, ozon, vault, group.id, anna.id, workspace, seller, settings, wb=wb,
                      ym=ym)  # fmt: skip
        if throttle is not None:
            world.throttle_budget = throttle
        await world.start()
        try:
            yield world
        finally:
            await world.stop()
        assert tg.violations == [], tg.violations


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with open_world(db) as opened:
        yield opened
