"""JSON shapes of the Seller API: request field parsing and response serialisation.

Kept apart from the routes so the exact wire format (string ids, UPPER enums, millisecond
timestamps) lives in one place and can be read against the reference document.
"""

from __future__ import annotations

from typing import Any

from . import errors
from .ids import format_time
from .markdown import file_markdown, image_markdown
from .models import Chat, Message

UINT64_MAX = 2**64 - 1


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise errors.invalid_body()
    return body


def optional_object(body: dict[str, Any], field: str) -> dict[str, Any]:
    """A nested object such as ``filter``; absent or null means empty."""
    value = body.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors.invalid_body()
    return value


def required_string(body: dict[str, Any], field: str) -> str:
    """A required non-empty string field (``<field> is required`` otherwise)."""
    value = body.get(field)
    if value is None or value == "":
        raise errors.required(field)
    if not isinstance(value, str):
        raise errors.invalid_body()
    return value


def optional_string(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise errors.invalid_body()
    return value


def optional_bool(body: dict[str, Any], field: str) -> bool:
    value = body.get(field)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise errors.invalid_body()
    return value


def optional_int(body: dict[str, Any], field: str) -> int | None:
    """An int64 field; protojson also allows it as a decimal string."""
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool):
        raise errors.invalid_body()
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise errors.invalid_body()


def uint64(value: Any) -> int | None:
    """A uint64 id sent as a JSON number or a decimal string; ``None``/``""`` mean absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise errors.invalid_body()
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isdigit():
        number = int(value)
    else:
        raise errors.invalid_body()
    if not 0 <= number <= UINT64_MAX:
        raise errors.invalid_body()
    return number


def uint64_list(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.invalid_body()
    ids = [uint64(item) for item in value]
    return [item for item in ids if item is not None]


def chat_item(chat: Chat) -> dict[str, Any]:
    """One ``/v3/chat/list`` entry: nested ``chat`` object, ids as strings."""
    return {
        "chat": {
            "created_at": format_time(chat.created_at),
            "chat_id": chat.id,
            "chat_status": str(chat.status),
            "chat_type": str(chat.type),
        },
        "first_unread_message_id": str(chat.first_unread_message_id()),
        "last_message_id": str(chat.last_message_id()),
        "unread_count": chat.unread,
    }


def message_data(message: Message, base_url: str) -> list[str]:
    """The Markdown ``data`` array; attachment links point at ``base_url``."""
    attachment = message.attachment
    if attachment is None:
        return [message.text or ""]
    if message.is_image:
        return [image_markdown(base_url, attachment.path)]
    return [file_markdown(base_url, attachment.path, attachment.name, len(attachment.content))]


def unreadable_item(item: dict[str, Any]) -> dict[str, Any]:
    """A history item Ozon might send broken: its id is intact, its date and content are not."""
    return {**item, "created_at": "not-a-date", "data": {"unexpected": True}}


def message_item(chat: Chat, message: Message, base_url: str) -> dict[str, Any]:
    """One ``/v3/chat/history`` message."""
    return {
        "message_id": str(message.id),
        "user": {"id": message.user_id, "type": str(message.user_type)},
        "created_at": format_time(message.created_at),
        "is_read": chat.is_read(message),
        "is_image": message.is_image,
        "moderate_image_status": "SUCCESS" if message.is_image else "",
        "data": message_data(message, base_url),
        "context": {"order_number": message.order_number, "sku": message.sku},
    }
