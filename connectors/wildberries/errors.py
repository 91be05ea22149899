"""Translate Wildberries error answers into the marketplace-neutral hierarchy.

WB answers errors as ``application/problem+json`` (``title``, ``detail``, ``status``, and for
chat methods ``error``, ``origin: proxy-chats``). Its internal ``code`` is a string, not the
integer our errors carry, so it is left out. Matching goes by status first and by the detail
text second, because WB documents the statuses but only gives examples of the texts. Pure (no
I/O), so every row is a one-line test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from connectors.errors import (
    AttachmentRefused,
    AuthFailed,
    BadRequest,
    ChatNotFound,
    ContentRejected,
    MarketplaceError,
    PremiumRequired,
    RateLimited,
    ServerError,
    TokenExpired,
    TokenScopeMissing,
)
from connectors.retry import parse_retry_after

_MAX_MESSAGE = 200


class WbRateLimited(RateLimited):
    """A 429 with WB's headers: ``burst`` is ``X-Ratelimit-Limit`` (1 for a Base token)."""

    def __init__(
        self, retry_after: float | None, message: str, *, burst: int | None = None
    ) -> None:
        super().__init__(retry_after, message, status=429)
        self.burst = burst


def _problem(response: httpx.Response) -> str | None:
    """The most specific human text of a problem+json body; None for other bodies."""
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    for key in ("detail", "error", "title"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:_MAX_MESSAGE]
    return None


def header_int(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name, "").strip()
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def retry_after_of(response: httpx.Response) -> float | None:
    """``X-Ratelimit-Retry`` (WB's own) first, then the standard ``Retry-After``."""
    wb = parse_retry_after(response.headers.get("x-ratelimit-retry"))
    return wb if wb is not None else parse_retry_after(response.headers.get("retry-after"))


def _auth(status: int, message: str) -> MarketplaceError:
    text = message.lower()
    if "expired" in text:
        return TokenExpired(message, status=status)
    if "scope" in text or "category" in text:
        return TokenScopeMissing(message, status=status)
    return AuthFailed("invalid_key", message, status=status)


def _bad_request(message: str) -> MarketplaceError:
    text = message.lower()
    if "signature" in text:
        # The replySign is wrong or belongs to another seller's chat: as good as unknown.
        return ChatNotFound(message, status=400)
    if "too big" in text:
        return ContentRejected("file_too_big", message, status=400)
    if "mime type" in text:
        return ContentRejected("file_type", message, status=400)
    if '"message"' in text:
        return ContentRejected("text_too_long", message, status=400)
    return BadRequest(message, status=400)


_BY_STATUS: dict[int, Callable[[httpx.Response, str], MarketplaceError]] = {
    401: lambda r, m: _auth(401, m),
    403: lambda r, m: _auth(403, m),
    402: lambda r, m: PremiumRequired(m, status=402),
    429: lambda r, m: WbRateLimited(
        retry_after_of(r), m, burst=header_int(r, "x-ratelimit-limit")
    ),
    451: lambda r, m: AttachmentRefused(m, status=451),
    400: lambda r, m: _bad_request(m),
}


def map_error_response(response: httpx.Response, *, secret: str | None = None) -> MarketplaceError:
    """Map a non-2xx WB answer to an exception (returned, not raised).

    ``secret`` (the token) is scrubbed from the text in case anything ever echoes it; a body
    that is not problem+json (a balancer's HTML) is never copied into the message.
    """
    status = response.status_code
    message = _problem(response) or f"HTTP {status}"
    if secret:
        message = message.replace(secret, "***")
    build = _BY_STATUS.get(status)
    if build is not None:
        return build(response, message)
    if 400 <= status < 500:
        return BadRequest(message, status=status)
    if status >= 500:
        return ServerError(status, message)
    return MarketplaceError(f"unexpected HTTP {status}", status=status)
