"""Seller API errors as plain exceptions, independent of the HTTP framework.

The state raises these so that the same rule (for example the 48 h reply window) gives the
same answer whether a test calls the state directly or a client goes through HTTP. The
messages are the exact strings agreed in ``docs/ozon-contract.md``.
"""

from __future__ import annotations

from typing import Any

MSG_HEADERS_REQUIRED = "Client-Id and Api-Key headers are required"
MSG_BAD_CLIENT_ID = "Client-Id header value should be positive integer"
MSG_INVALID_KEY = "Invalid Api-Key, please check the key and try again"
MSG_PREMIUM_REQUIRED = "Premium Plus subscription is required to use chats"
MSG_RATE_LIMIT = "You have reached request rate limit per second"
MSG_TEXT_LENGTH = "text length must be between 1 and 1000 characters"
MSG_WINDOW_EXPIRED = "access period has expired"
MSG_CHAT_CLOSED = "chat is closed"
MSG_CHAT_NOT_FOUND = "chat not found"
MSG_BAD_CURSOR = "Cursor value is incorrect"
MSG_INVALID_BODY = "invalid request body"
MSG_NOT_FOUND = "Not Found"
MSG_INTERNAL = "Internal error"
MSG_POSTING_NOT_FOUND = "posting not found"


class ApiError(Exception):
    """A Seller API failure carrying its HTTP status and gRPC ``code``.

    Rendered on the wire as the grpc-gateway ``rpcStatus`` body.
    """

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        """The ``rpcStatus`` JSON body Ozon answers with."""
        return {"code": self.code, "message": self.message, "details": []}

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.code}, {self.message!r})"


def bad_request(message: str) -> ApiError:
    """400 / code 3 (InvalidArgument)."""
    return ApiError(400, 3, message)


def required(field: str) -> ApiError:
    """400 / code 3 for a missing required field, worded as in the contract note."""
    return bad_request(f"{field} is required")


def invalid_body() -> ApiError:
    """400 / code 3 for a body that is not the expected JSON shape."""
    return bad_request(MSG_INVALID_BODY)


def not_found(message: str = MSG_NOT_FOUND) -> ApiError:
    """404 / code 5 (NotFound)."""
    return ApiError(404, 5, message)


def failed_precondition(message: str) -> ApiError:
    """400 / code 9 (FailedPrecondition): closed chat or expired reply window."""
    return ApiError(400, 9, message)


def unauthenticated() -> ApiError:
    """401 / code 16: a required auth header is missing."""
    return ApiError(401, 16, MSG_HEADERS_REQUIRED)


def invalid_key() -> ApiError:
    """404 / code 5: unknown Client-Id or wrong (or revoked) Api-Key, as Ozon answers it."""
    return ApiError(404, 5, MSG_INVALID_KEY)


def permission_denied(message: str = MSG_PREMIUM_REQUIRED) -> ApiError:
    """403 / code 7: the subscription does not include chats."""
    return ApiError(403, 7, message)


def rate_limited() -> ApiError:
    """429 / code 8: more calls per second than the per-Client-Id limit."""
    return ApiError(429, 8, MSG_RATE_LIMIT)


def internal() -> ApiError:
    """500 / code 13: an injected server fault."""
    return ApiError(500, 13, MSG_INTERNAL)
