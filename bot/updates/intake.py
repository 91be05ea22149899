"""Long polling that loses nothing: fetch, store durably, and only then move the offset.

Telegram forgets an update once a getUpdates call carries an offset above it, so the
offset advances only after the batch is committed; the next getUpdates confirms it. A
crash anywhere in between makes Telegram deliver the batch again, and the store ignores
what it already has. Storing (:meth:`Intake.accept`) is apart from fetching, so a webhook
can insert and then answer 200 the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramConflictError, TelegramUnauthorizedError
from aiogram.methods import GetUpdates

from bot.retry import backoff
from bot.updates.keys import chat_key
from bot.updates.seal import UpdateSeal
from storage.update_repo import IncomingUpdate, UpdateRepo

logger = logging.getLogger(__name__)

FETCH_BACKOFF_BASE = timedelta(seconds=0.5)
FETCH_BACKOFF_CAP = timedelta(seconds=30)


def to_incoming(raw: dict[str, Any], seal: UpdateSeal) -> IncomingUpdate:
    return IncomingUpdate(
        update_id=int(raw["update_id"]), chat_key=chat_key(raw), payload=seal.seal(raw)
    )


class Intake:
    """Fetches updates with getUpdates and stores each batch before confirming it."""

    def __init__(
        self,
        *,
        bot: Bot,
        repo: UpdateRepo,
        seal: UpdateSeal,
        allowed_updates: Sequence[str],
        on_stored: Callable[[], None],
        polling_timeout: int = 10,
        conflict_retries: int = 0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._bot = bot
        self._repo = repo
        self._seal = seal
        self._allowed = list(allowed_updates)
        self._on_stored = on_stored
        self._timeout = polling_timeout
        self._sleep = sleep
        # With several instances a 409 can be the handover itself (the previous poller has
        # not noticed it lost the role yet): only a conflict that lasts means a stranger.
        self._conflict_retries = conflict_retries
        self.stopped_reason: str | None = None
        self.last_beat = time.monotonic()  # each getUpdates round (for /healthz)

    async def accept(self, raws: Sequence[dict[str, Any]]) -> int:
        """Store updates durably (one transaction) and wake the processor; returns how
        many were new. Raises when the store failed: then nothing may be confirmed."""
        stored = await self._repo.store([to_incoming(raw, self._seal) for raw in raws])
        self._on_stored()
        return stored

    async def run(self) -> None:
        """Poll until cancelled, or until Telegram says this bot may not poll (409/401)."""
        offset: int | None = None
        failures = 0
        conflicts = 0
        request_timeout = int(self._bot.session.timeout + self._timeout)
        while True:
            self.last_beat = time.monotonic()
            call = GetUpdates(offset=offset, timeout=self._timeout, allowed_updates=self._allowed)
            try:
                updates = await self._bot(call, request_timeout=request_timeout)
            except TelegramConflictError as exc:
                if "webhook" in exc.message.lower():
                    # Webhook mode before: polling again takes the updates back from it
                    # (deleteWebhook keeps those Telegram still holds).
                    failures += await self._delete_webhook(failures)
                    continue
                conflicts += 1
                if conflicts > self._conflict_retries:
                    self._stop("another process is polling this bot token (409 Conflict)")
                    return
                await self._back_off("getUpdates conflicted", exc, conflicts)
                continue
            except TelegramUnauthorizedError:
                self._stop("Telegram rejected the bot token (401 Unauthorized)")
                return
            except Exception as exc:  # the network may fail in any way; retry
                failures += 1
                await self._back_off("getUpdates failed", exc, failures)
                continue
            conflicts = 0
            if not updates:
                failures = 0
                continue
            raws = [u.model_dump(mode="json", exclude_unset=True, by_alias=True) for u in updates]
            try:
                await self.accept(raws)
            except Exception as exc:  # the offset stays: Telegram redelivers
                failures += 1
                await self._back_off("storing updates failed", exc, failures)
                continue
            failures = 0
            offset = max(u.update_id for u in updates) + 1

    async def _delete_webhook(self, failures: int) -> int:
        """Returns 1 when it failed (the caller backs off), 0 when the webhook is gone."""
        try:
            await self._bot.delete_webhook()
        except Exception as exc:  # the network may fail in any way; retry
            await self._back_off("deleteWebhook failed", exc, failures + 1)
            return 1
        logger.info("Deleted the webhook left from webhook mode; receiving by long polling")
        return 0

    def _stop(self, reason: str) -> None:
        self.stopped_reason = reason
        logger.error("Stopped receiving Telegram updates: %s", reason)

    async def _back_off(self, what: str, exc: Exception, failures: int) -> None:
        delay = backoff(failures, base=FETCH_BACKOFF_BASE, cap=FETCH_BACKOFF_CAP).total_seconds()
        logger.warning("%s (%s); retry %d in %.1f s", what, type(exc).__name__, failures, delay)
        await self._sleep(delay)
