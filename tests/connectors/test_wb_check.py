"""``check``: expired, missing category and Base tokens each get their own typed reason."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.errors import AuthFailed, TokenExpired, TokenRateTooLow, TokenScopeMissing
from connectors.wildberries.token import read_claims, seller_key

from .wb_fakes import TOKEN, FakeWb, jwt, make_api, ok, problem

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def at(moment: datetime) -> int:
    return int(moment.timestamp())


async def test_good_token_reports_what_it_learned() -> None:
    token = jwt({"exp": at(NOW + timedelta(days=90)), "sid": "seller-uuid", "s": 1 << 9})
    fake = FakeWb()
    fake.queue(
        "/api/v1/seller/chats", ok([{"chatID": "1:a"}], headers={"X-Ratelimit-Limit": "10"})
    )
    _, api, _ = make_api(fake, token=token, clock=lambda: NOW)
    report = await api.check()
    assert report.auth_scheme == "bearer" and report.burst == 10 and report.chats == 1
    assert report.expires_at == NOW + timedelta(days=90)
    assert report.seller_key == "seller-uuid"


async def test_expired_token_refused_before_any_call() -> None:
    token = jwt({"exp": at(NOW - timedelta(hours=1)), "sid": "s"})
    fake = FakeWb()
    _, api, _ = make_api(fake, token=token, clock=lambda: NOW)
    with pytest.raises(TokenExpired) as expired:
        await api.check()
    assert expired.value.expired_at == NOW - timedelta(hours=1)
    assert expired.value.kind == "expired_token"
    with pytest.raises(TokenExpired):
        await api.events()
    assert fake.requests == []


async def test_expiry_told_by_wb() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/chats", problem(401, "token problem; token is expired"))
    _, api, _ = make_api(fake)
    with pytest.raises(TokenExpired):
        await api.check()


async def test_missing_buyer_chat_category() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/chats", problem(401, "token scope not allowed"))
    _, api, _ = make_api(fake)
    with pytest.raises(TokenScopeMissing) as missing:
        await api.check()
    assert missing.value.kind == "missing_scope"
    assert len(fake.requests) == 1  # a scope problem is not a header-form problem


async def test_base_token_by_its_burst_on_success() -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/chats", ok([], headers={"X-Ratelimit-Limit": "1"}))
    _, api, _ = make_api(fake)
    with pytest.raises(TokenRateTooLow) as base:
        await api.check()
    assert base.value.kind == "token_rate_too_low" and base.value.burst == 1


@pytest.mark.parametrize(
    "headers",
    [{"X-Ratelimit-Retry": "3500", "X-Ratelimit-Limit": "1"}, {"X-Ratelimit-Retry": "3599"}],
)
async def test_base_token_by_its_429(headers: dict[str, str]) -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/chats", problem(429, "limited", headers))
    _, api, sleep = make_api(fake)
    with pytest.raises(TokenRateTooLow):
        await api.check()
    assert sleep.delays == []


async def test_bare_fallback_when_bearer_is_refused() -> None:
    fake = FakeWb()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"].startswith("Bearer "):
            return problem(401, "unauthorized")
        return ok([])

    fake.default("/api/v1/seller/chats", answer)
    _, api, _ = make_api(fake)
    report = await api.check()
    assert report.auth_scheme == "bare" and api.auth_scheme == "bare"
    assert [r.headers["Authorization"] for r in fake.requests] == [f"Bearer {TOKEN}", TOKEN]


async def test_invalid_in_both_forms_is_invalid_key() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/chats", problem(401, "unauthorized"))
    _, api, _ = make_api(fake)
    with pytest.raises(AuthFailed) as failed:
        await api.check()
    assert failed.value.kind == "invalid_key"
    assert api.auth_scheme == "bearer" and len(fake.requests) == 2


async def test_no_fallback_when_disabled() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/chats", problem(401, "unauthorized"))
    _, api, _ = make_api(fake, auth_fallback=False)
    with pytest.raises(AuthFailed):
        await api.check()
    assert len(fake.requests) == 1


def test_claims_of_opaque_and_garbled_tokens_are_empty() -> None:
    for token in ("opaque", "a.b.c", "a.!!!.c", jwt({"exp": "soon"})):
        claims = read_claims(token)
        assert claims.expires_at is None and claims.seller_id is None
        assert seller_key(token, claims).startswith("tok-")
        assert token not in seller_key(token, claims)
