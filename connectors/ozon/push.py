"""Ozon push notifications (seller webhooks): the payloads and the replies Ozon expects.

Ozon documents no signature, so a push is only a hint: the receiver checks where it came
from and then re-reads the chat through the REST API; nothing in a payload is stored. Both
spellings Ozon is known to use are accepted (``Buyer_Seller`` in the push docs,
``BUYER_SELLER`` in REST v3; ``seller_id`` as a number or a string).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from connectors.ozon.models import ChatType


class PushType(StrEnum):
    PING = "TYPE_PING"
    NEW_MESSAGE = "TYPE_NEW_MESSAGE"
    UPDATE_MESSAGE = "TYPE_UPDATE_MESSAGE"
    MESSAGE_READ = "TYPE_MESSAGE_READ"
    CHAT_CLOSED = "TYPE_CHAT_CLOSED"


#: Events after which a poll of the seller shows something new.
CHAT_ACTIVITY = frozenset({PushType.NEW_MESSAGE, PushType.UPDATE_MESSAGE, PushType.CHAT_CLOSED})


class PushPayloadError(ValueError):
    """The body is not a push notification (Ozon is told so with a 400)."""


class PushEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message_type: str = Field(min_length=1)
    chat_id: str | None = None
    chat_type: ChatType = ChatType.UNKNOWN
    message_id: str | None = None
    seller_id: str | None = None
    updated_at: str | None = None

    @field_validator("chat_type", mode="before")
    @classmethod
    def _lenient_chat_type(cls, value: Any) -> ChatType:
        return ChatType.parse(value)

    @field_validator("seller_id", "message_id", "chat_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @property
    def kind(self) -> PushType | None:
        try:
            return PushType(self.message_type.upper())
        except ValueError:
            return None  # order, stock, content… events: not ours, still acknowledged

    @property
    def event_key(self) -> str:
        """What tells two events of one type and chat apart (Ozon gives no event id): the
        message id, with the edit time for an edit; nothing for a closed chat."""
        if self.kind is PushType.UPDATE_MESSAGE and self.updated_at:
            return f"{self.message_id or ''}@{self.updated_at}"
        return self.message_id or ""

    @property
    def is_buyer_chat_activity(self) -> bool:
        return self.kind in CHAT_ACTIVITY and self.chat_type in (
            ChatType.BUYER_SELLER,
            ChatType.BUYER_SELLER_SELECT,
        )


def parse_push(body: Any) -> PushEvent:
    if not isinstance(body, dict):
        raise PushPayloadError("the body must be a JSON object")
    try:
        return PushEvent.model_validate(body)
    except ValidationError:
        raise PushPayloadError("message_type is missing or malformed") from None


def ok_reply() -> dict[str, Any]:
    return {"result": True}


def ping_reply(*, name: str, version: str, started: datetime) -> dict[str, Any]:
    return {
        "version": version,
        "name": name,
        "time": started.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def error_reply(code: str, message: str) -> dict[str, Any]:
    """``code`` is one of Ozon's: ERROR_UNKNOWN, ERROR_PARAMETER_VALUE_MISSED,
    ERROR_REQUEST_DUPLICATED."""
    return {"error": {"code": code, "message": message, "details": None}}
