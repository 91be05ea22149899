"""The bot's receiving side as one object: register the instance, run the dispatcher's
start-up hooks, process what was stored before, then poll; stop in reverse, gracefully.

It replaces aiogram's ``start_polling``, which confirms an update as soon as it hands it
to a task and runs one batch's updates concurrently (lost on a crash, out of order).

With several instances on one database, only the holder of the intake role long-polls
(Telegram allows one poller per token; ``bot.leadership``); every instance processes the
stored updates, whose claims keep each one handled once. In webhook mode every instance
listens: whichever receives an update stores it, and any instance may process it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import TelegramMethod
from aiogram.types import Update

from bot.errors import StartupError
from bot.leadership import ROLE_TELEGRAM_INTAKE, Leadership
from bot.outbox.queue import Outbox
from bot.texts import Locale
from bot.updates.attempts import LAST_ATTEMPT
from bot.updates.intake import Intake
from bot.updates.notice import send_failure_notice
from bot.updates.processor import UpdateProcessor
from bot.updates.seal import UpdateSeal
from bot.updates.webhook import WebhookConfig, WebhookReceiver
from storage.database import Database
from storage.instance_repo import InstanceLock
from storage.update_repo import StoredUpdate
from storage.vault import Vault

logger = logging.getLogger(__name__)


class TelegramUpdates:
    """Durable long polling for one bot and its dispatcher (start/stop, or run_polling)."""

    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        dispatcher: Dispatcher,
        vault: Vault,
        outbox: Outbox,
        locale: Locale = "ru",
        polling_timeout: int = 10,
        concurrency: int = 8,
        drain_seconds: float = 10.0,
        retry_base_seconds: float = 1.0,
        conflict_retries: int = 6,
        webhook: WebhookConfig | None = None,
    ) -> None:
        self._db = db
        self._webhook = webhook
        self._receiver: WebhookReceiver | None = None
        self._bot = bot
        self._dispatcher = dispatcher
        self._seal = UpdateSeal(vault)
        self._outbox = outbox
        self._locale = locale
        self._polling_timeout = polling_timeout
        self._concurrency = concurrency
        self._drain_seconds = drain_seconds
        self._retry_base = retry_base_seconds
        self._conflict_retries = conflict_retries
        self._lock: InstanceLock | None = None
        self._processor: UpdateProcessor | None = None
        self._intake: Intake | None = None
        self._processor_task: asyncio.Task[None] | None = None
        self._intake_task: asyncio.Task[None] | None = None
        # One instance long-polls Telegram (it allows one poller per bot); every instance
        # processes the stored updates.
        self._intake_role = Leadership(
            name="telegram-intake",
            key=ROLE_TELEGRAM_INTAKE,
            repo=db.leaders,
            on_gain=self._start_intake,
            on_lose=self._stop_intake,
        )
        self._stop_requested = asyncio.Event()
        self._started = False

    @property
    def instance_id(self) -> str | None:
        return self._lock.instance_id if self._lock is not None else None

    @property
    def processor(self) -> UpdateProcessor | None:
        return self._processor

    @property
    def intake(self) -> Intake | None:
        return self._intake

    def task_running(self, name: str) -> bool:
        """Whether this object's task ``name`` (updates-processor, updates-intake) runs."""
        tasks = (self._processor_task, self._intake_task)
        return any(t is not None and t.get_name() == name and not t.done() for t in tasks)

    @property
    def receiver(self) -> WebhookReceiver | None:
        """The webhook endpoint (webhook mode only, once started)."""
        return self._receiver

    def _workflow(self) -> dict[str, Any]:
        """What ``start_polling`` hands to the hooks and handlers, so they see no change."""
        return {"dispatcher": self._dispatcher, "bots": (self._bot,),
                **self._dispatcher.workflow_data}  # fmt: skip

    async def start(self) -> None:
        """Register, take back the dead's claims, run start-up hooks, then process and poll."""
        if self._started:
            return
        self._stop_requested.clear()
        self._lock = await self._db.instances.register()
        try:
            freed = await self._db.instances.release_dead_claims("tg_updates")
            if freed:
                logger.info("Took back %d update(s) claimed by a stopped process", freed)
            await self._dispatcher.emit_startup(bot=self._bot, **self._workflow())
        except BaseException:
            await self._lock.release()
            self._lock = None
            raise
        self._started = True
        self._processor = UpdateProcessor(
            repo=self._db.updates,
            instance_id=self._lock.instance_id,
            handle=self._handle,
            on_failed=self._tell_failed,
            concurrency=self._concurrency,
            retry_base_seconds=self._retry_base,
        )
        self._intake = Intake(
            bot=self._bot,
            repo=self._db.updates,
            seal=self._seal,
            allowed_updates=self._dispatcher.resolve_used_update_types(),
            on_stored=self._processor.wake,
            polling_timeout=self._polling_timeout,
            conflict_retries=self._conflict_retries,
        )
        pending = await self._db.updates.count_pending()
        logger.info(
            "Instance %s receiving Telegram updates (%d stored, unprocessed)",
            self._lock.instance_id,
            pending,
        )
        self._processor_task = asyncio.create_task(self._processor.run(), name="updates-processor")
        if self._webhook is None:
            await self._intake_role.start()
            return
        try:
            await self._start_webhook(self._webhook)
        except BaseException:
            await self.abort()  # nothing half-started stays behind the start-up error
            try:
                await self._dispatcher.emit_shutdown(bot=self._bot, **self._workflow())
            except Exception:  # the start-up error is what the operator must see
                logger.exception("Shutdown hooks failed after a failed start")
            raise

    async def _start_webhook(self, config: WebhookConfig) -> None:
        """Listen first, then tell Telegram where to send (it may send at once)."""
        assert self._intake is not None
        self._receiver = WebhookReceiver(config=config, accept=self._intake.accept)
        try:
            await self._receiver.start()
        except OSError as exc:
            raise StartupError(
                f"Cannot listen for the webhook on {config.host}:{config.port} "
                f"(WEBHOOK_HOST/WEBHOOK_PORT): {exc.strerror or type(exc).__name__}"
            ) from None
        try:
            await self._bot.set_webhook(
                url=config.url,
                secret_token=config.secret.get_secret_value(),
                allowed_updates=self._dispatcher.resolve_used_update_types(),
            )
        except TelegramAPIError as exc:
            raise StartupError(f"Telegram refused WEBHOOK_URL: {exc.message}") from None

    @property
    def polls_telegram(self) -> bool:
        """Whether this instance is the one long-polling Telegram now."""
        return self._intake_task is not None and not self._intake_task.done()

    async def _start_intake(self) -> None:
        self._intake_task = asyncio.create_task(self._run_intake(), name="updates-intake")

    async def _stop_intake(self) -> None:
        task, self._intake_task = self._intake_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run_intake(self) -> None:
        assert self._intake is not None
        await self._intake.run()
        self._stop_requested.set()  # Telegram refused us: the process should stop

    async def stop(self) -> None:
        """Stop fetching, let handlers in flight finish (bounded), run the shutdown hooks,
        and only then give the instance up."""
        if not self._started:
            return
        self._started = False
        processor_task = self._processor_task
        assert processor_task is not None
        await self._intake_role.stop()
        if self._receiver is not None:  # the webhook stays set: Telegram keeps the updates
            await self._receiver.stop()
            self._receiver = None
        try:
            assert self._processor is not None
            await self._processor.drain(self._drain_seconds)
            await processor_task
        finally:
            processor_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await processor_task
            try:
                await self._dispatcher.emit_shutdown(bot=self._bot, **self._workflow())
            finally:
                assert self._lock is not None
                await self._lock.release()
                self._processor_task = None

    async def abort(self) -> None:
        """Stop abruptly, as a crash would: nothing drained, no hooks, the instance's
        connection dropped. Tests use it to fault inside the window."""
        self._started = False
        tasks = [t for t in (self._processor_task, self._intake_task) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._processor_task = self._intake_task = None
        await self._intake_role.stop_abruptly()
        await self._db.leaders.kill_all()  # every role this process held dies with it
        if self._receiver is not None:
            await self._receiver.stop()
            self._receiver = None
        if self._lock is not None:
            await self._lock.kill()

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        """The production loop: until SIGTERM/SIGINT, or Telegram refusing this bot."""
        loop = asyncio.get_running_loop()
        if handle_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError):
                    loop.add_signal_handler(sig, self._stop_requested.set)
        await self.start()
        try:
            await self._stop_requested.wait()
        finally:
            await self.stop()

    def request_stop(self) -> None:
        self._stop_requested.set()

    async def _handle(self, payload: dict[str, Any]) -> None:
        raw = self._seal.open(payload)
        update = Update.model_validate(raw, context={"bot": self._bot})
        # The errors router keeps quiet while a retry is coming (it reads last_attempt).
        response = await self._dispatcher.feed_update(
            self._bot, update, bots=(self._bot,), last_attempt=LAST_ATTEMPT.get()
        )
        if isinstance(response, TelegramMethod):
            await self._dispatcher.silent_call_request(bot=self._bot, result=response)

    async def _tell_failed(self, update: StoredUpdate, reason: str) -> None:
        raw = self._seal.open(update.payload)
        await send_failure_notice(self._bot, self._db, self._outbox, raw, self._locale)
