"""JSON shapes of the emulated API, as the reference and Yandex's OpenAPI give them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .state import ChatRecord, MessageRecord, OrderRecord, iso


def context_json(chat: ChatRecord) -> dict[str, Any]:
    """``ChatFullContextDTO``: the buyer always; store and order for ORDER and RETURN;
    the return id for RETURN; DIRECT chats carry neither."""
    body: dict[str, Any] = {"type": chat.context_type}
    customer = {
        k: v for k, v in (("name", chat.customer_name), ("publicId", chat.customer_public_id)) if v
    }
    if customer:
        body["customer"] = customer
    if chat.campaign_id is not None:
        body["campaignId"] = chat.campaign_id
    if chat.order_id is not None:
        body["orderId"] = chat.order_id
    if chat.return_id is not None:
        body["returnId"] = chat.return_id
    return body


def chat_json(chat: ChatRecord) -> dict[str, Any]:
    return {
        "chatId": chat.chat_id,
        "context": context_json(chat),
        "type": chat.chat_type,
        "status": chat.status,
        "createdAt": iso(chat.created_at),
        "updatedAt": iso(chat.updated_at),
    }


def message_json(message: MessageRecord, files_base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messageId": message.message_id,
        "createdAt": iso(message.created_at),
        "sender": message.sender,
    }
    if message.text:
        body["message"] = message.text
    if message.files:
        body["payload"] = [
            {"name": f.name, "url": f"{files_base}/{f.file_id}", "size": len(f.content)}
            for f in message.files
        ]
    return body


def ok(result: Any = None) -> dict[str, Any]:
    return {"status": "OK"} if result is None else {"status": "OK", "result": result}


def error(code: str, message: str) -> dict[str, Any]:
    return {"status": "ERROR", "errors": [{"code": code, "message": message}]}


def order_json(order: OrderRecord) -> dict[str, Any]:
    """``BusinessOrderDTO`` with its required fields and those the bot reads. Yandex always
    gives a delivery date (``dates.fromDate`` is required): three days after the order when
    the test set none."""
    start = order.from_date or (order.created_at + timedelta(days=3)).date().isoformat()
    dates = {"fromDate": start} | ({"toDate": order.to_date} if order.to_date else {})
    return {
        "orderId": order.order_id,
        "campaignId": order.campaign_id,
        "status": order.status,
        "substatus": order.substatus,
        "creationDate": iso(order.created_at),
        "paymentType": "PREPAID",
        "paymentMethod": "YANDEX",
        "fake": False,
        "items": [
            {
                "id": order.order_id * 10 + 1,
                "offerId": f"SKU-{order.order_id}",
                "offerName": order.offer_name or "Товар",
                "count": 1,
            }
        ],
        "delivery": {
            "type": "PICKUP",
            "serviceName": "Доставка Маркета",
            "deliveryServiceId": 1006360,
            "deliveryPartnerType": "YANDEX_MARKET",
            "dates": dates,
        },
    }
