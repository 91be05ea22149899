"""Building the health and metrics endpoint from the assembled bot (bot/app.py calls it).

The watches are built lazily, at each /healthz, because the update processor and intake
exist only once the bot has started.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot

from bot.leadership import Leadership
from bot.ops.health import CachedProbe, Verdict, Watch, readiness
from bot.ops.metrics import BotMetrics, Figures
from bot.ops.server import OpsServer
from bot.outbox.loop import KickableLoop
from bot.settings import Settings
from bot.updates.service import TelegramUpdates
from storage.database import Database
from storage.migrate import load_migrations
from storage.ops_repo import OpsRepo


def build_ops(
    settings: Settings,
    *,
    db: Database,
    bot: Bot,
    metrics: BotMetrics,
    updates: TelegramUpdates,
    loops: Callable[[], list[KickableLoop]],
    leader: Leadership,
) -> OpsServer | None:
    """The health and metrics endpoint when METRICS_PORT is set. ``loops`` are the worker
    loops this process is expected to run now (some run on the leader only)."""
    metrics.roles.watch_role("periodic", lambda: leader.held)
    metrics.roles.watch_role("telegram_intake", lambda: updates.polls_telegram)
    if settings.metrics_port is None:
        return None
    return OpsServer(
        host=settings.metrics_host,
        port=settings.metrics_port,
        metrics=metrics,
        watches=lambda: [*loop_watches(loops()), *update_watches(updates)],
        ready=readiness_check(db, bot),
        stuck_after=settings.health_stuck_seconds,
    )


def build_metrics(db: Database) -> BotMetrics:
    repo = OpsRepo(db.pool)
    metrics = BotMetrics(Figures(lambda now: repo.figures(now=now)))
    # db.instance_id is read at each scrape: the instance registers after assembly.
    metrics.roles.count_leases(lambda: db.seller_leases.held(holder=db.instance_id))
    return metrics


def loop_watches(loops: list[KickableLoop]) -> list[Watch]:
    return [loop_watch(loop) for loop in loops]


def loop_watch(loop: KickableLoop) -> Watch:
    return Watch(name=loop.name, last_beat=lambda: loop.last_beat, running=lambda: loop.running)


def update_watches(updates: TelegramUpdates) -> list[Watch]:
    """The processor always; the long-poll intake when this process is the one polling
    (with several instances the others wait for the role, which is not a fault)."""
    watches: list[Watch] = []
    processor, intake = updates.processor, updates.intake
    watches.append(
        Watch(
            name="updates-processor",
            last_beat=lambda: processor.last_beat if processor is not None else 0.0,
            running=lambda: updates.task_running("updates-processor"),
        )
    )
    if updates.receiver is None and intake is not None and updates.polls_telegram:
        watches.append(
            Watch(
                name="updates-intake",
                last_beat=lambda: intake.last_beat,
                running=lambda: updates.task_running("updates-intake"),
            )
        )
    return watches


def readiness_check(db: Database, bot: Bot) -> Callable[[], Awaitable[Verdict]]:
    repo = OpsRepo(db.pool)
    shipped = {m.version for m in load_migrations()}

    async def get_me() -> None:
        await bot.get_me()

    telegram = CachedProbe(get_me)

    async def ready() -> Verdict:
        return await readiness(
            ping_database=repo.ping,
            applied=repo.applied_migrations,
            shipped=shipped,
            telegram=telegram,
        )

    return ready
