"""Pydantic models of what Wildberries' buyer-chat API returns.

Lenient on input, strict on output: every field WB may leave out has a default (some events
carry no ``message``, ``replySign`` comes only with ``isNewChat``, ``goodCard`` lost fields in
2026), ids are always ``str``, times are aware UTC, and a ``sender`` we have never seen becomes
``UNKNOWN`` instead of failing the page. Field names are ours; WB's spellings are aliases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _str_or_none(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    return value


def _int_or_none(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.lstrip("-").isdigit() else None
    return value


def _list(value: Any) -> Any:
    return [] if value is None else value


def _text(value: Any) -> Any:
    return "" if value is None else value


def _id(value: Any) -> Any:
    text = _str_or_none(value)
    return "" if text is None else text


def _number_or_none(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return value


OptStr = Annotated[str | None, BeforeValidator(_str_or_none)]
Id = Annotated[str, BeforeValidator(_id)]
OptInt = Annotated[int | None, BeforeValidator(_int_or_none)]
Text = Annotated[str, BeforeValidator(_text)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class Sender(StrEnum):
    CLIENT = "client"
    SELLER = "seller"
    WB = "wb"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: Any) -> Sender:
        text = str(value).strip().lower() if value is not None else ""
        return next((member for member in cls if member.value == text), cls.UNKNOWN)


def _sender(value: Any) -> Any:
    return Sender.parse(value)


class GoodCard(_Model):
    """The product a chat is about; ``nm_id`` makes the WB product link."""

    nm_id: OptInt = Field(default=None, alias="nmID")
    price: Annotated[float | None, BeforeValidator(_number_or_none)] = None
    price_currency: OptStr = Field(default=None, alias="priceCurrency")
    rid: OptStr = None
    size: OptStr = None
    date: OptStr = None


class LastMessage(_Model):
    text: Text = ""
    add_timestamp: OptInt = Field(default=None, alias="addTimestamp")


class Chat(_Model):
    """One chat of ``GET /api/v1/seller/chats``."""

    chat_id: Id = Field(alias="chatID")
    reply_sign: OptStr = Field(default=None, alias="replySign")
    client_name: Text = Field(default="", alias="clientName")
    good_card: GoodCard | None = Field(default=None, alias="goodCard")
    last_message: LastMessage | None = Field(default=None, alias="lastMessage")


class AttachedFile(_Model):
    download_id: OptStr = Field(default=None, alias="downloadID")
    name: Text = ""
    content_type: OptStr = Field(default=None, alias="contentType")
    size: OptInt = None
    url: OptStr = None
    date: OptStr = None


class AttachedImage(_Model):
    download_id: OptStr = Field(default=None, alias="downloadID")
    url: OptStr = None
    date: OptStr = None


class Attachments(_Model):
    good_card: GoodCard | None = Field(default=None, alias="goodCard")
    files: Annotated[list[AttachedFile], BeforeValidator(_list)] = Field(default_factory=list)
    images: Annotated[list[AttachedImage], BeforeValidator(_list)] = Field(default_factory=list)


class EventMessage(_Model):
    text: Text = ""
    attachments: Attachments = Field(default_factory=Attachments)


def _attachments(value: Any) -> Any:
    return {} if value is None else value


class Event(_Model):
    """One event of ``GET /api/v1/seller/events`` (today always a message of some side).

    The spec marks no field required, so even ids default to ``""`` instead of failing the
    whole page (which would stall the stream on it); see ``readable``."""

    chat_id: Id = Field(default="", alias="chatID")
    event_id: Id = Field(default="", alias="eventID")
    event_type: Text = Field(default="message", alias="eventType")
    is_new_chat: bool = Field(default=False, alias="isNewChat")
    message: EventMessage | None = None
    source: Text = ""
    add_timestamp: OptInt = Field(default=None, alias="addTimestamp")
    add_time: OptStr = Field(default=None, alias="addTime")
    reply_sign: OptStr = Field(default=None, alias="replySign")
    sender: Annotated[Sender, BeforeValidator(_sender)] = Sender.UNKNOWN
    client_name: Text = Field(default="", alias="clientName")

    @property
    def readable(self) -> bool:
        """False when WB left out the chat id: the event cannot be placed in any chat."""
        return bool(self.chat_id)

    @property
    def created_at(self) -> datetime | None:
        """When WB stored the event: ``addTimestamp`` (ms) first, else ``addTime``."""
        if self.add_timestamp is not None:
            return datetime.fromtimestamp(self.add_timestamp / 1000, UTC)
        if self.add_time:
            try:
                parsed = datetime.fromisoformat(self.add_time.replace("Z", "+00:00"))
            except ValueError:
                return None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return None

    @property
    def text(self) -> str:
        return self.message.text if self.message is not None else ""

    @property
    def attachments(self) -> Attachments:
        return self.message.attachments if self.message is not None else Attachments()


class EventsPage(_Model):
    """One page of events; call again with ``next`` until ``exhausted``."""

    next: OptInt = None
    total_events: int = Field(default=0, alias="totalEvents")
    newest_event_time: OptStr = Field(default=None, alias="newestEventTime")
    oldest_event_time: OptStr = Field(default=None, alias="oldestEventTime")
    events: Annotated[list[Event], BeforeValidator(_list)] = Field(default_factory=list)

    @property
    def exhausted(self) -> bool:
        """WB's documented end of the stream: ``totalEvents == 0``."""
        return self.total_events == 0


class SendResult(_Model):
    """What a send returns. There is no message id: ``add_time`` may be the chat's creation
    time, so it is not a message key. ``errors`` lists per-file upload failures."""

    chat_id: OptStr = Field(default=None, alias="chatID")
    add_time: OptInt = Field(default=None, alias="addTime")
    sign: OptStr = None
    errors: tuple[str, ...] = ()


class Download(_Model):
    """A downloaded attachment."""

    content: bytes
    content_type: str
    name: str | None = None
