"""Typed client for Wildberries' buyer-chat API: chats, events, send (multipart), download.

One ``WildberriesClient`` per process owns one ``httpx.AsyncClient`` shared by all sellers;
``for_seller(token)`` returns a cheap per-seller view. Every HTTP call goes through
``WildberriesClient._request``: expiry pre-check, rate budget, call counting, logging, error
mapping and a bounded retry loop live there and nowhere else.

WB allows 10 requests per 10 s per seller for all four methods together, also stated as a
bucket refilling one per second with a burst of 10. The client keeps to the stricter reading
(at most 10 in any 10.5 s window), which satisfies both. A send is never
repeated once it may have reached WB (lost response, timeout, 5xx): WB returns no message id,
so only the events stream can tell, and the caller is told with ``SendOutcomeUnknown``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random as _random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import quote, unquote

import httpx
from pydantic import BaseModel, SecretStr, TypeAdapter, ValidationError

from connectors.errors import (
    AttachmentNotReady,
    AuthFailed,
    BadRequest,
    MarketplaceError,
    MarketplaceUnavailable,
    TokenExpired,
    TokenRateTooLow,
)
from connectors.ratelimit import Limiter, Sleep, WindowLimiter
from connectors.retry import (
    RandomSource,
    Retrier,
    RetryPolicy,
    transport_error_may_have_arrived,
)
from connectors.stats import CallStats
from connectors.wildberries.errors import WbRateLimited, header_int, map_error_response
from connectors.wildberries.models import Chat, Download, EventsPage, SendResult
from connectors.wildberries.rules import MAX_REPLY_SIGN, OutgoingFile, check_message
from connectors.wildberries.token import TokenClaims, read_claims, seller_key

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://buyer-chat-api.wildberries.ru"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# Uploads of up to 30 MiB need longer than a poll.
SEND_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_LIMITS = httpx.Limits(
    max_connections=64, max_keepalive_connections=64, keepalive_expiry=60.0
)
CHATS = "/api/v1/seller/chats"
EVENTS = "/api/v1/seller/events"
SEND = "/api/v1/seller/message"
DOWNLOAD = "/api/v1/seller/download"  # the real path appends /{downloadID}
#: WB's budget per seller, all four methods together: 10 requests per 10 s. The window is
#: a little longer than WB's so jitter on the way cannot make WB count an eleventh.
WINDOW_REQUESTS = 10
WINDOW_SECONDS = 10.5
#: A 429 asking to wait longer than this is not waited out inside one call.
BASE_TOKEN_RETRY_SECONDS = 600.0

AuthScheme = Literal["bearer", "bare"]
Clock = Callable[[], datetime]

_CHATS = TypeAdapter(list[Chat])


def _quiet_http_loggers() -> None:
    """httpx/httpcore log full URLs at INFO/DEBUG; keep them out of our logs."""
    for name in ("httpx", "httpcore"):
        http_logger = logging.getLogger(name)
        if http_logger.level < logging.WARNING:
            http_logger.setLevel(logging.WARNING)


def _now() -> datetime:
    return datetime.now(UTC)


def _result(response: httpx.Response, label: str) -> Any:
    """``result`` of WB's ``{"result": ..., "errors": ...}`` envelope."""
    try:
        body = response.json()
    except ValueError as exc:
        raise MarketplaceError(f"malformed response from {label}") from exc
    if not isinstance(body, dict) or "result" not in body:
        raise MarketplaceError(f"malformed response from {label}")
    return body["result"]


def _errors(response: httpx.Response) -> tuple[str, ...]:
    try:
        body = response.json()
    except ValueError:
        return ()
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ()
    return tuple(str(item)[:200] for item in errors)


def _model(model: type[BaseModel], data: Any, label: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MarketplaceError(f"malformed response from {label}") from exc


@dataclass(frozen=True, slots=True)
class _Seller:
    token: SecretStr
    key: str
    claims: TokenClaims
    scheme: AuthScheme

    def authorization(self) -> str:
        raw = self.token.get_secret_value()
        return raw if self.scheme == "bare" else f"Bearer {raw}"


@dataclass(frozen=True, slots=True)
class AccessReport:
    """What ``check`` learned: the header form that works, the expiry, WB's burst."""

    seller_key: str
    auth_scheme: AuthScheme
    expires_at: datetime | None
    burst: int | None
    chats: int


class WildberriesClient:
    """Process-wide WB connector: shared HTTP pool, per-seller rate budget, call stats."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | None = None,
        send_timeout: httpx.Timeout | None = None,
        max_attempts: int = 4,
        auth_scheme: AuthScheme = "bearer",
        auth_fallback: bool = True,
        limiter: Limiter | None = None,
        sleep: Sleep = asyncio.sleep,
        random: RandomSource = _random.random,
        clock: Clock = _now,
    ) -> None:
        """``auth_scheme`` is the header form sent first; with ``auth_fallback`` a ``check``
        refused as unauthorized is tried once in the other form. ``sleep`` paces retries only;
        the rate budget keeps real time unless a ``limiter`` is injected. ``clock`` judges
        token expiry."""
        _quiet_http_loggers()
        self._base = base_url.rstrip("/")
        self._timeout = timeout or DEFAULT_TIMEOUT
        self._send_timeout = send_timeout or SEND_TIMEOUT
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=self._timeout, limits=DEFAULT_LIMITS)
        # A Base token's 429 asks for an hour: raised at once, not waited out in one call.
        self._retries = Retrier(
            policy=RetryPolicy(max_attempts=max(1, max_attempts), raise_beyond_retry_after=True),
            sleep=sleep,
            random=random,
            logger=logger,
        )
        self._limiter = limiter or WindowLimiter(WINDOW_REQUESTS, WINDOW_SECONDS)
        self._clock = clock
        self.auth_scheme: AuthScheme = auth_scheme
        self.auth_fallback = auth_fallback
        self.calls = CallStats()

    def for_seller(
        self, token: SecretStr | str, *, auth_scheme: AuthScheme | None = None
    ) -> WildberriesSellerApi:
        secret = token if isinstance(token, SecretStr) else SecretStr(token)
        raw = secret.get_secret_value().strip()
        claims = read_claims(raw)
        seller = _Seller(
            token=SecretStr(raw),
            key=seller_key(raw, claims),
            claims=claims,
            scheme=auth_scheme or self.auth_scheme,
        )
        return WildberriesSellerApi(self, seller)

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

    def _refuse_if_expired(self, seller: _Seller) -> None:
        expires_at = seller.claims.expires_at
        if expires_at is not None and seller.claims.expired(self._clock()):
            raise TokenExpired(
                f"token expired at {expires_at.isoformat(timespec='seconds')}",
                expired_at=expires_at,
            )

    async def _attempt(
        self,
        seller: _Seller,
        *,
        method: str,
        path: str,
        label: str,
        params: dict[str, str] | None,
        files: list[tuple[str, Any]] | None,
        attempt: int,
    ) -> httpx.Response:
        """One HTTP exchange: wait for the seller's budget, send, map any failure."""
        await self._limiter.acquire(seller.key)
        request = self._http.build_request(
            method,
            self.url_for(path),
            params=params,
            files=files,
            headers={"Authorization": seller.authorization()},
            timeout=self._send_timeout if files is not None else self._timeout,
        )
        self.calls.record(seller.key, label)
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            logger.info(
                "wb %s %s transport error %s attempt=%d seller=%s",
                method, label, type(exc).__name__, attempt, seller.key,
            )  # fmt: skip
            raise MarketplaceUnavailable(
                f"{type(exc).__name__} on {label}",
                may_have_arrived=transport_error_may_have_arrived(exc),
            ) from exc
        logger.debug(
            "wb %s %s status=%d attempt=%d seller=%s",
            method, label, response.status_code, attempt, seller.key,
        )  # fmt: skip
        if response.is_success:
            return response
        error = map_error_response(response, secret=seller.token.get_secret_value())
        logger.info(
            "wb %s %s failed status=%d error=%s attempt=%d seller=%s",
            method, label, response.status_code, type(error).__name__, attempt, seller.key,
        )  # fmt: skip
        raise error

    async def _request(
        self,
        seller: _Seller,
        method: str,
        path: str,
        *,
        label: str | None = None,
        params: dict[str, str] | None = None,
        files: list[tuple[str, Any]] | None = None,
        repeatable: bool = True,
    ) -> httpx.Response:
        """The only way to talk to WB: bounded retries of 429/5xx/transport errors.

        A call that is not ``repeatable`` (a send) is retried only after failures that prove
        WB did not act (429, connection refused); any other failure that may have reached WB
        becomes ``SendOutcomeUnknown``. A 429 asking for a longer wait than the policy's cap
        (a Base token's hour) is raised at once instead of being slept through.
        """
        self._refuse_if_expired(seller)
        label = label or path

        async def attempt(number: int) -> httpx.Response:
            return await self._attempt(
                seller,
                method=method,
                path=path,
                label=label,
                params=params,
                files=files,
                attempt=number,
            )

        return await self._retries.call(
            attempt,
            what=f"wb {method} {label}",
            who=f"seller={seller.key}",
            repeatable=repeatable,
        )


class WildberriesSellerApi:
    """The buyer-chat API as seen by one seller; create via ``WildberriesClient.for_seller``."""

    def __init__(self, client: WildberriesClient, seller: _Seller) -> None:
        self._client = client
        self._seller = seller

    @property
    def seller_key(self) -> str:
        """Secret-free id of this seller for logs and stats (WB's seller id when known)."""
        return self._seller.key

    @property
    def auth_scheme(self) -> AuthScheme:
        return self._seller.scheme

    @property
    def expires_at(self) -> datetime | None:
        """The token's expiry as the token states it (None for a token that does not)."""
        return self._seller.claims.expires_at

    async def chats(self) -> list[Chat]:
        """Every chat of the seller, with ``replySign``, buyer name and goods card."""
        response = await self._client._request(self._seller, "GET", CHATS)
        return self._chats(response)

    def _chats(self, response: httpx.Response) -> list[Chat]:
        result = _result(response, CHATS)
        try:
            return _CHATS.validate_python(result if result is not None else [])
        except ValidationError as exc:
            raise MarketplaceError(f"malformed response from {CHATS}") from exc

    async def events(self, next_cursor: int | None = None) -> EventsPage:
        """One page of events after ``next_cursor`` (none: from the start of what WB keeps).

        Call again with ``page.next`` until ``page.exhausted`` (``totalEvents == 0``).
        """
        params: dict[str, str] | None = None
        if next_cursor is not None:
            if isinstance(next_cursor, bool) or next_cursor <= 0:
                raise ValueError("next must be a positive Unix time in milliseconds")
            params = {"next": str(int(next_cursor))}
        response = await self._client._request(self._seller, "GET", EVENTS, params=params)
        page: EventsPage = _model(EventsPage, _result(response, EVENTS), EVENTS)
        return page

    async def send(
        self, reply_sign: str, text: str | None = None, files: Sequence[OutgoingFile] = ()
    ) -> SendResult:
        """Send text and/or files into the chat ``reply_sign`` belongs to, never twice.

        Content rules are checked first (``ContentRejected`` names the rule, nothing is
        sent). ``SendOutcomeUnknown`` means WB may have stored the message: look for it in
        the events stream before sending again. ``SendResult.errors`` lists files WB refused
        while the rest of the message went through.
        """
        sign = reply_sign.strip() if reply_sign else ""
        if not sign or len(sign) > MAX_REPLY_SIGN:
            raise BadRequest("a reply needs the chat's replySign (1..255 characters)")
        body, checked = check_message(text, list(files))
        parts: list[tuple[str, Any]] = [("replySign", (None, sign))]
        if body is not None:
            parts.append(("message", (None, body)))
        parts.extend(("file", (f.name, f.content, f.content_type)) for f in checked)
        response = await self._client._request(
            self._seller, "POST", SEND, files=parts, repeatable=False
        )
        result = _result(response, SEND)
        sent: SendResult = _model(SendResult, result if result is not None else {}, SEND)
        return sent.model_copy(update={"errors": _errors(response)})

    async def download(self, download_id: str) -> Download:
        """An attachment's bytes. ``AttachmentNotReady`` (202: in moderation, ask again after
        ``retry_after``) and ``AttachmentRefused`` (451: failed moderation) are outcomes the
        caller shows, not failures to retry blindly."""
        file_id = download_id.strip() if download_id else ""
        if not file_id:
            raise BadRequest("an attachment needs its downloadID")
        path = f"{DOWNLOAD}/{quote(file_id, safe='')}"
        response = await self._client._request(self._seller, "GET", path, label=DOWNLOAD)
        if response.status_code == 202:
            raise AttachmentNotReady(retry_after=_retry_seconds(response), status=202)
        content_type = response.headers.get("content-type", "application/octet-stream")
        return Download(
            content=response.content,
            content_type=content_type.split(";")[0].strip(),
            name=_file_name(response),
        )

    async def check(self) -> AccessReport:
        """A real, cheap call proving the token serves chats; raises the typed reason if not.

        An expired token (by its own ``exp``) is refused before any call. A token refused as
        unauthorized is tried once in the other header form when the client allows the
        fallback; the report says which form works so the caller can keep using it.
        """
        try:
            response = await self._check_once()
        except AuthFailed as exc:
            if exc.kind != "invalid_key" or not self._client.auth_fallback:
                raise
            other: AuthScheme = "bare" if self._seller.scheme == "bearer" else "bearer"
            previous = self._seller
            self._seller = replace(previous, scheme=other)
            try:
                response = await self._check_once()
            except AuthFailed:
                self._seller = previous
                raise exc from None
        burst = header_int(response, "x-ratelimit-limit")
        if burst is not None and burst <= 1:
            raise TokenRateTooLow("token allows one request at a time (a Base token)", burst=burst)
        return AccessReport(
            seller_key=self._seller.key,
            auth_scheme=self._seller.scheme,
            expires_at=self._seller.claims.expires_at,
            burst=burst,
            chats=len(self._chats(response)),
        )

    async def _check_once(self) -> httpx.Response:
        try:
            return await self._client._request(self._seller, "GET", CHATS)
        except WbRateLimited as exc:
            base = (exc.burst is not None and exc.burst <= 1) or (
                exc.retry_after is not None and exc.retry_after >= BASE_TOKEN_RETRY_SECONDS
            )
            if base:
                raise TokenRateTooLow(
                    "token allows about one request per hour (a Base token)",
                    burst=exc.burst,
                    status=429,
                ) from exc
            raise


def _retry_seconds(response: httpx.Response) -> float | None:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    value = body.get("retrySeconds") if isinstance(body, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(float(value), 0.0)


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
