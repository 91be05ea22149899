"""Ozon push notifications: an HTTP endpoint that turns each push into an immediate poll.

Polling alone shows a buyer message within ``POLL_INTERVAL_SECONDS``; a push brings that
down to the time of one poll. Ozon signs nothing (see ``connectors/ozon/push.py``), so the
URL carries the secret: ``/ozon/push/<token>``, one unguessable token per seller
(``bot.sync.push_tokens``); a wrong or missing token is a 404. The sender must also come from
an allowed network (read from ``X-Forwarded-For`` only behind a trusted proxy), and even then
a push only makes that seller's poll run now, at most once per ``min_interval``. The poll
reads the REST API, which is the truth, and ingestion is idempotent, so a forged, repeated or
lost push costs at most one poll and never injects or duplicates a message.

Ozon suspends a receiver that answers slowly (over 5 s) or with errors, so the reply is sent
at once and the poll runs in the background: at most one running and one queued per seller,
however many pushes arrive meanwhile.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from json import JSONDecodeError

from aiohttp import web

from bot.settings import IpNetwork
from bot.sync.push_tokens import token_hash
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
MAX_BODY_BYTES = 256 * 1024  # a chat push is well under 4 KiB
APP_NAME = "agentiq-chat-center"
APP_VERSION = "0.1.0"


class PollTrigger:
    """Runs a seller's poll now, coalescing pushes that arrive while one is running.

    At most one triggered poll per seller per ``min_interval`` seconds: pushes that come
    sooner (a flood, or a stranger replaying a URL) are folded into one poll at the end of
    the interval, so pushes cannot spend the seller's Ozon rate limit.
    """

    def __init__(
        self,
        poll: Callable[[int], Awaitable[object]],
        *,
        min_interval: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._poll = poll
        self._running: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()
        self._min_interval = min_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._last_start: dict[int, float] = {}

    def request(self, seller_id: int) -> None:
        if seller_id in self._running:
            self._again.add(seller_id)  # one more poll after this one sees the newest
            return
        task = asyncio.create_task(self._loop(seller_id), name=f"push-poll-{seller_id}")
        self._running[seller_id] = task

    async def _loop(self, seller_id: int) -> None:
        try:
            while True:
                last = self._last_start.get(seller_id)
                if last is not None:
                    wait = last + self._min_interval - self._monotonic()
                    if wait > 0:
                        await self._sleep(wait)  # pushes meanwhile join this one poll
                self._again.discard(seller_id)
                self._last_start[seller_id] = self._monotonic()
                try:
                    await self._poll(seller_id)
                except Exception:  # the scheduled poll is the backstop; keep serving pushes
                    logger.exception("push-triggered poll of seller=%d failed", seller_id)
                if seller_id not in self._again:
                    return
        finally:
            self._running.pop(seller_id, None)

    @property
    def busy(self) -> frozenset[int]:
        """Sellers with a triggered poll running or waiting out its interval."""
        return frozenset(self._running)

    async def drain(self) -> None:
        """Wait for polls in flight (shutdown, tests)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def cancel(self) -> None:
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted_proxies: Sequence[IpNetwork]
) -> str | None:
    """Who sent the request: the TCP peer, unless the peer is a trusted proxy; then the
    nearest address in ``X-Forwarded-For`` that is not a trusted proxy (anything further
    left could be written by the client itself)."""
    if not trusted_proxies or not allowed(peer, trusted_proxies) or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not allowed(hop, trusted_proxies):
            return hop
    return hops[0] if hops else peer


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
        trusted_proxies: Sequence[IpNetwork] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._proxies = tuple(trusted_proxies)
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
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post(PUSH_PATH + "/{token}", self.handle)
        app.router.add_route("*", "/{tail:.*}", self.not_found)
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

    async def not_found(self, request: web.Request) -> web.Response:
        """No token, or a path we do not serve: the same 404 as a wrong token."""
        return web.json_response(error_reply("ERROR_UNKNOWN", "not found"), status=404)

    async def handle(self, request: web.Request) -> web.Response:
        started = self._clock()
        sender = client_address(
            request.remote, request.headers.get("X-Forwarded-For"), self._proxies
        )
        if not allowed(sender, self._networks):
            logger.warning("push refused from a network that is not allowed")
            return web.json_response(error_reply("ERROR_UNKNOWN", "forbidden"), status=403)
        seller = await self._db.sellers.find_by_push_token(
            token_hash=token_hash(request.match_info["token"])
        )
        if seller is None or seller.marketplace != "ozon" or seller.state == "removed":
            logger.warning("push with an unknown token refused")
            return await self.not_found(request)
        try:
            event = parse_push(await request.json())
        except web.HTTPRequestEntityTooLarge:
            return web.json_response(
                error_reply("ERROR_UNKNOWN", "the body is too large"), status=413
            )
        except (JSONDecodeError, UnicodeDecodeError, PushPayloadError) as exc:
            message = str(exc) if isinstance(exc, PushPayloadError) else "invalid JSON"
            return web.json_response(
                error_reply("ERROR_PARAMETER_VALUE_MISSED", message), status=400
            )
        if event.kind is PushType.PING:
            return web.json_response(
                ping_reply(name=APP_NAME, version=APP_VERSION, started=started)
            )
        # The token names the seller; a payload naming another one is not a reason to poll.
        same_seller = event.seller_id in (None, seller.client_id)
        if event.is_buyer_chat_activity and same_seller and seller.state != "paused":
            self._trigger.request(seller.id)
        # Everything else (other sellers, system chats, order events) is acknowledged too:
        # an error would only make Ozon retry and eventually suspend every notification.
        return web.json_response(ok_reply())
