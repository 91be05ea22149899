"""The order-context call (``/v3/posting/fbs/get``) against Ozon's official swagger
(``sandbox/ozon/spec/ozon-posting.json``): the client's request is what the spec declares
(``posting_number`` required, ``with.analytics_data``), the emulator's answer has only
declared fields of the declared types, and the client reads that answer."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from connectors.marketplace.orders import OrderQuery, OrderStatus
from connectors.marketplace.port import ChatRef
from connectors.ozon.adapter import OzonChannel
from connectors.ozon.client import POSTING, OzonClient, OzonCredentials
from sandbox.ozon import OzonEmulator

from .fakes import API_KEY, CLIENT_ID, FakeOzon, make_api, ok, rpc_error

SPEC = Path(__file__).resolve().parents[2] / "sandbox" / "ozon" / "spec" / "ozon-posting.json"
_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict, "array": list, "string": str, "integer": int, "boolean": bool,
    "number": (int, float),
}  # fmt: skip


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return data


def schema(ref: str) -> dict[str, Any]:
    node: dict[str, Any] = {"$ref": ref}
    while "$ref" in node:
        node = spec()["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def check(value: Any, node: dict[str, Any], where: str = "$") -> None:
    """Types, ``required`` and no undeclared properties (what the two sides must agree on)."""
    if "$ref" in node:
        node = schema(node["$ref"])
    if value is None:
        return  # Ozon sends null for absent optional fields
    expected = _TYPES.get(str(node.get("type", "")))
    if expected is not None:
        assert isinstance(value, expected), f"{where}: {value!r} is not {node['type']}"
    if isinstance(value, dict) and "properties" in node:
        declared = node["properties"]
        assert set(value) <= set(declared), f"{where}: undeclared {set(value) - set(declared)}"
        for name in node.get("required", []):
            assert name in value, f"{where}: {name} is required"
        for name, item in value.items():
            check(item, declared[name], f"{where}.{name}")
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            check(item, node["items"], f"{where}[{index}]")


def operation() -> dict[str, Any]:
    op: dict[str, Any] = spec()["paths"][POSTING]["post"]
    return op


def request_schema() -> dict[str, Any]:
    return dict(operation()["requestBody"]["content"]["application/json"]["schema"])


def response_schema() -> dict[str, Any]:
    return dict(operation()["responses"]["200"]["content"]["application/json"]["schema"])


async def test_the_request_is_the_specs() -> None:
    fake = FakeOzon()
    fake.queue(POSTING, ok({"result": {"posting_number": "1-1", "status": "delivered"}}))
    _, api, _ = make_api(fake)
    details = await api.posting("47873153-0052-1")
    [body] = fake.bodies(POSTING)
    check(body, request_schema())
    assert body == {"posting_number": "47873153-0052-1", "with": {"analytics_data": True}}
    assert details.status == "delivered"


async def test_an_unknown_posting_is_no_context() -> None:
    fake = FakeOzon()
    fake.queue(POSTING, rpc_error(404, 5, "posting not found"))
    client, api, _ = make_api(fake)
    channel = OzonChannel(api, client)
    query = OrderQuery(order_number="47873153-0052", posting_number=None, sku=None)
    assert await channel.order_context(ChatRef("c"), query) is None
    assert fake.bodies(POSTING)[0]["posting_number"] == "47873153-0052-1"  # the first posting


async def test_the_emulators_answer_is_the_specs_and_the_client_reads_it() -> None:
    async with OzonEmulator(port=0) as emu:
        emu.state.add_seller(CLIENT_ID, API_KEY, premium=True)
        emu.state.add_posting(
            CLIENT_ID, "47873153-0052-1", order_number="47873153-0052", sku="987654321",
            product_name="Кроссовки", status="awaiting_deliver",
            delivery_date_begin="2026-12-05T09:00:00Z", delivery_date_end="2026-12-05T21:00:00Z",
        )  # fmt: skip
        async with httpx.AsyncClient(base_url=emu.base_url) as raw:
            answer = await raw.post(
                POSTING,
                json={"posting_number": "47873153-0052-1", "with": {"analytics_data": True}},
                headers={"Client-Id": CLIENT_ID, "Api-Key": API_KEY},
            )
        assert answer.status_code == 200
        check(answer.json(), response_schema())
        async with OzonClient(base_url=emu.base_url) as client:
            creds = OzonCredentials(client_id=CLIENT_ID, api_key=API_KEY)
            channel = OzonChannel(client.for_seller(creds), client)
            query = OrderQuery(order_number="47873153-0052", posting_number=None, sku="987654321")
            context = await channel.order_context(ChatRef("c"), query)
    assert context is not None
    assert context.product_name == "Кроссовки"
    assert context.status is OrderStatus.AWAITING_SHIPMENT
    assert context.delivery_from == context.delivery_to and context.delivery_to is not None
