"""The order-context call of Yandex Market against its official spec
(``sandbox/yandex_market/spec/ym-orders.json``, an extract of getBusinessOrders): the
deprecated per-campaign getOrder is not what the bot calls; the client's request and the
emulator's answer are what the spec declares; the client reads that answer into the port's
order context; every ``OrderStatusType`` has a name in the bot's texts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from bot.texts import TEXTS
from connectors.errors import MarketplaceError
from connectors.marketplace.orders import OrderQuery, OrderStatus
from connectors.marketplace.port import ChatRef, Credentials
from connectors.yandex_market.adapter import YmMarketplace, order_context
from connectors.yandex_market.client import ORDERS, YandexMarketClient
from connectors.yandex_market.models import BusinessOrder
from sandbox.yandex_market import YandexMarketEmulator
from sandbox.yandex_market.spec import ORDERS_SPEC, api_spec, check_answer, check_json, load_spec

BUSINESS = 5123456
CAMPAIGN = 21784512
ORDER = 55_000_777
PATH = "/v1/businesses/{businessId}/orders"


async def no_sleep(_: float) -> None:
    """Retries without waiting."""


@pytest.fixture
async def emu() -> AsyncIterator[YandexMarketEmulator]:
    async with YandexMarketEmulator() as emulator:
        emulator.state.add_business(BUSINESS, name="Основной", campaign_ids=[CAMPAIGN])
        yield emulator


@pytest.fixture
async def client(emu: YandexMarketEmulator) -> AsyncIterator[YandexMarketClient]:
    async with YandexMarketClient(base_url=emu.base_url, sleep=no_sleep) as ym:
        yield ym


def test_the_extract_is_the_official_replacement_of_get_order() -> None:
    spec = load_spec(ORDERS_SPEC)
    assert spec["x-source"]["repo"] == "yandex-market/yandex-market-partner-api"
    operation = spec["paths"][PATH]["post"]
    assert operation["operationId"] == "getBusinessOrders" and not operation.get("deprecated")
    assert ORDERS.replace("{business}", "{businessId}") == PATH
    order = api_spec()["components"]["schemas"]["BusinessOrderDTO"]["properties"]
    assert {"status", "items", "delivery"} <= set(order)


def test_the_request_is_the_specs() -> None:
    schema = api_spec()["paths"][PATH]["post"]["requestBody"]["content"]["application/json"]
    check_json("body", schema["schema"], {"orderIds": [ORDER]})


async def test_the_emulators_answer_is_the_specs_and_the_client_reads_it(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    key = emu.state.issue_key([BUSINESS], scopes=["COMMUNICATION", "ALL_METHODS_READ_ONLY"])
    chat = emu.state.open_chat(BUSINESS, order_id=ORDER)
    emu.state.describe_order(
        BUSINESS, ORDER, offer_name=" Чайник Vita 1,7 л ", status="PROCESSING",
        substatus="READY_TO_SHIP", from_date="2026-12-05", to_date="2026-12-06",
    )  # fmt: skip
    async with httpx.AsyncClient(base_url=emu.base_url) as raw:
        answer = await raw.post(
            f"/v1/businesses/{BUSINESS}/orders",
            content=json.dumps({"orderIds": [ORDER]}),
            headers={"Api-Key": key.token, "Content-Type": "application/json"},
        )
    assert answer.status_code == 200
    check_answer("POST", f"/v1/businesses/{BUSINESS}/orders", 200, answer.json())
    assert answer.json()["orders"][0]["campaignId"] == chat.campaign_id
    channel = YmMarketplace(client).channel(Credentials(str(BUSINESS), SecretStr(key.token)))
    query = OrderQuery(order_number=str(ORDER), posting_number=None, sku=None)
    context = await channel.order_context(ChatRef(str(chat.chat_id)), query)
    assert context is not None
    assert context.product_name == "Чайник Vita 1,7 л"
    assert context.status is OrderStatus.AWAITING_SHIPMENT
    assert (context.delivery_from, context.delivery_to) == (date(2026, 12, 5), date(2026, 12, 6))
    assert emu.calls[(str(BUSINESS), "/orders")] == 2  # ours and the client's


async def test_an_order_yandex_does_not_return_is_no_context(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    key = emu.state.issue_key([BUSINESS], scopes=["ALL_METHODS"]).token
    channel = YmMarketplace(client).channel(Credentials(str(BUSINESS), SecretStr(key)))
    query = OrderQuery(order_number=str(ORDER), posting_number=None, sku=None)
    assert await channel.order_context(ChatRef("1"), query) is None
    not_a_number = OrderQuery(order_number="A-1", posting_number=None, sku=None)
    assert await channel.order_context(ChatRef("1"), not_a_number) is None
    assert emu.calls[(str(BUSINESS), "/orders")] == 1  # no call for an id Yandex never gives


async def test_a_chat_only_key_is_refused_orders(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    """getBusinessOrders' scopes do not include COMMUNICATION: the connector's error, which
    the bridge turns into a header without the order's lines."""
    key = emu.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
    emu.state.describe_order(BUSINESS, ORDER, status="DELIVERY")
    with pytest.raises(MarketplaceError):
        await client.for_seller(key, BUSINESS).order(ORDER)


async def test_a_refused_key_is_not_asked_again_within_the_hour(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    """A chat-only key: one refused call, then no call per post for an hour (the header has
    no order lines either way)."""
    now = [datetime(2026, 12, 3, 9, 0, tzinfo=UTC)]
    key = emu.state.issue_key([BUSINESS], scopes=["COMMUNICATION"]).token
    emu.state.describe_order(BUSINESS, ORDER, status="DELIVERY")
    market = YmMarketplace(client, clock=lambda: now[0])
    query = OrderQuery(order_number=str(ORDER), posting_number=None, sku=None)
    for _ in range(3):
        channel = market.channel(Credentials(str(BUSINESS), SecretStr(key)))
        assert await channel.order_context(ChatRef("1"), query) is None
    assert emu.calls[(str(BUSINESS), "/orders")] == 1
    now[0] += timedelta(hours=1)
    assert await channel.order_context(ChatRef("1"), query) is None
    assert emu.calls[(str(BUSINESS), "/orders")] == 2


def _order(status: str, **extra: object) -> BusinessOrder:
    return BusinessOrder.model_validate(
        {"orderId": ORDER, "status": status, "items": [], "delivery": {"dates": {}}} | extra
    )


def test_every_status_of_the_spec_has_a_name() -> None:
    statuses = api_spec()["components"]["schemas"]["OrderStatusType"]["enum"]
    for code in statuses:
        context = order_context(_order(code))
        assert context.status is not None
        assert f"order.status.{context.status.value}" in TEXTS, code
        assert (context.status is OrderStatus.OTHER) == (code == "UNKNOWN"), code
    assert order_context(_order("SOMETHING_NEW")).status is OrderStatus.OTHER
    for value in OrderStatus:
        assert set(TEXTS[f"order.status.{value.value}"]) == {"ru", "en"}


def test_one_delivery_day_when_yandex_gives_no_to_date() -> None:
    context = order_context(_order("DELIVERY", delivery={"dates": {"fromDate": "2026-12-05"}}))
    assert context.delivery_from == context.delivery_to == date(2026, 12, 5)
    assert order_context(_order("")).status is None
