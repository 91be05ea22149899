"""What a buyer chat's order is about, where the marketplace tells it: the product's name,
the order's status and when it is to be delivered.

An adapter that can look it up implements :class:`OrderLookup`; the core shows what it gets
in the topic's context header and shows nothing where a marketplace has no such call
(Wildberries' chat API names only the product's nmID) or the lookup fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol, runtime_checkable

from connectors.marketplace.port import ChatRef


class OrderStatus(StrEnum):
    """The few states an agent acts on; each marketplace maps its own codes onto them
    (texts ``order.status.<value>``)."""

    AWAITING_PAYMENT = "awaiting_payment"
    PROCESSING = "processing"
    AWAITING_SHIPMENT = "awaiting_shipment"
    DELIVERING = "delivering"
    AT_PICKUP_POINT = "at_pickup_point"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    DISPUTE = "dispute"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"
    OTHER = "other"  # shown with the marketplace's own code


@dataclass(frozen=True, slots=True)
class OrderContext:
    product_name: str = ""
    status: OrderStatus | None = None
    #: The marketplace's own status code (shown when ``status`` is ``OTHER``).
    status_code: str = ""
    delivery_from: date | None = None
    delivery_to: date | None = None

    @property
    def empty(self) -> bool:
        return not self.product_name and self.status is None and self.delivery_to is None


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """What the stored chat knows about its order (any may be missing)."""

    order_number: str | None
    posting_number: str | None
    sku: str | None


@runtime_checkable
class OrderLookup(Protocol):
    async def order_context(self, chat: ChatRef, query: OrderQuery) -> OrderContext | None:
        """The order's context, or None when the chat has no order the marketplace
        knows; raises the connector's errors like every other call."""
        ...
