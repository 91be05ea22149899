"""Translate Yandex Market's error answers into the marketplace-neutral hierarchy.

Yandex wraps errors as ``{"status": "ERROR", "errors": [{"code", "message"}]}``; ``code`` is a
free string on the chat methods, so matching goes by HTTP status first and by code/message
second. The doc examples print ``"status": "OK"`` inside error bodies, so the HTTP status is
what counts. Pure (no I/O).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from connectors.errors import (
    AuthFailed,
    BadRequest,
    ChatClosed,
    ChatNotFound,
    ContentRejected,
    MarketplaceError,
    PremiumRequired,
    RateLimited,
    ServerError,
    TokenScopeMissing,
)

_MAX_MESSAGE = 200
#: Seconds to wait after a 420 for the 4-parallel-requests cap (no reset time is given).
PARALLEL_RETRY_SECONDS = 1.0


class YmRateLimited(RateLimited):
    """HTTP 420. ``parallel`` is the 4-in-flight cap (retry shortly); otherwise an hourly
    ``resource`` budget is spent and ``retry_after`` runs to its reset."""

    def __init__(
        self,
        retry_after: float | None,
        message: str,
        *,
        parallel: bool = False,
        resource: str | None = None,
        status: int | None = 420,
    ) -> None:
        super().__init__(retry_after, message, status=status)
        self.parallel = parallel
        self.resource = resource


class BudgetExhausted(YmRateLimited):
    """Refused locally, before any call: the method's hourly budget is spent until
    ``retry_after`` seconds from now (the request never left)."""

    def __init__(self, resource: str, retry_after: float) -> None:
        super().__init__(
            retry_after,
            f"hourly budget of {resource} spent",
            resource=resource,
            status=None,
        )


class ReadOnlyKey(TokenScopeMissing):
    """The Api-Key can read chats but not answer (``ALL_METHODS_READ_ONLY``): refused at
    onboarding because agents' replies could never be sent."""


def parse_until(value: str | None, *, now: datetime | None = None) -> datetime | None:
    """``X-RateLimit-Resource-Until``: an RFC 822 date (ISO 8601 accepted too)."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def errors_of(response: httpx.Response) -> list[tuple[str, str]]:
    """``(code, message)`` pairs of the error wrapper; empty for any other body."""
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return []
    items = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return []
    pairs: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            code = str(item.get("code") or "")
            pairs.append((code, str(item.get("message") or "")[:_MAX_MESSAGE]))
    return pairs


def _bad_request(code: str, message: str) -> MarketplaceError:
    text = f"{code} {message}".lower()
    if "finished" in text or "closed" in text:
        return ChatClosed(message, status=400)
    if "too big" in text or "5 mb" in text or "file size" in text:
        return ContentRejected("file_too_big", message, status=400)
    if "message" in text and ("length" in text or "4096" in text):
        return ContentRejected("text_too_long", message, status=400, limit=4096)
    return BadRequest(message, status=400)


def _auth(status: int, code: str, message: str) -> MarketplaceError:
    text = f"{code} {message}".lower()
    if "scope" in text:
        return TokenScopeMissing(message, status=status)
    if "subscription" in text:
        return PremiumRequired(message, status=status)
    return AuthFailed("invalid_key", message, status=status)


def _rate_limited(response: httpx.Response, message: str, now: datetime) -> YmRateLimited:
    parallel = "parallel" in message.lower()
    until = parse_until(response.headers.get("x-ratelimit-resource-until"), now=now)
    if parallel or until is None:
        wait = PARALLEL_RETRY_SECONDS if parallel else None
    else:
        wait = max((until - now).total_seconds(), 0.0)
    return YmRateLimited(wait, message, parallel=parallel)


_BY_STATUS: dict[int, Callable[[str, str], MarketplaceError]] = {
    401: lambda code, message: _auth(401, code, message),
    403: lambda code, message: _auth(403, code, message),
    404: lambda code, message: ChatNotFound(message, status=404),
    400: _bad_request,
}


def map_error_response(
    response: httpx.Response, *, secret: str | None = None, now: datetime | None = None
) -> MarketplaceError:
    """Map a non-2xx answer to an exception (returned, not raised); ``secret`` is scrubbed
    from the text in case anything echoes it, and a non-JSON body is never copied."""
    status = response.status_code
    pairs = errors_of(response)
    code, message = pairs[0] if pairs else ("", f"HTTP {status}")
    message = message or code or f"HTTP {status}"
    if secret:
        message = message.replace(secret, "***")
    if status == 420:
        return _rate_limited(response, message, now or datetime.now(UTC))
    build = _BY_STATUS.get(status)
    if build is not None:
        return build(code, message)
    if 400 <= status < 500:
        return BadRequest(message, status=status)
    if status >= 500:
        return ServerError(status, message)
    return MarketplaceError(f"unexpected HTTP {status}", status=status)
