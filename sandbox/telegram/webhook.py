"""Webhook delivery: Telegram POSTs each update to the bot's URL until it answers 2xx.

``setWebhook`` stores a :class:`Webhook`; while one is set, getUpdates answers 409 and a
:class:`WebhookPusher` task sends the pending updates one at a time, in order, with the
``X-Telegram-Bot-Api-Secret-Token`` header. A non-2xx answer, a refused connection or a
timeout leaves the update at the head of the queue and it is sent again after
``retry_seconds`` (Telegram retries too, with growing delays); ``getWebhookInfo`` reports
the last error as Telegram does. Only a 2xx confirms (drops) an update.

A test can hold the next delivery's outcome (:meth:`WebhookPusher.hold_next`): the update
is POSTed and answered, then the pusher waits; releasing it with ``lost=True`` treats the
answer as never received (as when the bot dies after storing, before Telegram reads its
200), so the update is delivered again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(slots=True)
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: int = 0  # POSTs made, retries included

    def info(self, pending: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.allowed_updates is not None:
            data["allowed_updates"] = list(self.allowed_updates)
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message or ""
        return data


@dataclass
class DeliveryHold:
    """The next delivery's outcome, held until :meth:`release`."""

    update_id: int | None = None
    status: int | None = None  # the bot's HTTP answer (None: no answer at all)
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    lost: bool = False
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self, *, lost: bool = False) -> None:
        self.lost = lost
        self._released.set()

    async def wait_released(self) -> None:
        await self._released.wait()

    async def wait_answered(self, seconds: float = 30.0) -> int | None:
        async with asyncio.timeout(seconds):
            await self.answered.wait()
        return self.status


class WebhookPusher:
    """Sends pending updates to the configured webhook (one task per emulator)."""

    def __init__(
        self, updates: UpdateQueue, *, retry_seconds: float = 0.3, timeout_seconds: float = 10.0
    ) -> None:
        self.updates = updates
        self.webhook: Webhook | None = None
        self.retry_seconds = retry_seconds
        self.timeout_seconds = timeout_seconds
        self.answers: list[tuple[int, int | None]] = []  # (update_id, HTTP status or None)
        self.hold: DeliveryHold | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def set(self, webhook: Webhook | None) -> None:
        self.webhook = webhook
        self.updates.nudge()

    def hold_next(self) -> DeliveryHold:
        if self.hold is not None:
            self.hold.release()
        self.hold = DeliveryHold()
        return self.hold

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._run(), name="telegram-webhook-pusher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if self.hold is not None:
            self.hold.release()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while True:
            webhook = self.webhook
            if webhook is None or not self.updates.pending:
                await self.updates.wait_for_change(1.0)
                continue
            update = self.updates.pending[0]
            delivered = await self._deliver(webhook, update)
            if delivered and self.updates.pending and self.updates.pending[0] is update:
                self.updates.pending.pop(0)
            elif not delivered:
                await asyncio.sleep(self.retry_seconds)

    async def _deliver(self, webhook: Webhook, update: dict[str, Any]) -> bool:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token is not None:
            headers[SECRET_HEADER] = webhook.secret_token
        status: int | None = None
        error: str | None = None
        webhook.deliveries += 1
        try:
            async with self._session.post(
                webhook.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout_seconds),
            ) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        self.answers.append((int(update["update_id"]), status))
        hold, self.hold = self.hold, None
        if hold is not None:
            hold.update_id = int(update["update_id"])
            hold.status = status
            hold.answered.set()
            await hold.wait_released()
            if hold.lost:
                error = "Connection failed: the answer was lost"
        if error is None and status is not None and not 200 <= status < 300:
            error = f"Wrong response from the webhook: {status}"
        if error is not None:
            webhook.last_error_date = int(time.time())
            webhook.last_error_message = error
            return False
        return True
