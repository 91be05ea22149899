"""Ozon push subscriptions managed by API (``/v1/notification/*``, beta since 2026-04-08).

Documented in the reference (``yandex-market-chat-api.md`` §12.1), not in the 2025 swagger
the project validates against, so the shapes here follow the reference and every field of
an answer is optional: a beta that changes an answer must degrade to "unknown health", not
break adding a shop. Every refusal is the caller's cue to fall back to the URL pasted by
hand.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from connectors.errors import MarketplaceError
from connectors.ozon.client import OzonSellerApi

SET = "/v1/notification/set"
UPDATE = "/v1/notification/update"
DELETE = "/v1/notification/delete"
CHECK = "/v1/notification/check"
LIST = "/v1/notification/list"
LIST_LIMIT = 100

#: What a buyer-chat desk subscribes to (the four chat types Ozon pushes).
CHAT_PUSH_TYPES: tuple[str, ...] = (
    "TYPE_NEW_MESSAGE",
    "TYPE_UPDATE_MESSAGE",
    "TYPE_MESSAGE_READ",
    "TYPE_CHAT_CLOSED",
)


class Availability(StrEnum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: Any) -> Availability:
        try:
            return cls(str(value).upper())
        except ValueError:
            return cls.UNKNOWN


class PushTypeInfo(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = ""


class Subscription(BaseModel):
    """One registered URL as ``/v1/notification/list`` reports it."""

    model_config = ConfigDict(extra="ignore")

    id: int
    url: str = ""
    enable: bool = True
    types: list[PushTypeInfo] = Field(default_factory=list)
    availability_status: Availability = Availability.UNKNOWN
    availability_status_date: str | None = None
    disable_reason: str | None = None
    problematic_type: str | None = None
    reason_details: str | None = None

    @field_validator("availability_status", mode="before")
    @classmethod
    def _lenient_status(cls, value: Any) -> Availability:
        return Availability.parse(value)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_int(cls, value: Any) -> Any:
        return int(value) if isinstance(value, str) and value.isdigit() else value

    @property
    def type_names(self) -> frozenset[str]:
        return frozenset(t.type for t in self.types)


class SubscriptionList(BaseModel):
    model_config = ConfigDict(extra="ignore")
    urls: list[Subscription] = Field(default_factory=list)
    total_count: int = 0


class OzonPushSubscriptions:
    """The notification methods as one seller sees them."""

    def __init__(self, api: OzonSellerApi) -> None:
        self._api = api

    async def set(self, url: str, types: tuple[str, ...] = CHAT_PUSH_TYPES) -> int | None:
        """Register ``url``; the new subscription's id when the answer names it."""
        answer = await self._api.call(SET, {"types": list(types), "url": url})
        ident = answer.get("id")
        if isinstance(ident, dict):  # {"result": {"id": ...}} in some beta answers
            ident = ident.get("id")
        return int(ident) if isinstance(ident, int | str) and str(ident).isdigit() else None

    async def update(
        self, subscription_id: int, *, url: str, types: tuple[str, ...] = CHAT_PUSH_TYPES
    ) -> None:
        await self._api.call(UPDATE, {"id": subscription_id, "types": list(types), "url": url})

    async def delete(self, subscription_id: int) -> None:
        await self._api.call(DELETE, {"id": subscription_id})

    async def list(self) -> list[Subscription]:
        """Every registered URL (all three health states), first page of 100."""
        answer = await self._api.call(
            LIST,
            {
                "availability_statuses": ["GREEN", "YELLOW", "RED"],
                "limit": LIST_LIMIT,
                "offset": 0,
                "sort_dir": "ASC",
            },
        )
        try:
            return SubscriptionList.model_validate(answer).urls
        except ValidationError as exc:
            raise MarketplaceError(f"malformed response from {LIST}") from exc
