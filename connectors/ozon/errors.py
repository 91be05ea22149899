"""Translate Ozon error responses into the marketplace-neutral hierarchy.

Ozon answers with grpc-gateway ``{"code", "message", "details"}`` bodies, but the status/code
pairs for chat-specific failures are not documented, so matching goes by message text first
(case-insensitive) and by status second, and unknown codes or non-JSON bodies still map to a
sensible class. Kept pure (no I/O) so every row of the contract is a one-line test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from connectors.errors import (
    AuthFailed,
    BadRequest,
    ChatClosed,
    ChatNotFound,
    MarketplaceError,
    PremiumRequired,
    RateLimited,
    ReplyWindowExpired,
    ServerError,
)
from connectors.retry import parse_retry_after

SEND_PATHS = frozenset({"/v1/chat/send/message", "/v1/chat/send/file"})
_MAX_MESSAGE = 200


def _error_body(response: httpx.Response) -> tuple[int | None, str | None]:
    """(code, message) from an rpcStatus body; (None, None) when the body is not one."""
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(body, dict):
        return None, None
    code = body.get("code")
    message = body.get("message")
    return (
        code if isinstance(code, int) and not isinstance(code, bool) else None,
        message[:_MAX_MESSAGE] if isinstance(message, str) else None,
    )


@dataclass(frozen=True)
class _Failure:
    status: int
    code: int | None
    message: str
    path: str
    retry_after: float | None

    @property
    def text(self) -> str:
        return self.message.lower()

    @property
    def kw(self) -> dict[str, Any]:
        return {"status": self.status, "code": self.code}


Rule = tuple[Callable[[_Failure], bool], Callable[[_Failure], MarketplaceError]]

# Ordered: the first matching rule wins. Message checks come before status checks because Ozon's
# status/code pairs for chat failures are undocumented and may change.
_RULES: tuple[Rule, ...] = (
    (
        lambda f: "access period has expired" in f.text,
        lambda f: ReplyWindowExpired(f.message, **f.kw),
    ),
    (
        lambda f: f.status == 401 or f.code == 16,
        lambda f: AuthFailed("missing_credentials", f.message, **f.kw),
    ),
    (
        lambda f: "invalid api-key" in f.text or "api-key is deactivated" in f.text,
        lambda f: AuthFailed("invalid_key", f.message, **f.kw),
    ),
    (
        lambda f: f.status == 400 and "client-id" in f.text,
        lambda f: AuthFailed("bad_client_id", f.message, **f.kw),
    ),
    (
        lambda f: f.status == 429 or f.code == 8,
        lambda f: RateLimited(f.retry_after, f.message, **f.kw),
    ),
    (
        lambda f: f.status == 403 and "api-key" in f.text,
        lambda f: AuthFailed("invalid_key", f.message, **f.kw),
    ),
    (
        lambda f: (
            f.status == 403 and (f.code == 7 or "premium" in f.text or "subscription" in f.text)
        ),
        lambda f: PremiumRequired(f.message, **f.kw),
    ),
    (
        lambda f: (
            f.status != 403
            and ("chat is closed" in f.text or (f.path in SEND_PATHS and "closed" in f.text))
        ),
        lambda f: ChatClosed(f.message, **f.kw),
    ),
    (
        lambda f: f.status != 403 and "chat not found" in f.text,
        lambda f: ChatNotFound(f.message, **f.kw),
    ),
    (
        # Ozon's circuit breaker: the method is blocked for a few minutes. Back off like a 429.
        lambda f: "circle is open" in f.text,
        lambda f: RateLimited(None, f.message, **f.kw),
    ),
    (lambda f: 400 <= f.status < 500, lambda f: BadRequest(f.message, **f.kw)),
    (lambda f: f.status >= 500, lambda f: ServerError(f.status, f.message, code=f.code)),
)


def map_error_response(
    response: httpx.Response, *, path: str, secret: str | None = None
) -> MarketplaceError:
    """Map a non-2xx Ozon response for ``path`` to an exception (returned, not raised).

    ``secret`` (the Api-Key) is scrubbed from the message in case a proxy ever echoes it.
    Non-JSON bodies (HTML from a balancer) are never copied into the message.
    """
    code, raw_message = _error_body(response)
    message = raw_message or f"HTTP {response.status_code}"
    if secret:
        message = message.replace(secret, "***")
    failure = _Failure(
        status=response.status_code,
        code=code,
        message=message,
        path=path,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )
    for matches, build in _RULES:
        if matches(failure):
            return build(failure)
    return MarketplaceError(f"unexpected HTTP {failure.status}", **failure.kw)
