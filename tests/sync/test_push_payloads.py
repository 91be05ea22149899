"""Ozon push payloads in both known spellings, and the network check that stands in for the
signature Ozon does not provide."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import UTC, datetime

import pytest

from bot.settings import OZON_PUSH_NETWORKS
from bot.sync.push import PollTrigger, allowed
from connectors.ozon.push import PushPayloadError, PushType, parse_push, ping_reply

CHAT = "b646d975-0c9c-4872-9f41-8b1e57181063"


@pytest.mark.parametrize(
    ("chat_type", "seller_id"),
    [("Buyer_Seller", 7), ("BUYER_SELLER", "7"), ("buyer_seller_select", 7)],
)
def test_a_buyer_message_push_is_chat_activity_in_either_spelling(
    chat_type: str, seller_id: int | str
) -> None:
    event = parse_push(
        {
            "message_type": "TYPE_NEW_MESSAGE",
            "chat_id": CHAT,
            "chat_type": chat_type,
            "message_id": 3000000000817031942,
            "user": {"id": "115568", "type": "Сustomer"},  # Cyrillic С, as in Ozon's docs
            "data": ["Здравствуйте"],
            "seller_id": seller_id,
        }
    )
    assert event.kind is PushType.NEW_MESSAGE
    assert event.is_buyer_chat_activity
    assert (event.seller_id, event.message_id) == ("7", "3000000000817031942")


def test_system_chats_reads_and_foreign_events_are_not_chat_activity() -> None:
    system = parse_push(
        {"message_type": "TYPE_NEW_MESSAGE", "chat_type": "Seller_API_Updates", "seller_id": 7}
    )
    read = parse_push(
        {"message_type": "TYPE_MESSAGE_READ", "chat_type": "Buyer_Seller", "seller_id": 7}
    )
    order = parse_push({"message_type": "TYPE_NEW_POSTING", "seller_id": 7})
    assert not system.is_buyer_chat_activity
    assert not read.is_buyer_chat_activity
    assert order.kind is None and not order.is_buyer_chat_activity


@pytest.mark.parametrize("body", [[], "ping", {}, {"message_type": ""}, {"message_type": 5}])
def test_a_body_that_is_not_a_push_is_refused(body: object) -> None:
    with pytest.raises(PushPayloadError):
        parse_push(body)


def test_the_ping_reply_has_the_fields_ozon_checks() -> None:
    reply = ping_reply(name="bot", version="1.0", started=datetime(2025, 9, 14, 8, tzinfo=UTC))
    assert reply == {"version": "1.0", "name": "bot", "time": "2025-09-14T08:00:00.000Z"}


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("195.34.21.17", True),
        ("185.73.195.1", True),
        ("91.223.93.254", True),
        ("185.73.196.1", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("not-an-ip", False),
        (None, False),
    ],
)
def test_only_ozons_networks_may_push_by_default(address: str | None, expected: bool) -> None:
    networks = [ipaddress.ip_network(n) for n in OZON_PUSH_NETWORKS]
    assert allowed(address, networks) is expected


async def test_pushes_during_a_poll_coalesce_into_one_more_poll() -> None:
    polls: list[int] = []
    release = asyncio.Event()

    async def poll(seller_id: int) -> None:
        polls.append(seller_id)
        await release.wait()

    trigger = PollTrigger(poll)
    trigger.request(1)
    await asyncio.sleep(0)
    for _ in range(10):
        trigger.request(1)  # a burst of pushes while the first poll runs
    trigger.request(2)
    await asyncio.sleep(0)
    release.set()
    await trigger.drain()
    assert sorted(polls) == [1, 1, 2]
