"""Typed client for Yandex Market's chat API (Partner API v2), plus the key and cabinet calls.

One ``YandexMarketClient`` per process owns one ``httpx.AsyncClient`` shared by all sellers;
``for_seller(api_key, business_id)`` returns a cheap per-cabinet view. Every HTTP call goes
through ``YandexMarketClient._request``: the hourly budget and the in-flight slot
(``limits.py``), call counting, logging and error mapping live there and nowhere else; its
retries are the shared loop of every connector (``connectors.retry.Retrier``).

Retries: 5xx and transport failures per ``connectors/retry.py``; a 420 for the parallel cap
after a short pause; a 420 for an hourly budget is never waited out inside a call (the
budget refuses further calls locally until the reset). Other 4xx are never retried: Yandex
counts them against the quota. A send is never repeated once it may have reached Yandex:
it returns no message id, so only history can tell, and the caller gets
``SendOutcomeUnknown``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random as _random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from connectors.errors import (
    AuthFailed,
    BadRequest,
    MarketplaceError,
    MarketplaceUnavailable,
    TokenScopeMissing,
)
from connectors.retry import (
    RandomSource,
    Retrier,
    RetryPolicy,
    transport_error_may_have_arrived,
)
from connectors.stats import CallStats
from connectors.yandex_market.errors import (
    ReadOnlyKey,
    YmRateLimited,
    map_error_response,
    parse_until,
)
from connectors.yandex_market.limits import CabinetLimits, Resource
from connectors.yandex_market.models import (
    Business,
    BusinessOrder,
    Chat,
    ChatMessage,
    ChatsPage,
    ChatStatus,
    ChatType,
    ContextType,
    Download,
    HistoryPage,
    TokenInfo,
)
from connectors.yandex_market.rules import check_file, check_text

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.partner.market.yandex.ru"
#: Yandex asks for generous timeouts (short ones show up on its side as 499s).
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
SEND_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_LIMITS = httpx.Limits(
    max_connections=64, max_keepalive_connections=64, keepalive_expiry=60.0
)
CHATS_PAGE = 20  # getChats: limit 1..20
HISTORY_PAGE = 100  # getChatHistory: limit 1..100
CAMPAIGNS_PAGE = 100
#: Hosts a buyer's file may be fetched from with the seller's key (beside the API's own).
FILE_HOSTS = ("files.messenger.yandex.net",)
FILE_HOST_SUFFIXES = (".yandex.net", ".yandex.ru")

TOKEN = "/v2/auth/token"
CAMPAIGNS = "/v2/campaigns"
BUSINESS = "/v2/businesses/{business}"
CHATS = "/chats"
CHAT = "/chat"
HISTORY = "/chats/history"
MESSAGE = "/chats/message"
FILE_SEND = "/chats/file/send"
NEW_CHAT = "/chats/new"
#: getBusinessOrders; replaces the deprecated ``GET /v2/campaigns/{campaignId}/orders/{orderId}``.
ORDERS = "/v1/businesses/{business}/orders"

Clock = Callable[[], datetime]


def _quiet_http_loggers() -> None:
    """httpx/httpcore log full URLs at INFO/DEBUG; keep them out of our logs."""
    for name in ("httpx", "httpcore"):
        http_logger = logging.getLogger(name)
        if http_logger.level < logging.WARNING:
            http_logger.setLevel(logging.WARNING)


def _hourly_budget(exc: MarketplaceError) -> bool:
    """A 420 for an hourly budget is not waited out inside a call: the budget refuses
    further calls locally until its reset (only the parallel cap's 420 is retried)."""
    return isinstance(exc, YmRateLimited) and not exc.parallel


def _now() -> datetime:
    return datetime.now(UTC)


def _result(response: httpx.Response, label: str) -> Any:
    """``result`` of ``{"status": "OK", "result": …}``; None when the call returns none."""
    try:
        body = response.json()
    except ValueError as exc:
        raise MarketplaceError(f"malformed response from {label}") from exc
    if not isinstance(body, dict) or body.get("status", "OK") != "OK":
        raise MarketplaceError(f"malformed response from {label}")
    return body.get("result")


def _model(model: type[BaseModel], data: Any, label: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MarketplaceError(f"malformed response from {label}") from exc


def _next_token(result: dict[str, Any]) -> str | None:
    paging = result.get("paging")
    token = paging.get("nextPageToken") if isinstance(paging, dict) else None
    return token if isinstance(token, str) and token else None


def key_fingerprint(api_key: str) -> str:
    """Secret-free name of a key for logs and key-level budgets."""
    return "key-" + hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class _Cabinet:
    api_key: SecretStr
    business_id: int | None
    fingerprint: str

    @property
    def account(self) -> str:
        """The cabinet as stats, budgets and slots know it: its businessId, else the key."""
        return str(self.business_id) if self.business_id is not None else self.fingerprint


@dataclass(frozen=True, slots=True)
class AccessReport:
    """What ``check`` learned: the key's name and scopes and the cabinets it reaches."""

    key_name: str
    scopes: frozenset[str]
    businesses: tuple[Business, ...]


class YandexMarketClient:
    """Process-wide YM connector: shared HTTP pool, per-cabinet limits, call stats."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | None = None,
        send_timeout: httpx.Timeout | None = None,
        max_attempts: int = 4,
        concurrency: int = 3,
        limits: CabinetLimits | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        random: RandomSource = _random.random,
        clock: Clock = _now,
    ) -> None:
        """``sleep`` paces retries; ``clock`` judges budget resets (both injectable)."""
        _quiet_http_loggers()
        self._base = base_url.rstrip("/")
        self._host = urlsplit(self._base).hostname or ""
        self._timeout = timeout or DEFAULT_TIMEOUT
        self._send_timeout = send_timeout or SEND_TIMEOUT
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=self._timeout, limits=DEFAULT_LIMITS)
        self._retries = Retrier(
            policy=RetryPolicy(max_attempts=max(1, max_attempts)),
            sleep=sleep,
            random=random,
            logger=logger,
            gives_up=_hourly_budget,
        )
        self._clock = clock
        self.limits = limits or CabinetLimits(concurrency=concurrency, clock=clock)
        self.calls = CallStats()

    def for_seller(
        self, api_key: SecretStr | str, business_id: int | str | None = None
    ) -> YandexMarketSellerApi:
        secret = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        raw = secret.get_secret_value().strip()
        business = int(business_id) if business_id not in (None, "") else None
        cabinet = _Cabinet(SecretStr(raw), business, key_fingerprint(raw))
        return YandexMarketSellerApi(self, cabinet)

    async def aclose(self) -> None:
        """Close the HTTP pool if we created it; an injected client belongs to its creator."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def url_for(self, path: str) -> str:
        return self._base + "/" + path.lstrip("/")

    def may_fetch(self, url: str) -> bool:
        """Only Yandex's own hosts (and the API's) ever see the seller's key."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return False
        if host == self._host:
            return True
        return parts.scheme == "https" and (
            host in FILE_HOSTS or any(host.endswith(s) for s in FILE_HOST_SUFFIXES)
        )

    def _observe(self, cabinet: _Cabinet, resource: Resource, response: httpx.Response) -> None:
        def number(name: str) -> int | None:
            value = response.headers.get(name, "").strip()
            return int(value) if value.isdigit() else None

        self.limits.observe(
            cabinet.account,
            resource,
            limit=number("x-ratelimit-resource-limit"),
            remaining=number("x-ratelimit-resource-remaining"),
            until=parse_until(response.headers.get("x-ratelimit-resource-until")),
        )

    async def _attempt(
        self,
        cabinet: _Cabinet,
        request: httpx.Request,
        *,
        resource: Resource,
        label: str,
        attempt: int,
    ) -> httpx.Response:
        """One HTTP exchange: spend the budget, take a slot, send, map any failure."""
        self.limits.take(cabinet.account, resource)
        started = self._clock()
        async with self.limits.slot(cabinet.account):
            self.calls.record(cabinet.account, label)
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                logger.info(
                    "ym %s %s transport error %s attempt=%d cabinet=%s",
                    request.method, label, type(exc).__name__, attempt, cabinet.account,
                )  # fmt: skip
                self._finished(cabinet, label, type(exc).__name__, started)
                raise MarketplaceUnavailable(
                    f"{type(exc).__name__} on {label}",
                    may_have_arrived=transport_error_may_have_arrived(exc),
                ) from exc
        self._observe(cabinet, resource, response)
        if response.is_success:
            self._finished(cabinet, label, "ok", started)
            return response
        error = map_error_response(
            response, secret=cabinet.api_key.get_secret_value(), now=self._clock()
        )
        self._finished(cabinet, label, type(error).__name__, started)
        if isinstance(error, YmRateLimited) and not error.parallel:
            error.resource = resource.value
            self.limits.exhaust(
                cabinet.account,
                resource,
                parse_until(response.headers.get("x-ratelimit-resource-until")),
            )
        logger.info(
            "ym %s %s failed status=%d error=%s attempt=%d cabinet=%s",
            request.method, label, response.status_code, type(error).__name__, attempt,
            cabinet.account,
        )  # fmt: skip
        raise error

    def _finished(self, cabinet: _Cabinet, label: str, outcome: str, started: datetime) -> None:
        seconds = max((self._clock() - started).total_seconds(), 0.0)
        self.calls.finished(cabinet.account, label, outcome, seconds)

    async def _request(
        self,
        cabinet: _Cabinet,
        method: str,
        path: str,
        *,
        resource: Resource,
        label: str,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        files: list[tuple[str, Any]] | None = None,
        repeatable: bool = True,
        url: str | None = None,
    ) -> httpx.Response:
        """The only way to talk to Yandex Market: bounded retries of 5xx, transport errors
        and the parallel-cap 420.

        A call that is not ``repeatable`` (a send) is retried only after failures that prove
        Yandex did not act (a 420, a refused connection); any other failure that may have
        reached Yandex becomes ``SendOutcomeUnknown``.
        """

        async def attempt(number: int) -> httpx.Response:
            request = self._http.build_request(
                method,
                url or self.url_for(path),
                params=params,
                json=json_body,
                files=files,
                headers={"Api-Key": cabinet.api_key.get_secret_value()},
                timeout=self._send_timeout if files is not None else self._timeout,
            )
            return await self._attempt(
                cabinet, request, resource=resource, label=label, attempt=number
            )

        return await self._retries.call(
            attempt,
            what=f"ym {method} {label}",
            who=f"cabinet={cabinet.account}",
            repeatable=repeatable,
        )


class YandexMarketSellerApi:
    """The chat API as one cabinet sees it; create via ``YandexMarketClient.for_seller``."""

    def __init__(self, client: YandexMarketClient, cabinet: _Cabinet) -> None:
        self._client = client
        self._cabinet = cabinet

    @property
    def account(self) -> str:
        """Secret-free id for logs and stats: the businessId (else the key's fingerprint)."""
        return self._cabinet.account

    @property
    def business_id(self) -> int | None:
        return self._cabinet.business_id

    def budget(self, resource: Resource) -> Any:
        """The cabinet's hourly bucket for ``resource`` (a ``BudgetView``)."""
        return self._client.limits.view(self._cabinet.account, resource)

    def _path(self, tail: str) -> str:
        if self._cabinet.business_id is None:
            raise BadRequest("a chat call needs the cabinet's businessId")
        return BUSINESS.format(business=self._cabinet.business_id) + tail

    async def _call(
        self,
        method: str,
        tail: str,
        resource: Resource,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        files: list[tuple[str, Any]] | None = None,
        repeatable: bool = True,
    ) -> httpx.Response:
        return await self._client._request(
            self._cabinet,
            method,
            self._path(tail),
            resource=resource,
            label=tail,
            params=params,
            json_body=json_body,
            files=files,
            repeatable=repeatable,
        )

    # ------------------------------------------------------------ key and cabinets

    async def token_info(self) -> TokenInfo:
        """``POST /v2/auth/token``: the key's name and scopes (Api-Key tokens only)."""
        response = await self._client._request(
            self._cabinet, "POST", TOKEN, resource=Resource.TOKEN, label=TOKEN
        )
        result = _result(response, TOKEN)
        api_key = result.get("apiKey") if isinstance(result, dict) else None
        if not isinstance(api_key, dict):
            raise MarketplaceError(f"malformed response from {TOKEN}")
        scopes = api_key.get("authScopes") or []
        return TokenInfo(
            name=str(api_key.get("name") or ""),
            scopes=frozenset(str(s).upper() for s in scopes if isinstance(s, str)),
        )

    async def businesses(self) -> list[Business]:
        """The cabinets the key reaches, from its campaigns (stores), in first-seen order."""
        found: dict[int, tuple[str, list[int]]] = {}
        token: str | None = None
        while True:
            params = {"limit": str(CAMPAIGNS_PAGE)}
            if token:
                params["page_token"] = token
            response = await self._client._request(
                self._cabinet, "GET", CAMPAIGNS, resource=Resource.CAMPAIGNS, label=CAMPAIGNS,
                params=params,
            )  # fmt: skip
            body = response.json() if response.content else {}
            # getCampaigns is one of the old methods that answer without the wrapper.
            result = body.get("result", body) if isinstance(body, dict) else {}
            for campaign in result.get("campaigns") or []:
                business = campaign.get("business") if isinstance(campaign, dict) else None
                if not isinstance(business, dict) or not str(business.get("id", "")).isdigit():
                    continue
                _, campaigns = found.setdefault(
                    int(business["id"]), (str(business.get("name") or ""), [])
                )
                if str(campaign.get("id", "")).isdigit():
                    campaigns.append(int(campaign["id"]))
            next_token = _next_token(result)
            if not next_token or next_token == token:
                break
            token = next_token
        return [
            Business(business_id=bid, name=name, campaign_ids=tuple(ids))
            for bid, (name, ids) in found.items()
        ]

    async def check(self) -> AccessReport:
        """The key may read *and* send chats, and reaches this cabinet (when one is set).

        Raises ``TokenScopeMissing`` for a key without chat scopes, ``ReadOnlyKey`` for one
        that can read but not answer, ``AuthFailed("bad_client_id")`` when the cabinet is
        not among the key's.
        """
        info = await self.token_info()
        if not info.can_read:
            raise TokenScopeMissing(
                "the key has neither COMMUNICATION nor ALL_METHODS scope", status=403
            )
        if not info.can_send:
            raise ReadOnlyKey("the key is read-only: replies could not be sent", status=403)
        businesses = tuple(await self.businesses())
        wanted = self._cabinet.business_id
        if wanted is not None and all(b.business_id != wanted for b in businesses):
            raise AuthFailed("bad_client_id", f"the key does not reach cabinet {wanted}")
        return AccessReport(key_name=info.name, scopes=info.scopes, businesses=businesses)

    # ------------------------------------------------------------ orders

    async def order(self, order_id: int) -> BusinessOrder | None:
        """``POST /v1/businesses/{businessId}/orders`` for one order (what a chat's topic
        header shows); None when the cabinet has no such order. Its answer is not wrapped
        in ``result``."""
        if self._cabinet.business_id is None:
            raise BadRequest("an order call needs the cabinet's businessId")
        path = ORDERS.format(business=self._cabinet.business_id)
        response = await self._client._request(
            self._cabinet,
            "POST",
            path,
            resource=Resource.ORDERS,
            label=ORDERS,
            json_body={"orderIds": [int(order_id)]},
        )
        try:
            body = response.json()
        except ValueError as exc:
            raise MarketplaceError(f"malformed response from {ORDERS}") from exc
        orders = body.get("orders") if isinstance(body, dict) else None
        if not isinstance(orders, list):
            raise MarketplaceError(f"malformed response from {ORDERS}")
        found: list[BusinessOrder] = [_model(BusinessOrder, item, ORDERS) for item in orders]
        return next((o for o in found if o.order_id == int(order_id)), None)

    # ------------------------------------------------------------ chats

    async def chats(
        self,
        *,
        statuses: Sequence[ChatStatus] = (),
        types: Sequence[ChatType] = (),
        context_types: Sequence[ContextType] = (),
        page_token: str | None = None,
        limit: int = CHATS_PAGE,
    ) -> ChatsPage:
        """One page of ``POST /chats`` (filters optional; an empty body lists everything)."""
        body: dict[str, Any] = {}
        if statuses:
            body["statuses"] = list(dict.fromkeys(s.value for s in statuses))
        if types:
            body["types"] = list(dict.fromkeys(t.value for t in types))
        if context_types:
            body["contextTypes"] = list(dict.fromkeys(c.value for c in context_types))
        params = {"limit": str(max(1, min(limit, CHATS_PAGE)))}
        if page_token:
            params["page_token"] = page_token
        response = await self._call("POST", CHATS, Resource.CHATS, params=params, json_body=body)
        result = _result(response, CHATS) or {}
        page: ChatsPage = _model(
            ChatsPage,
            {"chats": result.get("chats"), "next_page_token": _next_token(result)},
            CHATS,
        )
        return page

    async def chat(self, chat_id: int) -> Chat:
        """``GET /chat``: one chat (1,000/h: meant for once per ``CHAT_CREATED`` push)."""
        response = await self._call("GET", CHAT, Resource.CHAT, params={"chatId": str(chat_id)})
        chat: Chat = _model(Chat, _result(response, CHAT), CHAT)
        return chat

    async def history(
        self,
        chat_id: int,
        *,
        message_id_from: int | None = None,
        page_token: str | None = None,
        limit: int = HISTORY_PAGE,
    ) -> HistoryPage:
        """One page of ``POST /chats/history`` from ``message_id_from`` (inclusive or not:
        undocumented; callers dedupe by id)."""
        params = {"chatId": str(chat_id), "limit": str(max(1, min(limit, HISTORY_PAGE)))}
        if page_token:
            params["page_token"] = page_token
        body: dict[str, Any] = {}
        if message_id_from is not None:
            body["messageIdFrom"] = int(message_id_from)
        response = await self._call(
            "POST", HISTORY, Resource.HISTORY, params=params, json_body=body
        )
        result = _result(response, HISTORY) or {}
        page: HistoryPage = _model(
            HistoryPage,
            {
                "context": result.get("context") or {},
                "messages": result.get("messages"),
                "next_page_token": _next_token(result),
            },
            HISTORY,
        )
        return page

    async def message(self, chat_id: int, message_id: int) -> ChatMessage:
        """``GET /chats/message``: one message (1,000/h, the tightest budget)."""
        params = {"chatId": str(chat_id), "messageId": str(int(message_id))}
        response = await self._call("GET", MESSAGE, Resource.MESSAGE, params=params)
        item: ChatMessage = _model(ChatMessage, _result(response, MESSAGE), MESSAGE)
        return item

    async def send_message(self, chat_id: int, text: str) -> None:
        """Send a text once (1..4096 characters, checked first). ``SendOutcomeUnknown``
        means Yandex may have stored it: look in history before sending again."""
        body = check_text(text)
        await self._call(
            "POST", MESSAGE, Resource.SEND_TEXT, params={"chatId": str(chat_id)},
            json_body={"message": body}, repeatable=False,
        )  # fmt: skip

    async def send_file(
        self, chat_id: int, *, name: str, content: bytes, content_type: str
    ) -> None:
        """Send one file (≤ 5 MB, checked first) once; same outcome rule as a text."""
        checked = check_file(name, content)
        await self._call(
            "POST", FILE_SEND, Resource.SEND_FILE, params={"chatId": str(chat_id)},
            files=[("file", (checked, content, content_type))], repeatable=False,
        )  # fmt: skip

    async def create_chat(self, context_type: ContextType, context_id: int) -> int:
        """``POST /chats/new`` for an ORDER or RETURN (idempotent by context); DIRECT chats
        are started by buyers only."""
        if context_type not in (ContextType.ORDER, ContextType.RETURN):
            raise BadRequest("only ORDER and RETURN chats can be started by the seller")
        response = await self._call(
            "POST", NEW_CHAT, Resource.NEW_CHAT,
            json_body={"context": {"type": context_type.value, "id": int(context_id)}},
            repeatable=False,
        )  # fmt: skip
        result = _result(response, NEW_CHAT)
        if not isinstance(result, dict) or not str(result.get("chatId", "")).isdigit():
            raise MarketplaceError(f"malformed response from {NEW_CHAT}")
        return int(result["chatId"])

    async def download(self, url: str) -> Download:
        """A buyer's file (``payload[].url``), fetched with the key; only Yandex's hosts."""
        if not self._client.may_fetch(url):
            raise BadRequest("the file is not on a Yandex host; not fetched with the key")
        response = await self._client._request(
            self._cabinet, "GET", "", resource=Resource.DOWNLOAD, label="file", url=url
        )
        content_type = response.headers.get("content-type", "application/octet-stream")
        return Download(
            content=response.content,
            content_type=content_type.split(";")[0].strip(),
            name=_file_name(response),
        )


def _file_name(response: httpx.Response) -> str | None:
    """The name from ``Content-Disposition``: RFC 5987 ``filename*`` first, then ``filename``."""
    plain: str | None = None
    for part in response.headers.get("content-disposition", "").split(";"):
        key, _, value = part.strip().partition("=")
        key = key.lower()
        if key == "filename*" and "''" in value:
            charset, _, encoded = value.partition("''")
            decoded = unquote(encoded.strip('"'), encoding=charset or "utf-8", errors="replace")
            if decoded:
                return decoded
        elif key == "filename" and value.strip('"'):
            plain = value.strip('"')
    return plain
