"""Token checks (missing, unknown, expired, no category, Base) and the 10/10 s budget."""

import httpx
import pytest

from sandbox.wildberries import TokenKind, WildberriesEmulator

from .conftest import SELLER, api_client


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "empty Authorization header"),
        ("Bearer not-a-token", "token is malformed"),
    ],
)
async def test_missing_or_unknown_token(
    emu: WildberriesEmulator, header: str | None, detail: str
) -> None:
    headers = {"Authorization": header} if header else {}
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        response = await http.get("/api/v1/seller/chats", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] == "unauthorized" and detail in body["detail"]
    assert body["status"] == 401 and body["statusText"] == "Unauthorized"


async def test_expired_by_the_clock(emu: WildberriesEmulator) -> None:
    token = emu.state.issue_token(SELLER, expires_at=emu.state.now().replace(microsecond=0)).token
    async with api_client(emu.base_url, token) as http:
        response = await http.get("/api/v1/seller/chats")
    assert (
        response.status_code == 401 and response.json()["detail"] == "token problem; token expired"
    )
    fresh = emu.state.issue_token(SELLER).token
    emu.state.advance(200 * 86400)
    async with api_client(emu.base_url, fresh) as http:
        assert (await http.get("/api/v1/seller/events")).status_code == 401


async def test_token_without_buyer_chat_category(emu: WildberriesEmulator) -> None:
    token = emu.state.issue_token(SELLER, buyer_chat=False).token
    async with api_client(emu.base_url, token) as http:
        response = await http.get("/api/v1/seller/events")
    assert response.status_code == 401 and response.json()["detail"] == "token scope not allowed"


async def test_bare_and_bearer_forms(emu: WildberriesEmulator, token: str) -> None:
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        bare = await http.get("/api/v1/seller/chats", headers={"Authorization": token})
        assert bare.status_code == 200
        emu.state.auth_mode = "bearer"
        assert (
            await http.get("/api/v1/seller/chats", headers={"Authorization": token})
        ).status_code == 401
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await http.get("/api/v1/seller/chats", headers=bearer)).status_code == 200
        emu.state.auth_mode = "bare"
        assert (await http.get("/api/v1/seller/chats", headers=bearer)).status_code == 401


async def test_eleventh_call_in_a_burst_is_429_for_all_methods(
    emu: WildberriesEmulator, api: httpx.AsyncClient
) -> None:
    statuses = []
    for i in range(11):
        path = "/api/v1/seller/chats" if i % 2 else "/api/v1/seller/events"
        response = await api.get(path)
        statuses.append(response.status_code)
    assert statuses == [200] * 10 + [429]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["title"] == "too many requests"
    assert int(response.headers["X-Ratelimit-Retry"]) >= 1
    assert int(response.headers["X-Ratelimit-Reset"]) >= int(response.headers["X-Ratelimit-Retry"])
    assert response.headers["X-Ratelimit-Limit"] == "10"
    other_token = emu.state.issue_token(
        SELLER
    ).token  # the budget is the seller's, not the token's
    async with api_client(emu.base_url, other_token) as http:
        assert (await http.get("/api/v1/seller/chats")).status_code == 429


async def test_base_token_one_request_per_hour(emu: WildberriesEmulator) -> None:
    token = emu.state.issue_token(SELLER, kind=TokenKind.BASE).token
    async with api_client(emu.base_url, token) as http:
        first = await http.get("/api/v1/seller/chats")
        second = await http.get("/api/v1/seller/events")
    assert first.status_code == 200 and first.headers["X-Ratelimit-Limit"] == "1"
    assert second.status_code == 429 and second.headers["X-Ratelimit-Limit"] == "1"
    assert int(second.headers["X-Ratelimit-Retry"]) > 3000


async def test_budget_can_be_turned_off(emu: WildberriesEmulator, api: httpx.AsyncClient) -> None:
    emu.budgets.enabled = False
    for _ in range(15):
        assert (await api.get("/api/v1/seller/chats")).status_code == 200


async def test_ping_checks_the_token_outside_the_chat_budget(
    emu: WildberriesEmulator, api: httpx.AsyncClient
) -> None:
    for _ in range(3):
        pong = await api.get("/ping")
        assert pong.status_code == 200 and pong.json()["Status"] == "OK"
    assert (await api.get("/ping")).status_code == 429
    assert (await api.get("/api/v1/seller/chats")).status_code == 200
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        assert (await http.get("/ping")).status_code == 401
