"""The push server: Ozon's and Yandex Market's notifications, stored first, answered at once.

Polling alone shows a buyer message within ``POLL_INTERVAL_SECONDS``; a push brings that
down to the time of one API read. Neither marketplace signs anything, so the URL carries
the secret: ``/ozon/push/<token>`` and ``/ym/push/<token>`` (``…/notification`` too, as
Market's spec names the operation), one unguessable token per seller
(``bot.sync.push_tokens``); a wrong or missing token is a 404. The sender must also come
from its marketplace's networks (read from ``X-Forwarded-For`` only behind a trusted proxy).

A receiver that answers slowly is suspended (Ozon: over 5 s; Market: 10 s, PING 1 s), so the
request does one durable insert into the push inbox (``bot.sync.push_inbox``) and answers;
the work happens after, from the inbox, on whichever instance claims it. The insert is keyed
by the notification's ids, so the duplicates both marketplaces send are no-ops, and a failed
insert is answered 500 so the marketplace sends it again. Processing re-reads the API, which
is the truth, and ingestion is idempotent: a forged, repeated or lost push costs at most one
read and never injects or duplicates a message.
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
from bot.sync.push_inbox import PushInbox
from bot.sync.push_tokens import token_hash
from connectors.ozon.push import (
    PushPayloadError,
    PushType,
    error_reply,
    ok_reply,
    parse_push,
    ping_reply,
)
from connectors.yandex_market import notifications as ym
from storage.database import Database
from storage.push_inbox_repo import PushKey
from storage.records import Seller

logger = logging.getLogger(__name__)

PUSH_PATH = "/ozon/push"
YM_PUSH_PATH = "/ym/push"
OZON = "ozon"
YANDEX_MARKET = "ym"
YM_CHAT_EVENTS = frozenset(
    {
        ym.NotificationType.CHAT_CREATED,
        ym.NotificationType.CHAT_MESSAGE_SENT,
        ym.NotificationType.CHAT_ARBITRAGE_STARTED,
        ym.NotificationType.CHAT_ARBITRAGE_FINISHED,
    }
)
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
        self._waiting: dict[int, list[asyncio.Future[None]]] = {}

    def request(self, seller_id: int) -> asyncio.Future[None]:
        """Ask for a poll; the future is done when a poll that started after this request
        has finished (so the caller may mark what asked for it as handled)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(seller_id, []).append(done)
        if seller_id in self._running:
            self._again.add(seller_id)  # one more poll after this one sees the newest
            return done
        task = asyncio.create_task(self._loop(seller_id), name=f"push-poll-{seller_id}")
        self._running[seller_id] = task
        return done

    async def _loop(self, seller_id: int) -> None:
        try:
            while True:
                last = self._last_start.get(seller_id)
                if last is not None:
                    wait = last + self._min_interval - self._monotonic()
                    if wait > 0:
                        await self._sleep(wait)  # pushes meanwhile join this one poll
                self._again.discard(seller_id)
                covered = self._waiting.pop(seller_id, [])
                self._last_start[seller_id] = self._monotonic()
                try:
                    await self._poll(seller_id)
                except Exception as exc:  # the scheduled poll is the backstop
                    logger.exception("push-triggered poll of seller=%d failed", seller_id)
                    _settle(covered, exc)
                else:
                    _settle(covered, None)
                if seller_id not in self._again:
                    return
        finally:
            self._running.pop(seller_id, None)
            if seller_id not in self._running:
                _settle(self._waiting.pop(seller_id, []), asyncio.CancelledError())

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


def _settle(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in futures:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        elif isinstance(error, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(error)


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


class PushServer:
    def __init__(
        self,
        *,
        db: Database,
        inbox: PushInbox,
        host: str,
        port: int,
        allowed_networks: Sequence[IpNetwork],
        ym_networks: Sequence[IpNetwork] = (),
        trusted_proxies: Sequence[IpNetwork] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._proxies = tuple(trusted_proxies)
        self._db = db
        self._inbox = inbox
        self._host = host
        self._port = port
        self._networks = {OZON: tuple(allowed_networks), YANDEX_MARKET: tuple(ym_networks)}
        self._clock = clock
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post(PUSH_PATH + "/{token}", self.handle_ozon)
        app.router.add_post(YM_PUSH_PATH + "/{token}", self.handle_ym)
        app.router.add_post(YM_PUSH_PATH + "/{token}/notification", self.handle_ym)
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
        logger.info("Listening for push notifications on port %d", self._port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def not_found(self, request: web.Request) -> web.Response:
        """No token, or a path we do not serve: the same 404 as a wrong token."""
        if request.path.startswith(YM_PUSH_PATH):
            return web.json_response(ym.error_reply(ym.ErrorType.UNKNOWN, "not found"), status=404)
        return web.json_response(error_reply("ERROR_UNKNOWN", "not found"), status=404)

    async def _seller(self, request: web.Request, marketplace: str) -> Seller | None:
        """The token's seller when the sender may push for it; None answers 403/404."""
        sender = client_address(
            request.remote, request.headers.get("X-Forwarded-For"), self._proxies
        )
        if not allowed(sender, self._networks[marketplace]):
            logger.warning("%s push refused from a network that is not allowed", marketplace)
            raise _Refused(403, "forbidden")
        seller = await self._db.sellers.find_by_push_token(
            token_hash=token_hash(request.match_info["token"])
        )
        if seller is None or seller.marketplace != marketplace or seller.state == "removed":
            logger.warning("%s push with an unknown token refused", marketplace)
            raise _Refused(404, "not found")
        return seller

    async def _store(self, key: PushKey, seller: Seller) -> bool:
        """The one durable step before answering; False when the database failed."""
        try:
            await self._inbox.store(key, seller_id=seller.id)
        except Exception:  # answered 500: the marketplace sends the notification again
            logger.exception("push of seller=%d not stored", seller.id)
            return False
        return True

    async def handle_ozon(self, request: web.Request) -> web.Response:
        started = self._clock()
        try:
            seller = await self._seller(request, OZON)
        except _Refused as refused:
            return web.json_response(
                error_reply("ERROR_UNKNOWN", refused.message), status=refused.status
            )
        assert seller is not None
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
            key = PushKey(
                marketplace=OZON,
                account=seller.client_id,
                kind=str(event.kind),
                chat_id=event.chat_id or "",
                event_key=event.event_key,
            )
            if not await self._store(key, seller):
                return web.json_response(
                    error_reply("ERROR_UNKNOWN", "try again later"), status=500
                )
        # Everything else (other sellers, system chats, order events) is acknowledged too:
        # an error would only make Ozon retry and eventually suspend every notification.
        return web.json_response(ok_reply())

    async def handle_ym(self, request: web.Request) -> web.Response:
        started = self._clock()
        try:
            seller = await self._seller(request, YANDEX_MARKET)
        except _Refused as refused:
            return web.json_response(
                ym.error_reply(ym.ErrorType.UNKNOWN, refused.message), status=refused.status
            )
        assert seller is not None
        try:
            event = ym.parse_notification(await request.json())
        except web.HTTPRequestEntityTooLarge:
            return web.json_response(
                ym.error_reply(ym.ErrorType.WRONG_EVENT_FORMAT, "the body is too large"),
                status=413,
            )
        except (JSONDecodeError, UnicodeDecodeError, ym.NotificationError) as exc:
            message = str(exc) if isinstance(exc, ym.NotificationError) else "invalid JSON"
            return web.json_response(
                ym.error_reply(ym.ErrorType.WRONG_EVENT_FORMAT, message), status=400
            )
        answer = ym.ok_reply(name=APP_NAME, version=APP_VERSION, started=started)
        kind = event.kind
        same_cabinet = str(event.business_id) == seller.client_id
        if kind in YM_CHAT_EVENTS and same_cabinet and seller.state != "paused":
            key = PushKey(
                marketplace=YANDEX_MARKET,
                account=seller.client_id,
                kind=str(kind),
                chat_id=str(event.chat_id),
                event_key=event.event_key,
            )
            if not await self._store(key, seller):
                return web.json_response(
                    ym.error_reply(ym.ErrorType.UNKNOWN, "try again later"), status=500
                )
        # PING, order/review/question types and other cabinets: acknowledged, nothing to do.
        return web.json_response(answer)


#: Kept for callers of the Ozon-only name.
OzonPushServer = PushServer


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def push_path(marketplace: str, token: str) -> str:
    """The secret path a marketplace posts to (Market's with the spec's ``/notification``)."""
    if marketplace == YANDEX_MARKET:
        return f"{YM_PUSH_PATH}/{token}/notification"
    return f"{PUSH_PATH}/{token}"
