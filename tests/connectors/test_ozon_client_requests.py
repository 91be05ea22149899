"""Request shapes (path, headers, JSON body with string ids) and response parsing."""

import base64

import httpx
import pytest

from connectors.errors import AuthFailed, BadRequest, MarketplaceError, PremiumRequired
from connectors.ozon.client import OzonClient, OzonCredentials
from connectors.ozon.models import ChatStatus, ChatType

from .fakes import API_KEY, CHAT_ID, CLIENT_ID, MSG_ID, FakeOzon, make_api, message, ok, rpc_error

LIST_BODY = {
    "chats": [
        {
            "chat": {
                "created_at": "2025-09-14T08:07:19.581Z",
                "chat_id": CHAT_ID,
                "chat_status": "OPENED",
                "chat_type": "BUYER_SELLER",
            },
            "first_unread_message_id": "3000000000118021931",
            "last_message_id": "3000000000128004274",
            "unread_count": 2,
        },
        {
            "chat": {
                "created_at": "2024-02-01T10:00:00Z",
                "chat_id": "5e767a03-b400-4a1b-a841-75319ca8a5c8",
                "chat_status": "OPENED",
                "chat_type": "SELLER_API_UPDATES",
            },
            "first_unread_message_id": "0",
            "last_message_id": "3000000000090000001",
            "unread_count": 0,
        },
    ],
    "total_unread_count": 2,
    "cursor": "30000002342123123",
    "has_next": True,
}


def assert_auth_headers(request: httpx.Request) -> None:
    assert request.headers["Client-Id"] == CLIENT_ID
    assert request.headers["Api-Key"] == API_KEY


async def test_list_chats_request_and_parsing() -> None:
    fake = FakeOzon()
    fake.queue("/v3/chat/list", ok(LIST_BODY))
    _, api, _ = make_api(fake)
    page = await api.list_chats(cursor="30000002342123000", limit=30, unread_only=True)
    (request,) = fake.calls("/v3/chat/list")
    assert request.method == "POST"
    assert request.url == "https://api-seller.ozon.ru/v3/chat/list"
    assert request.headers["Content-Type"] == "application/json"
    assert_auth_headers(request)
    assert fake.bodies("/v3/chat/list") == [
        {
            "filter": {"chat_status": "ALL", "unread_only": True},
            "limit": 30,
            "cursor": "30000002342123000",
        }
    ]
    assert page.has_next is True
    assert page.cursor == "30000002342123123"
    assert page.total_unread_count == 2
    assert [c.is_buyer_chat for c in page.chats] == [True, False]
    assert page.chats[0].status is ChatStatus.OPENED
    assert page.chats[1].type is ChatType.SELLER_API_UPDATES
    assert page.chats[1].first_unread_message_id is None


async def test_list_chats_first_page_omits_cursor_and_rejects_big_limit() -> None:
    fake = FakeOzon()
    fake.default("/v3/chat/list", lambda r: ok({"chats": [], "has_next": False}))
    _, api, _ = make_api(fake)
    await api.list_chats(status="opened")
    assert fake.bodies("/v3/chat/list") == [
        {"filter": {"chat_status": "OPENED", "unread_only": False}, "limit": 100}
    ]
    with pytest.raises(ValueError, match="limit"):
        await api.list_chats(limit=101)
    assert len(fake.requests) == 1  # the bad call never reached the network


async def test_history_request_and_parsing() -> None:
    fake = FakeOzon()
    fake.queue(
        "/v3/chat/history",
        ok(
            {
                "has_next": "true",
                "messages": [
                    message("3000000000817032001", author="Seller", data=["Да, подойдёт."]),
                    message("3000000000817031942", author="Сustomer", data=["Где заказ?"]),
                ],
            }
        ),
    )
    _, api, _ = make_api(fake)
    page = await api.history(
        CHAT_ID,
        direction="forward",
        from_message_id=3000000000118032000,  # type: ignore[arg-type]  # numbers tolerated
        limit=50,
        message_ids=[3000000300211559667],  # type: ignore[list-item]
    )
    (body,) = fake.bodies("/v3/chat/history")
    assert body == {
        "chat_id": CHAT_ID,
        "direction": "Forward",
        "from_message_id": "3000000000118032000",
        "limit": 50,
        "filter": {"message_ids": ["3000000300211559667"]},
    }
    assert_auth_headers(fake.calls("/v3/chat/history")[0])
    assert page.has_next is True
    assert [m.message_id for m in page.messages] == ["3000000000817032001", "3000000000817031942"]
    assert page.messages[0].is_from_seller
    assert page.messages[1].is_from_buyer
    assert page.messages[1].content.text == "Где заказ?"


async def test_history_defaults_and_forward_needs_anchor() -> None:
    fake = FakeOzon()
    fake.default("/v3/chat/history", lambda r: ok({"has_next": False, "messages": []}))
    _, api, _ = make_api(fake)
    page = await api.history(CHAT_ID)
    assert page.messages == []
    assert fake.bodies("/v3/chat/history") == [
        {"chat_id": CHAT_ID, "direction": "Backward", "limit": 100}
    ]
    with pytest.raises(ValueError, match="from_message_id"):
        await api.history(CHAT_ID, direction="Forward")


async def test_send_message_request() -> None:
    fake = FakeOzon()
    fake.queue("/v1/chat/send/message", ok())
    _, api, _ = make_api(fake)
    assert await api.send_message(CHAT_ID, "Здравствуйте! Отправим сегодня.") is None
    assert fake.bodies("/v1/chat/send/message") == [
        {"chat_id": CHAT_ID, "text": "Здравствуйте! Отправим сегодня."}
    ]
    assert_auth_headers(fake.calls("/v1/chat/send/message")[0])


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
async def test_send_message_rejects_bad_length_locally(text: str) -> None:
    fake = FakeOzon()
    _, api, _ = make_api(fake)
    with pytest.raises(BadRequest, match="1000"):
        await api.send_message(CHAT_ID, text)
    assert fake.requests == []


async def test_send_message_accepts_exactly_1000_chars() -> None:
    fake = FakeOzon()
    fake.queue("/v1/chat/send/message", ok())
    _, api, _ = make_api(fake)
    await api.send_message(CHAT_ID, "я" * 1000)
    assert len(fake.bodies("/v1/chat/send/message")[0]["text"]) == 1000


async def test_send_file_is_base64_json() -> None:
    png = b"\x89PNG\r\n\x1a\nrest-of-image"
    fake = FakeOzon()
    fake.queue("/v1/chat/send/file", ok())
    _, api, _ = make_api(fake)
    await api.send_file(CHAT_ID, name="photo.png", content=png)
    (request,) = fake.calls("/v1/chat/send/file")
    assert request.headers["Content-Type"] == "application/json"
    (body,) = fake.bodies("/v1/chat/send/file")
    assert body == {
        "base64_content": base64.b64encode(png).decode(),
        "chat_id": CHAT_ID,
        "name": "photo.png",
    }
    assert base64.b64decode(body["base64_content"]) == png


async def test_mark_read_sends_string_id_and_returns_count() -> None:
    fake = FakeOzon()
    fake.queue("/v2/chat/read", ok({"unread_count": "3"}))
    _, api, _ = make_api(fake)
    assert await api.mark_read(CHAT_ID, MSG_ID) == 3
    assert fake.bodies("/v2/chat/read") == [{"chat_id": CHAT_ID, "from_message_id": MSG_ID}]


async def test_start_chat() -> None:
    fake = FakeOzon()
    fake.queue("/v1/chat/start", ok({"result": {"chat_id": "5969c331-2e64"}}))
    _, api, _ = make_api(fake)
    assert await api.start_chat("47873153-0052-1") == "5969c331-2e64"
    assert fake.bodies("/v1/chat/start") == [{"posting_number": "47873153-0052-1"}]


async def test_malformed_success_body_is_a_marketplace_error() -> None:
    fake = FakeOzon()
    fake.queue("/v1/chat/start", ok({"result": {}}))
    fake.queue("/v3/chat/list", httpx.Response(200, text="not json"))
    _, api, _ = make_api(fake)
    with pytest.raises(MarketplaceError, match="malformed"):
        await api.start_chat("1")
    with pytest.raises(MarketplaceError, match="malformed") as info:
        await api.list_chats()
    assert info.value.__cause__ is not None


async def test_check_access_is_one_cheap_call() -> None:
    fake = FakeOzon()
    fake.queue("/v3/chat/list", ok({"chats": [], "has_next": False}))
    _, api, _ = make_api(fake)
    await api.check_access()
    assert fake.bodies("/v3/chat/list")[0]["limit"] == 1


@pytest.mark.parametrize(
    ("reply", "cls"),
    [
        (rpc_error(404, 5, "Invalid Api-Key, please check the key and try again"), AuthFailed),
        (rpc_error(403, 7, "Premium Plus subscription is required to use chats"),
         PremiumRequired),
    ],
)  # fmt: skip
async def test_check_access_raises_mapped_error(reply: httpx.Response, cls: type) -> None:
    fake = FakeOzon()
    fake.queue("/v3/chat/list", reply)
    _, api, _ = make_api(fake)
    with pytest.raises(cls):
        await api.check_access()
    assert len(fake.requests) == 1  # not retried


def test_credentials_repr_hides_key() -> None:
    creds = OzonCredentials(client_id=123456, api_key=API_KEY)  # type: ignore[arg-type]
    assert creds.client_id == "123456"
    assert API_KEY not in repr(creds)
    assert API_KEY not in str(creds)
    assert creds.api_key.get_secret_value() == API_KEY


async def test_call_counting_per_method_and_account() -> None:
    fake = FakeOzon()
    fake.default("/v3/chat/list", lambda r: ok({"chats": [], "has_next": False}))
    fake.default("/v2/chat/read", lambda r: ok({"unread_count": 0}))
    client, api, _ = make_api(fake)
    other = client.for_seller(OzonCredentials(client_id="777", api_key="other-key"))
    await api.list_chats()
    await api.list_chats()
    await api.mark_read(CHAT_ID, MSG_ID)
    await other.list_chats()
    assert client.calls.total == 4
    assert client.calls.by_method == {"/v3/chat/list": 3, "/v2/chat/read": 1}
    assert client.calls.for_account(CLIENT_ID) == {"/v3/chat/list": 2, "/v2/chat/read": 1}
    assert client.calls.for_account("777") == {"/v3/chat/list": 1}
    assert client.calls.for_account("nobody") == {}
    other_requests = [r for r in fake.requests if r.headers["Client-Id"] == "777"]
    assert [r.headers["Api-Key"] for r in other_requests] == ["other-key"]
    client.calls.reset()
    assert client.calls.total == 0
    assert client.calls.for_account(CLIENT_ID) == {}


async def test_retries_are_counted_as_calls() -> None:
    fake = FakeOzon()
    fake.queue("/v3/chat/list", rpc_error(500, 13, "Internal error"))
    fake.queue("/v3/chat/list", ok({"chats": [], "has_next": False}))
    client, api, _ = make_api(fake)
    await api.list_chats()
    assert client.calls.by_method["/v3/chat/list"] == 2


async def test_owned_http_client_is_closed_and_timeout_explicit() -> None:
    async with OzonClient(base_url="http://127.0.0.1:9") as client:
        http = client._http
        assert http.timeout.connect == 5.0
        assert http.timeout.read == 15.0
    assert http.is_closed


async def test_injected_http_client_is_left_open_and_per_request_timeout_set() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return ok({"chats": [], "has_next": False})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = OzonClient(base_url="https://api-seller.ozon.ru/", http=http)
    await client.for_seller(OzonCredentials(client_id="1", api_key="k")).list_chats()
    await client.aclose()
    assert not http.is_closed
    assert seen[0]["connect"] == 5.0
    assert seen[0]["read"] == 15.0
    await http.aclose()
