"""WB's error answers: ``application/problem+json`` bodies with WB's titles and origins."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

AUTH_ORIGIN = "s2s-api-auth-chat"
CHAT_ORIGIN = "proxy-chats"
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
}


@dataclass
class ApiProblem(Exception):
    """An answer the emulated API gives instead of a result."""

    status: int
    title: str
    detail: str
    origin: str = CHAT_ORIGIN
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": self.title,
            "detail": self.detail,
            "requestId": secrets.token_hex(16),
            "origin": self.origin,
            "status": self.status,
            "statusText": _STATUS_TEXT.get(self.status, "Error"),
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if self.origin == CHAT_ORIGIN and self.status == 400:
            body["error"] = self.detail
        if self.status in (401, 429):
            body["code"] = secrets.token_hex(6)
        return body


def unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, "unauthorized", detail, origin=AUTH_ORIGIN)


def too_many(headers: dict[str, str]) -> ApiProblem:
    return ApiProblem(
        429, "too many requests", "limited by emulator", origin=AUTH_ORIGIN, headers=headers
    )


def bad_request(detail: str, title: str = "Bad Request") -> ApiProblem:
    return ApiProblem(400, title, detail)


def internal() -> ApiProblem:
    return ApiProblem(500, "internal server error", "emulated failure")


def refused_by_moderation() -> ApiProblem:
    return ApiProblem(451, "Unavailable for Legal Reasons", "moderation error")


MSG_BAD_SIGN = "Invalid signature"
MSG_BAD_MESSAGE = 'Invalid value for "message"'
MSG_BAD_NEXT = 'Invalid value for "next"'
MSG_BAD_NUMBER = "Invalid number"
MSG_BAD_FILE_ID = "invalid fileID"
