"""A process-wide role that one instance plays at a time, moving when its holder dies.

Telegram allows one long poller per bot; the SLA tick and the queue board must not run
twice. Each such role is a PostgreSQL advisory lock (``storage.leader_repo``): the holder
plays it and checks every few seconds that its lock's connection is still there; every
other instance asks for the lock as often, so a killed holder's role is taken over within
``retry_seconds`` of PostgreSQL noticing the dead connection.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.outbox.loop import KickableLoop
from storage.leader_repo import LeaderRepo, RoleLock

logger = logging.getLogger(__name__)

#: The roles' lock keys (second half of the advisory lock; see ``ROLE_NAMESPACE``).
ROLE_TELEGRAM_INTAKE = 1
ROLE_PERIODIC = 2

RETRY_SECONDS = 3.0

Hook = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


class Leadership:
    """Plays ``on_gain``/``on_lose`` as the role comes and goes; ``held`` says whether this
    process has it now (checked by jobs that must run on the leader only)."""

    def __init__(
        self,
        *,
        name: str,
        key: int,
        repo: LeaderRepo,
        on_gain: Hook = _nothing,
        on_lose: Hook = _nothing,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self._name = name
        self._key = key
        self._repo = repo
        self._on_gain = on_gain
        self._on_lose = on_lose
        self._lock: RoleLock | None = None
        self._loop = KickableLoop(
            name=f"leader-{name}", round=self._check, idle_seconds=retry_seconds
        )

    @property
    def held(self) -> bool:
        return self._lock is not None

    async def start(self) -> None:
        """Ask once now (a single instance leads from its first second), then keep asking."""
        if self._loop.running:
            return
        await self._attempt()
        await self._loop.start()

    async def stop(self) -> None:
        """Stop playing the role and hand it over at once (graceful stop)."""
        await self._loop.stop()
        lock, self._lock = self._lock, None
        if lock is not None:
            try:
                await self._on_lose()
            finally:
                await lock.release()
                logger.info("gave up the %s role", self._name)

    async def stop_abruptly(self) -> None:
        """As a crash would: no hand-over hook; the lock dies with its connection."""
        await self._loop.stop()
        lock, self._lock = self._lock, None
        if lock is not None:
            await lock.kill()

    async def _check(self) -> int:
        """One look every ``retry_seconds`` (the worker loop's idle time): ask for the role,
        or check that its lock still holds. Returns 0: the loop always idles in between."""
        if self._lock is None:
            await self._attempt()
        elif not await self._lock.alive():
            await self._lost()
        return 0

    async def _attempt(self) -> None:
        try:
            lock = await self._repo.try_take(self._key)
        except Exception as exc:  # the database is away: ask again later
            logger.warning("could not ask for the %s role (%s)", self._name, type(exc).__name__)
            return
        if lock is None:
            return
        self._lock = lock
        logger.info("took the %s role", self._name)
        try:
            await self._on_gain()
        except Exception:
            logger.exception("starting the %s role failed; handing it over", self._name)
            await self._lost()

    async def _lost(self) -> None:
        lock, self._lock = self._lock, None
        logger.warning("lost the %s role (its database connection is gone)", self._name)
        try:
            await self._on_lose()
        except Exception:
            logger.exception("stopping the %s role failed", self._name)
        if lock is not None:
            await lock.kill()
