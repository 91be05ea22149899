"""The running bot: Telegram session, dispatcher and polling, wired to storage and Ozon."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.deps import Deps
from bot.handlers import build_router
from bot.runtime import open_database
from bot.seller_api import SellerApis
from bot.settings import Settings
from bot.sync.poller import SellerPoller
from bot.sync.runner import SyncRunner
from bot.sync.scheduler import SyncScheduler
from connectors.ozon.client import OzonClient
from storage.vault import Vault

logger = logging.getLogger(__name__)


def build_bot(settings: Settings) -> Bot:
    assert settings.bot_token is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(str(settings.telegram_api_url)))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_dispatcher(deps: Deps) -> Dispatcher:
    dispatcher = Dispatcher(**deps)
    dispatcher.include_router(build_router())
    return dispatcher


async def run_bot(settings: Settings, vault: Vault) -> None:
    async with (
        open_database(settings) as db,
        OzonClient(base_url=str(settings.ozon_api_url)) as ozon,
    ):
        apis = SellerApis(db=db, vault=vault, ozon=ozon)
        runner = SyncRunner(db=db, poller=SellerPoller(db=db, apis=apis))
        sync = SyncScheduler(db=db, runner=runner, interval_seconds=settings.poll_interval_seconds)
        bot = build_bot(settings)
        dispatcher = build_dispatcher(
            Deps(settings=settings, db=db, vault=vault, ozon=ozon, sync=sync)
        )
        dispatcher.startup.register(sync.start)
        dispatcher.shutdown.register(sync.shutdown)
        try:
            logger.info("Bot is starting (long polling)")
            await dispatcher.start_polling(bot)
        finally:
            await bot.session.close()
