"""Every row of WB's error contract maps to one neutral error type."""

import httpx
import pytest

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
from connectors.wildberries.errors import WbRateLimited, map_error_response

from .wb_fakes import TOKEN, problem

ROWS: list[tuple[int, str, type[MarketplaceError], str | None]] = [
    (401, "token problem; token is malformed: could not base64 decode", AuthFailed, "invalid_key"),
    (401, "token problem; token expired", TokenExpired, "expired_token"),
    (401, "token scope not allowed", TokenScopeMissing, "missing_scope"),
    (403, "access denied: category not allowed", TokenScopeMissing, "missing_scope"),
    (402, "please top up your balance", PremiumRequired, None),
    (400, "Invalid signature", ChatNotFound, None),
    (400, "Invalid number", BadRequest, None),
    (400, "invalid fileID", BadRequest, None),
    (404, "not found", BadRequest, None),
    (451, "moderation error", AttachmentRefused, None),
    (500, "internal", ServerError, None),
    (503, "unavailable", ServerError, None),
]


@pytest.mark.parametrize(("status", "detail", "kind", "auth_kind"), ROWS)
def test_row(
    status: int, detail: str, kind: type[MarketplaceError], auth_kind: str | None
) -> None:
    error = map_error_response(problem(status, detail))
    assert type(error) is kind
    assert error.status == status
    assert error.message == detail
    if auth_kind is not None:
        assert isinstance(error, AuthFailed) and error.kind == auth_kind


@pytest.mark.parametrize(
    ("detail", "rule"),
    [
        ("A24FA09844E: attachment too big. Max size: 5MiB", "file_too_big"),
        ('4A9F2544E29: "video.mp4" has unsupported mime type', "file_type"),
        ('Invalid value for "message"', "text_too_long"),
    ],
)
def test_send_refusals_name_the_rule(detail: str, rule: str) -> None:
    error = map_error_response(problem(400, detail))
    assert isinstance(error, ContentRejected) and error.rule == rule


def test_429_prefers_x_ratelimit_retry_and_keeps_the_burst() -> None:
    headers = {"X-Ratelimit-Retry": "7", "Retry-After": "99", "X-Ratelimit-Limit": "10"}
    error = map_error_response(problem(429, "limited by c122", headers))
    assert isinstance(error, WbRateLimited) and isinstance(error, RateLimited)
    assert error.retry_after == 7 and error.burst == 10


def test_429_falls_back_to_retry_after() -> None:
    error = map_error_response(problem(429, "limited", {"Retry-After": "3"}))
    assert isinstance(error, RateLimited) and error.retry_after == 3


def test_html_body_is_not_copied_and_token_is_scrubbed() -> None:
    html = map_error_response(httpx.Response(502, content=b"<html>bad gateway</html>"))
    assert isinstance(html, ServerError) and html.message == "HTTP 502"
    echoed = map_error_response(problem(401, f"bad token {TOKEN}"), secret=TOKEN)
    assert TOKEN not in echoed.message and "***" in echoed.message


def test_unexpected_status() -> None:
    error = map_error_response(httpx.Response(304))
    assert type(error) is MarketplaceError and error.status == 304
