"""Ozon push notifications: an HTTP endpoint that turns each push into an immediate poll.

Polling alone shows a buyer message within ``POLL_INTERVAL_SECONDS``; a push brings that
down to the time of one poll. Ozon signs nothing (see ``connectors/ozon/push.py``), so a push
is only a hint: it must come from an allowed network and name a registered seller, and even
then it only makes that seller's poll run now. The poll reads the REST API, which is the
truth, and ingestion is idempotent, so a forged, repeated or lost push costs at most one poll
and never injects or duplicates a message.

Ozon suspends a receiver that answers slowly (over 5 s) or with errors, so the reply is sent
at once and the poll runs in the background: at most one running and one queued per seller,
however many pushes arrive meanwhile.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from json import JSONDecodeError

from aiohttp import web

from bot.settings import IpNetwork
from connectors.ozon.push import (
    PushPayloadError,
    PushType,
    error_reply,
    ok_reply,
    parse_push,
    ping_reply,
)
from storage.database import Database

logger = logging.getLogger(__name__)

PUSH_PATH = "/ozon/push"
APP_NAME = "agentiq-chat-center"
APP_VERSION = "0.1.0"


class PollTrigger:
    """Runs a seller's poll now, coalescing pushes that arrive while one is running."""

    def __init__(self, poll: Callable[[int], Awaitable[object]]) -> None:
        self._poll = poll
        self._running: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()

    def request(self, seller_id: int) -> None:
        if seller_id in self._running:
            self._again.add(seller_id)  # one more poll after this one sees the newest
            return
        task = asyncio.create_task(self._loop(seller_id), name=f"push-poll-{seller_id}")
        self._running[seller_id] = task

    async def _loop(self, seller_id: int) -> None:
        try:
            while True:
                self._again.discard(seller_id)
                try:
                    await self._poll(seller_id)
                except Exception:  # the scheduled poll is the backstop; keep serving pushes
                    logger.exception("push-triggered poll of seller=%d failed", seller_id)
                if seller_id not in self._again:
                    return
        finally:
            self._running.pop(seller_id, None)

    async def drain(self) -> None:
        """Wait for polls in flight (shutdown, tests)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def cancel(self) -> None:
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def allowed(address: str | None, networks: Sequence[IpNetwork]) -> bool:
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class OzonPushServer:
    def __init__(
        self,
        *,
        db: Database,
        trigger: PollTrigger,
        host: str,
        port: int,
        allowed_networks: Sequence[IpNetwork],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._trigger = trigger
        self._host = host
        self._port = port
        self._networks = tuple(allowed_networks)
        self._clock = clock
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> None:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(PUSH_PATH, self.handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        logger.info("Listening for Ozon push notifications on port %d", self._port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        await self._trigger.cancel()

    async def handle(self, request: web.Request) -> web.Response:
        started = self._clock()
        if not allowed(request.remote, self._networks):
            logger.warning("push refused from a network that is not allowed")
            return web.json_response(error_reply("ERROR_UNKNOWN", "forbidden"), status=403)
        try:
            event = parse_push(await request.json())
        except (JSONDecodeError, UnicodeDecodeError, PushPayloadError) as exc:
            message = str(exc) if isinstance(exc, PushPayloadError) else "invalid JSON"
            return web.json_response(
                error_reply("ERROR_PARAMETER_VALUE_MISSED", message), status=400
            )
        if event.kind is PushType.PING:
            return web.json_response(
                ping_reply(name=APP_NAME, version=APP_VERSION, started=started)
            )
        if event.is_buyer_chat_activity and event.seller_id:
            seller = await self._db.sellers.find(marketplace="ozon", client_id=event.seller_id)
            if seller is not None and seller.state != "paused":
                self._trigger.request(seller.id)
        # Everything else (other sellers, system chats, order events) is acknowledged too:
        # an error would only make Ozon retry and eventually suspend every notification.
        return web.json_response(ok_reply())
