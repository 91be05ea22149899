"""Yandex Market push notifications ("API-уведомления"): the bodies Market posts and the
answers it expects (``marketplace-specs/ym-notification.json``, reference §5).

Market signs nothing, so a notification is a hint with ids: the receiver stores the ids and
the work (reading the chat or the message through the API) happens after the answer. Every
notification, not only PING, is answered 200 with ``{version, name, time}``; 400 tells
Market the body was wrong and is not retried; 500 makes it retry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class NotificationType(StrEnum):
    PING = "PING"
    CHAT_CREATED = "CHAT_CREATED"
    CHAT_MESSAGE_SENT = "CHAT_MESSAGE_SENT"
    CHAT_ARBITRAGE_STARTED = "CHAT_ARBITRAGE_STARTED"
    CHAT_ARBITRAGE_FINISHED = "CHAT_ARBITRAGE_FINISHED"


class ErrorType(StrEnum):
    UNKNOWN = "UNKNOWN"
    WRONG_EVENT_FORMAT = "WRONG_EVENT_FORMAT"
    DUPLICATED_EVENT = "DUPLICATED_EVENT"


#: What each chat type must carry besides ``notificationType`` and ``businessId``.
_REQUIRED: dict[NotificationType, tuple[str, ...]] = {
    NotificationType.CHAT_CREATED: ("chat_id",),
    NotificationType.CHAT_MESSAGE_SENT: ("chat_id", "message_id"),
    NotificationType.CHAT_ARBITRAGE_STARTED: ("chat_id",),
    NotificationType.CHAT_ARBITRAGE_FINISHED: ("chat_id",),
}


class NotificationError(ValueError):
    """The body is not a notification Market could have meant (answered 400)."""


class Notification(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    notification_type: str = Field(alias="notificationType", min_length=1)
    business_id: int | None = Field(default=None, alias="businessId")
    chat_id: int | None = Field(default=None, alias="chatId")
    message_id: str | None = Field(default=None, alias="messageId")
    created_at: str | None = Field(default=None, alias="createdAt")
    sent_at: str | None = Field(default=None, alias="sentAt")
    started_at: str | None = Field(default=None, alias="startedAt")
    finished_at: str | None = Field(default=None, alias="finishedAt")
    time: str | None = None

    @field_validator("message_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("business_id", "chat_id", mode="before")
    @classmethod
    def _id_as_int(cls, value: Any) -> Any:
        return int(value) if isinstance(value, str) and value.isdigit() else value

    @property
    def kind(self) -> NotificationType | None:
        """None for order, return, review and question types: acknowledged, not ours."""
        try:
            return NotificationType(self.notification_type.upper())
        except ValueError:
            return None

    @property
    def event_key(self) -> str:
        """What tells two events of one type and chat apart: the message id; for a dispute
        its start or end time; a chat is created once."""
        kind = self.kind
        if kind is NotificationType.CHAT_MESSAGE_SENT:
            return self.message_id or ""
        if kind is NotificationType.CHAT_ARBITRAGE_STARTED:
            return self.started_at or ""
        if kind is NotificationType.CHAT_ARBITRAGE_FINISHED:
            return self.finished_at or ""
        return ""


def parse_notification(body: Any) -> Notification:
    if not isinstance(body, dict):
        raise NotificationError("the body must be a JSON object")
    try:
        notification = Notification.model_validate(body)
    except ValidationError:
        raise NotificationError("notificationType is missing or a field is malformed") from None
    kind = notification.kind
    if kind is None or kind is NotificationType.PING:
        return notification
    missing = [name for name in ("business_id", *_REQUIRED[kind])
               if getattr(notification, name) in (None, "")]  # fmt: skip
    if missing:
        raise NotificationError(f"{kind.value} without {', '.join(missing)}")
    return notification


def ok_reply(*, name: str, version: str, started: datetime) -> dict[str, Any]:
    """``SendNotificationResponse``: the same for every type; ``time`` is when we started."""
    return {
        "version": version,
        "name": name,
        "time": started.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def error_reply(kind: ErrorType, message: str) -> dict[str, Any]:
    """``SendNotificationErrorResponse`` (with 400: not retried; with 500: retried)."""
    return {"error": {"type": kind.value, "message": message}}
