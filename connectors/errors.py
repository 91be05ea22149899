"""Marketplace-neutral connector errors.

Every marketplace connector (Ozon now, Wildberries later) translates its own HTTP and transport
failures into this hierarchy, so the sync engine and the bot can react to *what happened*
(re-enter the key, wait, tell the operator the reply window is over) without knowing which
marketplace answered. Messages are short and never contain credentials or message text, because
they end up in logs and in operator-facing replies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

AuthFailureKind = Literal[
    "missing_credentials",
    "invalid_key",
    "bad_client_id",
    "expired_token",
    "missing_scope",
    "token_rate_too_low",
]


class MarketplaceError(Exception):
    """Base class; ``message`` is short and secret-free, ``status``/``code`` aid diagnosis."""

    def __init__(
        self, message: str, *, status: int | None = None, code: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class AuthFailed(MarketplaceError):
    """The credentials are missing or wrong; retrying cannot help, the seller must fix them."""

    def __init__(
        self,
        kind: AuthFailureKind,
        message: str = "authentication failed",
        *,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.kind: AuthFailureKind = kind


class PremiumRequired(MarketplaceError):
    """The key works but the seller's subscription does not include chats."""

    def __init__(
        self,
        message: str = "subscription does not allow chats",
        *,
        status: int | None = 403,
        code: int | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code)


class RateLimited(MarketplaceError):
    """Too many requests; ``retry_after`` (seconds) is the server's hint when it sent one."""

    def __init__(
        self,
        retry_after: float | None = None,
        message: str = "rate limit reached",
        *,
        status: int | None = 429,
        code: int | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class ReplyWindowExpired(MarketplaceError):
    """The marketplace no longer lets the seller write into this chat (e.g. 48 h passed)."""


class ChatNotFound(MarketplaceError):
    """The chat id is unknown to the marketplace (or belongs to another seller)."""


class ChatClosed(MarketplaceError):
    """The chat exists but is closed for new seller messages."""


class BadRequest(MarketplaceError):
    """Any other client-side rejection; keeps the marketplace's own message for the operator."""


class ServerError(MarketplaceError):
    """The marketplace failed (5xx); transient, retried with backoff."""

    def __init__(
        self, status: int, message: str = "marketplace server error", *, code: int | None = None
    ) -> None:
        super().__init__(message, status=status, code=code)


class MarketplaceUnavailable(MarketplaceError):
    """Transport failure or timeout: no HTTP answer was received.

    ``may_have_arrived`` is False only when the request surely never left this host (connect
    error, connect/pool timeout). Non-idempotent calls must not be blindly retried otherwise.
    """

    def __init__(
        self, message: str = "marketplace unreachable", *, may_have_arrived: bool
    ) -> None:
        super().__init__(message)
        self.may_have_arrived = may_have_arrived


class SendOutcomeUnknown(MarketplaceError):
    """A send may or may not have reached the buyer, and history could not confirm either way.

    The caller must not resend blindly: keep the item in the durable queue and check the chat
    history again later.
    """


class TokenExpired(AuthFailed):
    """The token's own expiry has passed (WB tokens are JWTs with ``exp``): issue a new one."""

    def __init__(
        self,
        message: str = "token has expired",
        *,
        expired_at: datetime | None = None,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__("expired_token", message, status=status, code=code)
        self.expired_at = expired_at


class TokenScopeMissing(AuthFailed):
    """The token is valid but lacks the category (scope) the chat methods need."""

    def __init__(
        self,
        message: str = "token lacks the buyer-chat category",
        *,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__("missing_scope", message, status=status, code=code)


class TokenRateTooLow(AuthFailed):
    """The token works but its class allows too few requests to serve chats (WB's Base token:
    one request per hour); the seller must issue another kind of token."""

    def __init__(
        self,
        message: str = "token allows too few requests",
        *,
        burst: int | None = None,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__("token_rate_too_low", message, status=status, code=code)
        self.burst = burst


ContentRule = Literal["empty", "text_too_long", "file_type", "file_too_big", "files_too_big"]


class ContentRejected(BadRequest):
    """A message breaks one of the marketplace's content rules; raised before anything is sent
    when the connector can tell, so the agent is told the rule instead of a vague failure.
    ``limit`` is the rule's bound (characters or bytes), ``file_name`` the offending file."""

    def __init__(
        self,
        rule: ContentRule,
        message: str,
        *,
        limit: int | None = None,
        file_name: str | None = None,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.rule: ContentRule = rule
        self.limit = limit
        self.file_name = file_name


class AttachmentNotReady(MarketplaceError):
    """The attachment exists but is still being moderated; ask again after ``retry_after`` s."""

    def __init__(
        self,
        message: str = "attachment is still in moderation",
        *,
        retry_after: float | None = None,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class AttachmentRefused(MarketplaceError):
    """Moderation refused the attachment: it will never be available, say so instead."""
