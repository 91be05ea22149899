"""The running bot, assembled once: Telegram session, dispatcher, sync and bridge.

:func:`assemble` is the whole composition; the real bot, the offline demo and the
end-to-end tests all use it, so what the tests run is what production runs.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.access import AccessControl
from bot.admin.agents import AgentAdmin
from bot.admin.binding import GroupBinding
from bot.admin.commands import start_up_publishers
from bot.admin.connecting import GroupConnecting
from bot.admin.health import HealthMonitor
from bot.admin.membership import Membership
from bot.admin.onboarding import Onboarding
from bot.admin.owner_requests import OwnerRequests
from bot.admin.push_registration import PushRegistration
from bot.admin.sellers import SellerAdmin
from bot.bridge.agent_messages import AgentMessages
from bot.bridge.delivery import BuyerPosts
from bot.bridge.replies import ReplyWorker
from bot.bridge.reply_checks import ReplyChecks
from bot.bridge.service import Bridge
from bot.canned.commands import TemplateCommands
from bot.canned.inline import InlineTemplates
from bot.dead_claims import DeadClaimSweeper
from bot.deps import Deps
from bot.digest.service import DigestService
from bot.digest.settings import DigestSettings
from bot.drafts.actions import DraftActions
from bot.drafts.ai_settings import AiSettings
from bot.drafts.llm import LlmClient
from bot.drafts.posting import DraftPosting
from bot.drafts.service import DraftService
from bot.drafts.worker import DraftWorker
from bot.handlers import build_router
from bot.leadership import ROLE_PERIODIC, Hook, Leadership
from bot.marketplaces import build_marketplaces
from bot.middlewares.locale import LocaleMiddleware
from bot.ops.assembly import build_metrics, build_ops
from bot.ops.metrics import BotMetrics
from bot.ops.server import OpsServer
from bot.outbox.loop import KickableLoop
from bot.outbox.queue import Outbox
from bot.outbox.shared_budget import SharedBudget
from bot.outbox.throttle import TelegramThrottle
from bot.outbox.worker import OutboxWorker
from bot.runtime import open_database
from bot.scheduling import SchedulerRuntime, build_scheduler
from bot.search.command import FindCommand
from bot.seller_api import SellerApis
from bot.settings import Settings
from bot.sla.commands import ClaimCommands
from bot.sla.queue_commands import QueueCommands
from bot.sla.resolve import IdleSettings, ResolveCommands
from bot.sla.rule_commands import RuleCommands
from bot.sla.scope import CommandScope, GroupAnswers
from bot.sla.service import SlaService
from bot.sla.stats_command import StatsCommand
from bot.startup_checks import verify_telegram
from bot.sync.poller import SellerPoller
from bot.sync.push import PollTrigger, PushServer
from bot.sync.push_inbox import PollOnPush, PushInbox
from bot.sync.push_pacing import PushPacing
from bot.sync.push_tokens import PushTokens
from bot.sync.runner import SyncRunner
from bot.sync.scheduler import SyncScheduler
from bot.sync.ym_push import YmPushes
from bot.telegram_session import BotSession
from bot.updates.notice import FailureNotices
from bot.updates.service import TelegramUpdates
from bot.updates.webhook import WebhookConfig
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from connectors.yandex_market.client import YandexMarketClient
from storage.database import Database
from storage.vault import Vault

logger = logging.getLogger(__name__)


def build_bot(token: str, api_url: str) -> Bot:
    session = BotSession(api=TelegramAPIServer.from_base(api_url))
    return Bot(
        token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def build_dispatcher(deps: Deps) -> Dispatcher:
    dispatcher = Dispatcher(**deps)
    # every handler gets ``locale``: the person's language in private, the default in groups
    dispatcher.update.outer_middleware(LocaleMiddleware(default=deps["settings"].locale))
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
    push: PushServer | None = None
    push_inbox: PushInbox | None = None
    periodic: Leadership | None = None
    metrics: BotMetrics | None = None
    ops: OpsServer | None = None
    digest: DigestService | None = None


def assemble(  # noqa: PLR0915 - the composition root: one statement per part
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
    ym: YandexMarketClient | None = None,
) -> App:
    marketplaces = build_marketplaces(ozon=ozon, wb=wb, ym=ym)
    apis = SellerApis(db=db, vault=vault, marketplaces=marketplaces)
    metrics = build_metrics(db)
    for label, client in (("ozon", ozon), ("wb", wb), ("ym", ym)):
        if client is not None:
            metrics.marketplace.watch(label, client.calls)
    throttle = throttle or TelegramThrottle()
    delivery = OutboxWorker(
        db=db,
        bot=bot,
        throttle=throttle,
        # the group's budget is spent from the database: several instances share it
        shared=SharedBudget(
            db.tg_budget, group=throttle.group_budget, overall=throttle.overall_budget
        ),
        observer=metrics,
    )
    outbox = Outbox(db=db, kick=delivery.kick)
    buyer_posts = BuyerPosts(db=db, worker=delivery, apis=apis)
    buyer_posts.register()
    bridge = Bridge(
        outbox=outbox,
        delivery=delivery,
        replies=ReplyWorker(
            db=db, bot=bot, apis=apis, delivery=delivery, on_sent=metrics.reply_sent
        ),
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
        min_gap=timedelta(seconds=settings.poll_interval_seconds / 2),
    )
    # One instance at a time runs the process-wide periodic work: the SLA tick and board,
    # drafts, taking back a killed instance's claims (bot.leadership).
    leader_jobs: list[tuple[Hook, Hook]] = []
    periodic = Leadership(
        name="periodic",
        key=ROLE_PERIODIC,
        repo=db.leaders,
        on_gain=lambda: _start_all(leader_jobs),
        on_lose=lambda: _stop_all(leader_jobs),
    )
    sweeper = DeadClaimSweeper(db=db)
    leader_jobs.append((sweeper.start, sweeper.stop))
    jobs = SchedulerRuntime(build_scheduler())  # the one apscheduler: polls, the SLA tick
    sync = SyncScheduler(
        db=db,
        runner=runner,
        scheduler=jobs.scheduler,
        interval_seconds=settings.poll_interval_seconds,
        # with a push server, polling slows to a safety net while a seller's pushes arrive
        may_skip=PushPacing(db=db).may_skip if settings.ozon_push_port is not None else None,
    )
    sla = SlaService(
        db=db,
        delivery=delivery,
        scheduler=jobs.scheduler,
        tick_seconds=settings.sla_tick_seconds,
        window_margin=timedelta(minutes=settings.sla_window_margin_minutes),
        is_leader=lambda: periodic.held,
        **({"clock": sla_clock} if sla_clock is not None else {}),
    )
    buyer_posts.decorate(sla.post_extras)
    digest = DigestService(
        db=db,
        delivery=delivery,
        scheduler=jobs.scheduler,
        is_leader=lambda: periodic.held,
        **({"clock": sla_clock} if sla_clock is not None else {}),
    )
    seller_admin = SellerAdmin(db=db, vault=vault, marketplaces=marketplaces, sync=sync)
    connecting = build_connecting(settings, bot, GroupBinding(db=db, seller_admin=seller_admin))
    sla_scope, sla_answers = CommandScope(db=db, access=access), GroupAnswers(db=db, outbox=outbox)
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
            onboarding=Onboarding(
                db=db,
                vault=vault,
                marketplaces=marketplaces,
                sync=sync,
                push=(
                    registration := build_push_registration(
                        settings, apis=apis, db=db, vault=vault
                    )
                ),
            ),
            seller_admin=seller_admin,
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
            binding=connecting.binding,
            connecting=connecting,
            push_tokens=registration.tokens,
            push_registration=registration,
            marketplaces=marketplaces,
            membership=Membership(
                db=db, kick=outbox.kick, default_locale=settings.locale, connecting=connecting
            ),
            claims=ClaimCommands(db=db, access=access, answers=sla_answers),
            sla_queue=QueueCommands(db=db, scope=sla_scope, sla=sla),
            sla_rules=RuleCommands(db=db, scope=sla_scope),
            sla_stats=StatsCommand(db=db, scope=sla_scope, sla=sla),
            resolve=ResolveCommands(db=db, access=access, resolver=sla.resolver, clock=sla.now),
            idle_settings=IdleSettings(db=db, access=access),
            sla_answers=sla_answers,
            finder=FindCommand(db=db, scope=sla_scope),
            digest_settings=DigestSettings(db=db, scope=sla_scope),
            agent_messages=AgentMessages(db=db, access=access, rules=marketplaces.rules),
            reply_checks=ReplyChecks(db=db, access=access),
            failures=FailureNotices(db=db, bot=bot, outbox=outbox, default_locale=settings.locale),
            canned=TemplateCommands(db=db, scope=sla_scope),
            canned_inline=InlineTemplates(db=db, access=access),
        )
    )

    publish_commands, publish_profile = start_up_publishers(bot, settings.locale)

    if settings.drafts_enabled:
        leader_jobs.append((drafts.start, drafts.stop))
    # Started in this order, stopped in the reverse one.
    _register_lifecycle(
        dispatcher,
        starts=(publish_commands, publish_profile, delivery.start, bridge.start, jobs.start,
                sync.start, sla.start, digest.start, periodic.start),
        stops=(periodic.stop, digest.stop, sla.stop, sync.stop, jobs.stop, bridge.stop,
               delivery.stop),
    )  # fmt: skip
    if model is not None and llm is None:  # ours to close; a caller's client stays theirs
        dispatcher.shutdown.register(model.aclose)
    push = build_push(settings, db=db, apis=apis, runner=runner, dispatcher=dispatcher,
                      on_new_messages=on_new_messages)  # fmt: skip
    updates = TelegramUpdates(
        db=db,
        bot=bot,
        dispatcher=dispatcher,
        vault=vault,
        outbox=outbox,
        locale=settings.locale,
        webhook=webhook_config(settings),
    )

    def watched() -> list[KickableLoop]:
        """The loops this process runs now: drafts run on the leader only."""
        expected = [delivery.loop, bridge.replies.loop]
        if settings.drafts_enabled and periodic.held:
            expected.append(drafts.loop)
        return expected

    ops = build_ops(
        settings,
        db=db,
        bot=bot,
        metrics=metrics,
        updates=updates,
        loops=watched,
        leader=periodic,
    )
    if ops is not None:
        dispatcher.startup.register(ops.start)
        dispatcher.shutdown.register(ops.stop)
    return App(
        dispatcher=dispatcher,
        sync=sync,
        bridge=bridge,
        sla=sla,
        updates=updates,
        outbox=delivery,
        drafts=drafts,
        push=push[0] if push else None,
        push_inbox=push[1] if push else None,
        periodic=periodic,
        metrics=metrics,
        ops=ops,
        digest=digest,
    )


def build_connecting(settings: Settings, bot: Bot, binding: GroupBinding) -> GroupConnecting:
    """Connecting a ready group: owners bind, group admins ask the owners in private."""
    return GroupConnecting(
        binding=binding,
        requests=OwnerRequests(bot=bot, owner_ids=settings.admin_ids, locale=settings.locale),
        owner_ids=settings.admin_ids,
        locale=settings.locale,
    )


def build_push_registration(
    settings: Settings, *, apis: SellerApis, db: Database, vault: Vault
) -> PushRegistration:
    """Registers Ozon shops' push URLs by API when PUBLIC_BASE_URL and the server are set."""
    return PushRegistration(
        apis=apis,
        tokens=PushTokens(db=db, vault=vault),
        public_base_url=str(settings.public_base_url) if settings.public_base_url else None,
        push_enabled=settings.ozon_push_port is not None,
    )


def build_push(
    settings: Settings,
    *,
    db: Database,
    apis: SellerApis,
    runner: SyncRunner,
    dispatcher: Dispatcher,
    on_new_messages: Callable[[], None],
) -> tuple[PushServer, PushInbox] | None:
    """The push server when OZON_PUSH_PORT is set (Ozon's and Yandex Market's paths): each
    push is stored in the inbox, answered, then processed from there."""
    if settings.ozon_push_port is None:
        return None
    trigger = PollTrigger(runner.run_pushed, min_interval=settings.ozon_push_min_interval_seconds)
    ym = YmPushes(db=db, apis=apis, poll=trigger.request, on_new_messages=on_new_messages)
    inbox = PushInbox(db=db, processors={"ozon": PollOnPush(trigger.request), "ym": ym})
    push = PushServer(
        db=db,
        inbox=inbox,
        host=settings.ozon_push_host,
        port=settings.ozon_push_port,
        allowed_networks=settings.ozon_push_allowed_networks,
        ym_networks=settings.ym_push_allowed_networks,
        trusted_proxies=settings.ozon_push_trusted_proxies,
    )

    async def stop_polls() -> None:
        await trigger.cancel()

    for start in (inbox.start, push.start):
        dispatcher.startup.register(start)
    for stop in (push.stop, inbox.stop, stop_polls):
        dispatcher.shutdown.register(stop)
    return push, inbox


def webhook_config(settings: Settings) -> WebhookConfig | None:
    """Webhook mode when WEBHOOK_URL is set (settings guarantee its secret); else polling."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        return None
    return WebhookConfig(
        url=str(settings.webhook_url),
        secret=settings.webhook_secret,
        host=settings.webhook_host,
        port=settings.webhook_port,
    )


def _register_lifecycle(
    dispatcher: Dispatcher, *, starts: Sequence[Hook], stops: Sequence[Hook]
) -> None:
    for start in starts:
        dispatcher.startup.register(start)
    for stop in stops:
        dispatcher.shutdown.register(stop)


async def _start_all(jobs: list[tuple[Hook, Hook]]) -> None:
    for start, _ in jobs:
        await start()


async def _stop_all(jobs: list[tuple[Hook, Hook]]) -> None:
    for _, stop in reversed(jobs):
        await stop()


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
    bot = build_bot(settings.bot_token.get_secret_value(), str(settings.telegram_api_url))
    try:
        # Telegram first: a rejected token should not wait for the database to start.
        me = await verify_telegram(
            bot,
            api_url=str(settings.telegram_api_url),
            wait_seconds=settings.telegram_startup_wait_seconds,
        )
        logger.info("Telegram accepted the token: the bot is @%s", me.username)
        async with (
            open_database(settings) as db,
            OzonClient(base_url=str(settings.ozon_api_url)) as ozon,
            WildberriesClient(
                base_url=str(settings.wb_api_url), auth_scheme=settings.wb_auth_scheme
            ) as wb,
            YandexMarketClient(base_url=str(settings.ym_api_url)) as ym,
        ):
            app = assemble(settings, db=db, vault=vault, ozon=ozon, bot=bot, wb=wb, ym=ym)
            # What is built by now (aiogram's hundreds of models, the app) lives as long as
            # the process: leave it out of the collector's full walks, which otherwise
            # cost ~150 ms each and come every few seconds under load.
            gc.freeze()
            mode = "webhook" if settings.uses_webhook else "long polling"
            logger.info("Bot is starting (%s, updates stored before confirmed)", mode)
            await app.updates.run_polling()
    finally:
        await bot.session.close()
