"""The push simulator: Yandex Market's API notifications, POSTed to a configured URL.

On each buyer event (a new chat, a message, arbitration started or finished) the emulator
queues the notification of ``ym-notification.json`` for the cabinet's URL, if one is set,
and a background task delivers it like Market does:

- the answer must be 200 with ``{version, name, time}`` within 10 s (1 s for ``PING``);
- a timeout, a connection failure or any status but 200/400 is retried on Market's
  schedule (every minute for an hour, every 15 minutes, then hourly), time-compressed by
  ``retry_delays``; 400 is never retried;
- ``duplicates`` sends every notification that many extra times (Market may send several
  notifications for one event); ``hold_order`` keeps notifications back until
  :meth:`PushSimulator.release_held` sends them newest first (out of order);
- ``messageId`` is a string in ``CHAT_MESSAGE_SENT``; ids are ints elsewhere.

Every attempt is recorded in ``deliveries`` with its status and latency for tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from .state import ChatRecord, MessageRecord

log = logging.getLogger("sandbox.yandex_market.push")

#: Market's schedule: every minute for 1 h, then every 15 min; compressed for tests.
DEFAULT_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
TIMEOUT_SECONDS = 10.0
PING_TIMEOUT_SECONDS = 1.0


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(slots=True)
class Delivery:
    """One attempt: what was sent, how it was answered, how long the answer took."""

    body: dict[str, Any]
    attempt: int
    status: int | None
    seconds: float
    error: str | None = None
    answer: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "attempt": self.attempt,
            "status": self.status,
            "seconds": round(self.seconds, 4),
            "error": self.error,
        }


@dataclass(slots=True)
class PushSettings:
    #: businessId → the URL Market POSTs to (the cabinet's subscription).
    urls: dict[int, str] = field(default_factory=dict)
    duplicates: int = 0
    hold_order: bool = False
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    timeout: float = TIMEOUT_SECONDS
    ping_timeout: float = PING_TIMEOUT_SECONDS
    #: Also notify our own (PARTNER) messages; undocumented either way, so a switch.
    notify_partner: bool = False


class PushSimulator:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.settings = PushSettings()
        self.deliveries: list[Delivery] = []
        self._held: list[tuple[str, dict[str, Any]]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def reset(self) -> None:
        self.settings = PushSettings()
        self.deliveries.clear()
        self._held.clear()

    # ------------------------------------------------------------ events

    def chat_created(self, chat: ChatRecord) -> None:
        self._emit(chat.business_id, {
            "notificationType": "CHAT_CREATED", "chatId": chat.chat_id,
            "businessId": chat.business_id, "createdAt": _utc(chat.created_at),
        })  # fmt: skip

    def message_sent(self, message: MessageRecord, business_id: int) -> None:
        if message.sender == "PARTNER" and not self.settings.notify_partner:
            return
        if not message.text and not message.files:
            return  # stickers: no push since 2026-04-03
        self._emit(business_id, {
            "notificationType": "CHAT_MESSAGE_SENT", "chatId": message.chat_id,
            "messageId": str(message.message_id), "businessId": business_id,
            "sentAt": _utc(message.created_at),
        })  # fmt: skip

    def arbitrage(self, chat: ChatRecord, *, started: bool) -> None:
        kind, stamp = (
            ("CHAT_ARBITRAGE_STARTED", "startedAt") if started
            else ("CHAT_ARBITRAGE_FINISHED", "finishedAt")
        )  # fmt: skip
        self._emit(chat.business_id, {
            "notificationType": kind, "chatId": chat.chat_id,
            "businessId": chat.business_id, stamp: _utc(self._clock()),
        })  # fmt: skip

    def ping(self, business_id: int) -> None:
        self._emit(business_id, {"notificationType": "PING", "time": _utc(self._clock())},
                   force=True)  # fmt: skip

    def _emit(self, business_id: int, body: dict[str, Any], *, force: bool = False) -> None:
        url = self.settings.urls.get(business_id)
        if url is None:
            return
        if self.settings.hold_order and not force:
            self._held.append((url, body))
            return
        for _ in range(1 + max(self.settings.duplicates, 0)):
            self._start(url, body)

    def release_held(self) -> int:
        """Send what ``hold_order`` kept back, newest first (out of order)."""
        held, self._held = self._held, []
        for url, body in reversed(held):
            for _ in range(1 + max(self.settings.duplicates, 0)):
                self._start(url, body)
        return len(held)

    # ------------------------------------------------------------ delivery

    def _start(self, url: str, body: dict[str, Any]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            log.warning("push %s dropped: no running loop", body.get("notificationType"))
            return
        self._idle.clear()
        task = loop.create_task(self._deliver(url, body))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    async def _deliver(self, url: str, body: dict[str, Any]) -> None:
        ping = body["notificationType"] == "PING"
        limit = self.settings.ping_timeout if ping else self.settings.timeout
        delays = (0.0, *self.settings.retry_delays)
        async with aiohttp.ClientSession() as session:
            for attempt, delay in enumerate(delays, start=1):
                if delay:
                    await asyncio.sleep(delay)
                if await self._attempt(session, url, body, attempt, limit):
                    return

    async def _attempt(
        self, session: aiohttp.ClientSession, url: str, body: dict[str, Any],
        attempt: int, limit: float,
    ) -> bool:  # fmt: skip
        """True when Market would stop: a valid 200, or a 400 (never retried)."""
        started = time.perf_counter()
        try:
            async with session.post(
                url, data=json.dumps(body, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=limit),
            ) as response:  # fmt: skip
                raw = await response.read()
                seconds = time.perf_counter() - started
                answer = _json(raw)
                self.deliveries.append(Delivery(body, attempt, response.status, seconds,
                                                answer=answer))  # fmt: skip
                if response.status == 400:
                    return True
                return response.status == 200 and _valid_answer(answer)
        except (TimeoutError, aiohttp.ClientError) as exc:
            seconds = time.perf_counter() - started
            self.deliveries.append(Delivery(body, attempt, None, seconds, type(exc).__name__))
            return False

    async def wait_idle(self, seconds: float = 30.0) -> None:
        """Until every queued notification is delivered or given up."""
        async with asyncio.timeout(seconds):
            await self._idle.wait()

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _valid_answer(answer: Any) -> bool:
    """``SendNotificationResponse``: version and name 1..100 characters, time a date-time."""
    if not isinstance(answer, dict):
        return False
    for name in ("version", "name"):
        value = answer.get(name)
        if not isinstance(value, str) or not 1 <= len(value) <= 100:
            return False
    moment = answer.get("time")
    if not isinstance(moment, str):
        return False
    try:
        datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
