"""Typed client for the Ozon Seller chat API (v3 list/history, v1 send, v2 read).

One ``OzonClient`` per process owns one long-lived ``httpx.AsyncClient`` shared by all sellers;
``for_seller`` returns a cheap per-seller view carrying the credentials. Every HTTP call goes
through ``OzonClient._request``: rate limiter, call counting, logging, error mapping and a
bounded retry loop live there and nowhere else.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random as _random
import time
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Annotated, Any, Self, TypeVar

import httpx
from pydantic import BaseModel, BeforeValidator, ConfigDict, SecretStr, ValidationError

from connectors.errors import (
    BadRequest,
    MarketplaceError,
    MarketplaceUnavailable,
    SendOutcomeUnknown,
)
from connectors.ozon.delivery import Delivery, find_sent_file, find_sent_text, looks_like_image
from connectors.ozon.errors import map_error_response
from connectors.ozon.models import (
    ChatMessage,
    ChatPage,
    DownloadedFile,
    HistoryPage,
    PostingDetails,
)
from connectors.ratelimit import RateLimiter, Sleep
from connectors.retry import (
    RandomSource,
    Retrier,
    RetryPolicy,
    Verify,
    transport_error_may_have_arrived,
)
from connectors.stats import CallStats

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# Every poll reuses a kept-alive connection: with httpx's default of 20 kept-alive
# connections, concurrent sellers beyond 20 paid a new TCP connection per request.
DEFAULT_LIMITS = httpx.Limits(
    max_connections=64, max_keepalive_connections=64, keepalive_expiry=60.0
)
LIST_CHATS = "/v3/chat/list"
HISTORY = "/v3/chat/history"
SEND_MESSAGE = "/v1/chat/send/message"
SEND_FILE = "/v1/chat/send/file"
READ = "/v2/chat/read"
START = "/v1/chat/start"
POSTING = "/v3/posting/fbs/get"
DOWNLOAD = "/v2/chat/file"  # label for stats and logs; the real path names the file
MAX_TEXT = 1000
MAX_LIST_LIMIT = 100
MAX_HISTORY_LIMIT = 1000
CLOCK_SKEW = timedelta(seconds=5)
VERIFY_HISTORY_LIMIT = 50
VERIFY_ATTEMPTS = 2

ModelT = TypeVar("ModelT", bound=BaseModel)


def _client_id(value: Any) -> Any:
    return str(value).strip() if isinstance(value, int | str) else value


class OzonCredentials(BaseModel):
    """A seller's Client-Id and Api-Key; the key is a SecretStr so reprs and logs never show it."""

    model_config = ConfigDict(frozen=True)
    client_id: Annotated[str, BeforeValidator(_client_id)]
    api_key: SecretStr


def _quiet_http_loggers() -> None:
    """httpx/httpcore log full URLs at INFO/DEBUG; keep them out of our logs."""
    for name in ("httpx", "httpcore"):
        http_logger = logging.getLogger(name)
        if http_logger.level < logging.WARNING:
            http_logger.setLevel(logging.WARNING)


def _parse(model: type[ModelT], response: httpx.Response, label: str) -> ModelT:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise MarketplaceError(f"malformed response from {label}") from exc


def _result(response: httpx.Response, label: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise MarketplaceError(f"malformed response from {label}") from exc
    if not isinstance(body, dict):
        raise MarketplaceError(f"malformed response from {label}")
    return body


class OzonClient:
    """Process-wide Ozon connector: shared HTTP pool, per-Client-Id rate limits, call stats."""

    def __init__(
        self,
        *,
        base_url: str,
        http: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | None = None,
        max_attempts: int = 4,
        rate_per_second: float = 40.0,
        limiter: RateLimiter | None = None,
        sleep: Sleep = asyncio.sleep,
        random: RandomSource = _random.random,
    ) -> None:
        """``sleep`` paces retries only (tests make it instant); the rate limiter keeps real
        time unless one is injected, so fast tests still respect Ozon's per-second limit."""
        _quiet_http_loggers()
        self._base = httpx.URL(base_url.rstrip("/"))
        self._timeout = timeout or DEFAULT_TIMEOUT
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=self._timeout, limits=DEFAULT_LIMITS)
        self._retries = Retrier(
            policy=RetryPolicy(max_attempts=max(1, max_attempts)),
            sleep=sleep,
            random=random,
            logger=logger,
        )
        self._limiter = limiter or RateLimiter(rate_per_second)
        self.calls = CallStats()

    def for_seller(self, creds: OzonCredentials) -> OzonSellerApi:
        return OzonSellerApi(self, creds)

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
        return str(self._base) + "/" + path.lstrip("/")

    def resolve_download_url(self, url: str) -> str:
        """Absolute URL on the API's own origin, or a path; refuse anything else.

        File links come from buyer-controlled message text, and the download carries the
        Api-Key, so a link to another host must never be fetched with our headers.
        """
        target = httpx.URL(url)
        if not target.scheme and not target.host:
            return self.url_for(url)
        same_origin = (
            target.scheme == self._base.scheme
            and target.host == self._base.host
            and target.port == self._base.port
        )
        if not same_origin:
            raise BadRequest("refusing to send credentials to a host other than the Ozon API")
        return str(target)

    async def _attempt(
        self,
        creds: OzonCredentials,
        *,
        method: str,
        url: str,
        label: str,
        json: dict[str, Any] | None,
        attempt: int,
    ) -> httpx.Response:
        """One HTTP exchange: wait for the rate limiter, send, map any failure."""
        client_id = creds.client_id
        await self._limiter.acquire(client_id)
        headers = {"Client-Id": client_id, "Api-Key": creds.api_key.get_secret_value()}
        request = self._http.build_request(
            method, url, json=json, headers=headers, timeout=self._timeout
        )
        self.calls.record(client_id, label)
        started = time.monotonic()
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            self.calls.finished(client_id, label, type(exc).__name__, time.monotonic() - started)
            logger.info(
                "ozon %s %s transport error %s attempt=%d client_id=%s",
                method, label, type(exc).__name__, attempt, client_id,
            )  # fmt: skip
            raise MarketplaceUnavailable(
                f"{type(exc).__name__} on {label}",
                may_have_arrived=transport_error_may_have_arrived(exc),
            ) from exc
        logger.debug(
            "ozon %s %s status=%d attempt=%d client_id=%s",
            method, label, response.status_code, attempt, client_id,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        if response.is_success:
            self.calls.finished(client_id, label, "ok", elapsed)
            return response
        error = map_error_response(response, path=label, secret=creds.api_key.get_secret_value())
        self.calls.finished(client_id, label, type(error).__name__, elapsed)
        logger.info(
            "ozon %s %s failed status=%d code=%s error=%s attempt=%d client_id=%s",
            method, label, response.status_code, error.code, type(error).__name__,
            attempt, client_id,
        )  # fmt: skip
        raise error

    async def _request(
        self,
        creds: OzonCredentials,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        url: str | None = None,
        verify: Verify | None = None,
        max_attempts: int | None = None,
    ) -> httpx.Response | None:
        """The only way to talk to Ozon: bounded retries of 429/5xx/transport errors.

        With ``verify`` (non-idempotent sends), a failure that may have reached Ozon is never
        retried blindly: after the backoff, ``verify()`` checks history. True means the send went
        through and ``None`` is returned; it raises ``SendOutcomeUnknown`` if it cannot tell.
        A Retry-After above the policy's cap is waited for as the cap, then asked again.
        """
        target = url or self.url_for(path)

        async def attempt(number: int) -> httpx.Response:
            return await self._attempt(
                creds, method=method, url=target, label=path, json=json, attempt=number
            )

        return await self._retries.call(
            attempt,
            what=f"ozon {method} {path}",
            who=f"client_id={creds.client_id}",
            verify=verify,
            max_attempts=max_attempts,
        )


class OzonSellerApi:
    """The chat API as seen by one seller; create via ``OzonClient.for_seller``."""

    def __init__(self, client: OzonClient, creds: OzonCredentials) -> None:
        self._client = client
        self._creds = creds

    @property
    def client_id(self) -> str:
        return self._creds.client_id

    async def _post(self, path: str, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        response = await self._client._request(self._creds, "POST", path, json=body, **kwargs)
        assert response is not None  # only verified sends return None
        return response

    async def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A POST whose answer is a JSON object (management methods without a model)."""
        return _result(await self._post(path, body), path)

    async def list_chats(
        self,
        *,
        cursor: str | None = None,
        limit: int = 100,
        unread_only: bool = False,
        status: str = "ALL",
    ) -> ChatPage:
        """One page of chats (``/v3/chat/list``); pass ``page.cursor`` for the next one."""
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise ValueError(f"limit must be 1..{MAX_LIST_LIMIT}")
        body: dict[str, Any] = {
            "filter": {"chat_status": status.upper(), "unread_only": unread_only},
            "limit": limit,
        }
        if cursor:
            body["cursor"] = cursor
        return _parse(ChatPage, await self._post(LIST_CHATS, body), LIST_CHATS)

    async def history(
        self,
        chat_id: str,
        *,
        direction: str = "Backward",
        from_message_id: str | None = None,
        limit: int = 100,
        message_ids: list[str] | None = None,
    ) -> HistoryPage:
        """Messages of one chat (``/v3/chat/history``), in Ozon's order for ``direction``."""
        return await self._history(
            chat_id,
            direction=direction,
            from_message_id=from_message_id,
            limit=limit,
            message_ids=message_ids,
        )

    async def _history(
        self,
        chat_id: str,
        *,
        direction: str = "Backward",
        from_message_id: str | None = None,
        limit: int = 100,
        message_ids: list[str] | None = None,
        max_attempts: int | None = None,
    ) -> HistoryPage:
        direction = direction.capitalize()
        if direction not in ("Forward", "Backward"):
            raise ValueError("direction must be Forward or Backward")
        if direction == "Forward" and from_message_id is None:
            raise ValueError("Forward history needs from_message_id")
        if not 1 <= limit <= MAX_HISTORY_LIMIT:
            raise ValueError(f"limit must be 1..{MAX_HISTORY_LIMIT}")
        body: dict[str, Any] = {"chat_id": str(chat_id), "direction": direction, "limit": limit}
        if from_message_id is not None:
            body["from_message_id"] = str(from_message_id)
        if message_ids:
            body["filter"] = {"message_ids": [str(m) for m in message_ids]}
        response = await self._post(HISTORY, body, max_attempts=max_attempts)
        return _parse(HistoryPage, response, HISTORY)

    async def _recent_messages_or_unknown(self, chat_id: str) -> list[ChatMessage]:
        try:
            page = await self._history(
                chat_id, limit=VERIFY_HISTORY_LIMIT, max_attempts=VERIFY_ATTEMPTS
            )
        except MarketplaceError as exc:
            logger.warning(
                "ozon send outcome unknown, history failed error=%s client_id=%s",
                type(exc).__name__, self.client_id,
            )  # fmt: skip
            raise SendOutcomeUnknown("send outcome unknown: history unavailable") from exc
        return page.messages

    async def send_message(self, chat_id: str, text: str) -> None:
        """Send text to the buyer, never twice (see ``OzonClient._request``)."""
        if not text.strip() or len(text) > MAX_TEXT:
            raise BadRequest(f"text length must be between 1 and {MAX_TEXT} characters")
        since = datetime.now(UTC) - CLOCK_SKEW

        async def delivered() -> bool:
            messages = await self._recent_messages_or_unknown(chat_id)
            return find_sent_text(messages, since=since, text=text) is Delivery.FOUND

        body = {"chat_id": str(chat_id), "text": text}
        await self._client._request(self._creds, "POST", SEND_MESSAGE, json=body, verify=delivered)

    async def send_file(self, chat_id: str, *, name: str, content: bytes) -> None:
        """Upload a file (base64 JSON, not multipart), never twice."""
        if not name or not content:
            raise BadRequest("file name and content are required")
        since = datetime.now(UTC) - CLOCK_SKEW
        is_image = looks_like_image(name, content)

        async def delivered() -> bool:
            messages = await self._recent_messages_or_unknown(chat_id)
            outcome = find_sent_file(messages, since=since, name=name, is_image=is_image)
            if outcome is Delivery.AMBIGUOUS:
                raise SendOutcomeUnknown("send outcome unknown: several recent images")
            return outcome is Delivery.FOUND

        body = {
            "base64_content": base64.b64encode(content).decode("ascii"),
            "chat_id": str(chat_id),
            "name": name,
        }
        await self._client._request(self._creds, "POST", SEND_FILE, json=body, verify=delivered)

    async def mark_read(self, chat_id: str, from_message_id: str) -> int:
        """Mark ``from_message_id`` and everything before it read; returns the unread left."""
        body = {"chat_id": str(chat_id), "from_message_id": str(from_message_id)}
        result = _result(await self._post(READ, body), READ)
        try:
            return int(result.get("unread_count", 0))
        except (TypeError, ValueError) as exc:
            raise MarketplaceError(f"malformed response from {READ}") from exc

    async def start_chat(self, posting_number: str) -> str:
        """Open (or get) the chat for a posting; returns its chat id."""
        result = _result(await self._post(START, {"posting_number": posting_number}), START)
        inner = result.get("result")
        chat_id = inner.get("chat_id") if isinstance(inner, dict) else None
        if not isinstance(chat_id, str | int) or isinstance(chat_id, bool) or chat_id == "":
            raise MarketplaceError(f"malformed response from {START}")
        return str(chat_id)

    async def posting(self, posting_number: str) -> PostingDetails:
        """A posting's products, status and delivery dates (``analytics_data``)."""
        body = {"posting_number": posting_number, "with": {"analytics_data": True}}
        result = _result(await self._post(POSTING, body), POSTING).get("result")
        try:
            return PostingDetails.model_validate(result)
        except ValidationError as exc:
            raise MarketplaceError(f"malformed response from {POSTING}") from exc

    async def download_file(self, url: str) -> DownloadedFile:
        """Fetch an attachment with the seller's headers; only from the API's own origin."""
        target = self._client.resolve_download_url(url)
        response = await self._client._request(self._creds, "GET", DOWNLOAD, url=target)
        assert response is not None
        content_type = response.headers.get("content-type", "application/octet-stream")
        return DownloadedFile(
            content=response.content,
            content_type=content_type.split(";")[0].strip(),
            name=_file_name(response, httpx.URL(target)),
        )

    async def check_access(self) -> None:
        """Cheapest call proving the key works and chats are allowed; raises the mapped error."""
        await self.list_chats(limit=1)


def _file_name(response: httpx.Response, url: httpx.URL) -> str:
    disposition = response.headers.get("content-disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value.strip('"'):
            return value.strip('"')
    return url.path.rstrip("/").rsplit("/", 1)[-1] or "file"
