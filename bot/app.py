"""The running bot, assembled once: Telegram session, dispatcher, sync and bridge.

:func:`assemble` is the whole composition; the real bot, the offline demo and the
end-to-end tests all use it, so what the tests run is what production runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.access import AccessControl
from bot.admin.agents import AgentAdmin
from bot.admin.commands import register_commands
from bot.admin.health import HealthMonitor
from bot.admin.onboarding import Onboarding
from bot.admin.sellers import SellerAdmin
from bot.bridge.delivery import BuyerPosts
from bot.bridge.replies import ReplyWorker
from bot.bridge.service import Bridge
from bot.deps import Deps
from bot.drafts.actions import DraftActions
from bot.drafts.ai_settings import AiSettings
from bot.drafts.llm import LlmClient
from bot.drafts.posting import DraftPosting
from bot.drafts.service import DraftService
from bot.drafts.worker import DraftWorker
from bot.handlers import build_router
from bot.marketplaces import build_marketplaces
from bot.outbox.queue import Outbox
from bot.outbox.throttle import TelegramThrottle
from bot.outbox.worker import OutboxWorker
from bot.runtime import open_database
from bot.seller_api import SellerApis
from bot.settings import Settings
from bot.sla.service import SlaService
from bot.sync.poller import SellerPoller
from bot.sync.push import OzonPushServer, PollTrigger
from bot.sync.runner import SyncRunner
from bot.sync.scheduler import SyncScheduler
from bot.updates.service import TelegramUpdates
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from storage.database import Database
from storage.vault import Vault

logger = logging.getLogger(__name__)


def build_bot(token: str, api_url: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    return Bot(
        token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def build_dispatcher(deps: Deps) -> Dispatcher:
    dispatcher = Dispatcher(**deps)
    dispatcher.include_router(build_router())
    return dispatcher


@dataclass(frozen=True)
class App:
    dispatcher: Dispatcher
    sync: SyncScheduler
    bridge: Bridge
    sla: SlaService
    updates: TelegramUpdates
    outbox: OutboxWorker
    drafts: DraftWorker | None = None
    push: OzonPushServer | None = None


def assemble(
    settings: Settings,
    *,
    db: Database,
    vault: Vault,
    ozon: OzonClient,
    bot: Bot,
    throttle: TelegramThrottle | None = None,
    sla_clock: Callable[[], datetime] | None = None,
    llm: LlmClient | None = None,
    wb: WildberriesClient | None = None,
) -> App:
    marketplaces = build_marketplaces(ozon=ozon, wb=wb)
    apis = SellerApis(db=db, vault=vault, marketplaces=marketplaces)
    delivery = OutboxWorker(db=db, bot=bot, throttle=throttle or TelegramThrottle())
    outbox = Outbox(db=db, kick=delivery.kick)
    buyer_posts = BuyerPosts(db=db, worker=delivery, apis=apis)
    buyer_posts.register()
    bridge = Bridge(
        outbox=outbox,
        delivery=delivery,
        replies=ReplyWorker(db=db, bot=bot, apis=apis, delivery=delivery),
    )
    health = HealthMonitor(
        db=db,
        threshold=timedelta(minutes=settings.health_notice_after_minutes),
        kick=delivery.kick,
    )
    access = AccessControl(db=db, bot=bot, owner_ids=settings.admin_ids)
    DraftPosting(db=db, delivery=delivery).register()
    model = llm if llm is not None else build_llm(settings)
    drafts_service = DraftService(
        db=db,
        llm=model,
        auto_reply_delay_seconds=settings.auto_reply_delay_seconds,
        on_queued=delivery.kick,
        on_reply=bridge.replies.kick,
        rules=apis.rules,
    )
    drafts = DraftWorker(
        service=drafts_service,
        db=db,
        debounce=timedelta(seconds=settings.draft_debounce_seconds),
    )

    def on_new_messages() -> None:
        delivery.kick()
        drafts.kick()  # it then sleeps exactly until the new burst settles

    runner = SyncRunner(
        db=db,
        poller=SellerPoller(db=db, apis=apis),
        on_new_messages=on_new_messages,
        after_run=health.check,
    )
    sync = SyncScheduler(db=db, runner=runner, interval_seconds=settings.poll_interval_seconds)
    sla = SlaService(
        db=db,
        delivery=delivery,
        tick_seconds=settings.sla_tick_seconds,
        window_margin=timedelta(minutes=settings.sla_window_margin_minutes),
        **({"clock": sla_clock} if sla_clock is not None else {}),
    )
    buyer_posts.decorate(sla.post_extras)
    dispatcher = build_dispatcher(
        Deps(
            settings=settings,
            db=db,
            vault=vault,
            ozon=ozon,
            sync=sync,
            bridge=bridge,
            outbox=outbox,
            access=access,
            onboarding=Onboarding(db=db, vault=vault, marketplaces=marketplaces, sync=sync),
            seller_admin=SellerAdmin(db=db, vault=vault, marketplaces=marketplaces, sync=sync),
            sla=sla,
            drafts=DraftActions(
                db=db,
                access=access,
                service=drafts_service,
                kick_drafts=drafts.kick,
                kick_replies=bridge.replies.kick,
                kick_delivery=delivery.kick,
            ),
            ai=AiSettings(db=db, access=access),
            agent_admin=AgentAdmin(db=db, access=access),
            marketplaces=marketplaces,
        )
    )

    async def publish_commands() -> None:
        await register_commands(bot, settings.locale)

    dispatcher.startup.register(publish_commands)
    dispatcher.startup.register(delivery.start)
    dispatcher.startup.register(bridge.start)
    dispatcher.startup.register(sync.start)
    dispatcher.startup.register(sla.start)
    if settings.drafts_enabled:
        dispatcher.startup.register(drafts.start)
        dispatcher.shutdown.register(drafts.stop)
    dispatcher.shutdown.register(sla.shutdown)
    dispatcher.shutdown.register(sync.shutdown)
    dispatcher.shutdown.register(bridge.stop)
    dispatcher.shutdown.register(delivery.stop)
    if model is not None and llm is None:  # ours to close; a caller's client stays theirs
        dispatcher.shutdown.register(model.aclose)
    push = None
    if settings.ozon_push_port is not None:
        push = OzonPushServer(
            db=db,
            trigger=PollTrigger(runner.run),
            host=settings.ozon_push_host,
            port=settings.ozon_push_port,
            allowed_networks=settings.ozon_push_allowed_networks,
        )
        dispatcher.startup.register(push.start)
        dispatcher.shutdown.register(push.stop)
    updates = TelegramUpdates(
        db=db,
        bot=bot,
        dispatcher=dispatcher,
        vault=vault,
        outbox=outbox,
        locale=settings.locale,
    )
    return App(
        dispatcher=dispatcher,
        sync=sync,
        bridge=bridge,
        sla=sla,
        updates=updates,
        outbox=delivery,
        drafts=drafts,
        push=push,
    )


def build_llm(settings: Settings) -> LlmClient | None:
    """The chat model when a key is configured; without one, drafts come from templates."""
    if settings.llm_api_key is None:
        return None
    return LlmClient(
        base_url=str(settings.llm_base_url),
        api_key=settings.llm_api_key.get_secret_value(),
        model=settings.llm_model,
        timeout_seconds=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )


async def run_bot(settings: Settings, vault: Vault) -> None:
    assert settings.bot_token is not None
    async with (
        open_database(settings) as db,
        OzonClient(base_url=str(settings.ozon_api_url)) as ozon,
        WildberriesClient(
            base_url=str(settings.wb_api_url), auth_scheme=settings.wb_auth_scheme
        ) as wb,
    ):
        bot = build_bot(settings.bot_token.get_secret_value(), str(settings.telegram_api_url))
        app = assemble(settings, db=db, vault=vault, ozon=ozon, bot=bot, wb=wb)
        try:
            logger.info("Bot is starting (long polling, updates stored before confirmed)")
            await app.updates.run_polling()
        finally:
            await bot.session.close()
