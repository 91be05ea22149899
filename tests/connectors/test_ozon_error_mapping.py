"""Every row of docs/ozon-contract.md's error table, plus unknown codes and non-JSON bodies."""

import httpx
import pytest

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
from connectors.ozon.errors import map_error_response

from .fakes import rpc_error

SEND = "/v1/chat/send/message"
LIST = "/v3/chat/list"


ROW = tuple[int, int, str, str, type, str | None]


@pytest.mark.parametrize(
    "row",
    [
        (401, 16, "Client-Id and Api-Key headers are required", LIST, AuthFailed,
         "missing_credentials"),
        (400, 3, "Client-Id header value should be positive integer", LIST, AuthFailed,
         "bad_client_id"),
        (404, 5, "Invalid Api-Key, please check the key and try again", LIST, AuthFailed,
         "invalid_key"),
        (403, 7, "Api-key is deactivated", LIST, AuthFailed, "invalid_key"),
        (403, 7, "Premium Plus subscription is required to use chats", LIST, PremiumRequired,
         None),
        (403, 7, "PermissionDenied", LIST, PremiumRequired, None),
        (429, 8, "You have reached request rate limit per second", LIST, RateLimited, None),
        (400, 3, "text length must be between 1 and 1000 characters", SEND, BadRequest, None),
        (400, 9, "access period has expired", SEND, ReplyWindowExpired, None),
        (403, 99, "Access Period Has Expired for this chat", SEND, ReplyWindowExpired, None),
        (400, 9, "chat is closed", SEND, ChatClosed, None),
        (400, 9, "Chat Closed", "/v1/chat/send/file", ChatClosed, None),
        (404, 5, "chat not found", "/v3/chat/history", ChatNotFound, None),
        (404, 5, "Chat not found", SEND, ChatNotFound, None),
        (400, 3, "Cursor value is incorrect", LIST, BadRequest, None),
        (400, 3, "chat_id is required", "/v2/chat/read", BadRequest, None),
        (400, 3, "invalid request body", LIST, BadRequest, None),
        (404, 5, "Not Found", "/v1/chat/updates", BadRequest, None),
        (500, 13, "Internal error", LIST, ServerError, None),
        (503, 14, "unavailable", LIST, ServerError, None),
        (409, 1234, "brand new failure", LIST, BadRequest, None),
    ],
)  # fmt: skip
def test_contract_rows(row: ROW) -> None:
    status, code, message, path, cls, kind = row
    error = map_error_response(rpc_error(status, code, message), path=path)
    assert type(error) is cls
    assert error.status == status
    if kind is not None:
        assert error.kind == kind
    if cls is not ServerError:
        assert error.message == message  # the marketplace's message is kept


def test_closed_word_alone_is_not_chat_closed_outside_send() -> None:
    error = map_error_response(rpc_error(400, 3, "period closed"), path=LIST)
    assert type(error) is BadRequest


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "2"}, 2.0), ({"retry-after": "0.5"}, 0.5), ({}, None),
     ({"Retry-After": "soon"}, None)],
)  # fmt: skip
def test_rate_limited_retry_after(headers: dict[str, str], expected: float | None) -> None:
    response = rpc_error(429, 8, "You have reached request rate limit per second", headers)
    error = map_error_response(response, path=LIST)
    assert isinstance(error, RateLimited)
    assert error.retry_after == expected


def test_retry_after_http_date_in_the_past_is_zero() -> None:
    response = rpc_error(429, 8, "limit", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    error = map_error_response(response, path=LIST)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 0.0


@pytest.mark.parametrize(
    ("status", "cls"),
    [(502, ServerError), (429, RateLimited), (400, BadRequest), (401, AuthFailed),
     (302, MarketplaceError)],
)  # fmt: skip
def test_non_json_body(status: int, cls: type) -> None:
    response = httpx.Response(status, text="<html><body>Bad Gateway</body></html>")
    error = map_error_response(response, path=LIST)
    assert type(error) is cls
    assert error.message.startswith(f"HTTP {status}") or "unexpected" in error.message
    assert "<html>" not in error.message


def test_json_but_not_rpc_status() -> None:
    error = map_error_response(httpx.Response(500, json=["x"]), path=LIST)
    assert isinstance(error, ServerError)
    assert error.code is None


def test_secret_scrubbed_from_message() -> None:
    response = rpc_error(400, 3, "bad header Api-Key=sekret-123")
    error = map_error_response(response, path=LIST, secret="sekret-123")
    assert "sekret-123" not in error.message
    assert "***" in error.message
