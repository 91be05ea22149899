"""What must be processed in order: the key an update is serialised by.

One topic's updates run one at a time in Telegram order, while topics of one group (and
different chats) run in parallel. Works on the raw JSON, so the same rule serves long
polling and a later webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Update types that carry a Message whose chat (and topic) orders them.
MESSAGE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)

#: Update types that carry a ``chat`` directly and are ordered with that chat.
CHAT_KINDS = (
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "message_reaction",
    "message_reaction_count",
    "chat_boost",
    "removed_chat_boost",
)


def update_kind(update: Mapping[str, Any]) -> str:
    """The update's type: its one field besides ``update_id``."""
    for name in update:
        if name != "update_id":
            return name
    return "unknown"


def _message_key(message: Mapping[str, Any]) -> str | None:
    chat = message.get("chat")
    if not isinstance(chat, Mapping) or "id" not in chat:
        return None
    thread = message.get("message_thread_id")
    if message.get("is_topic_message") and thread is not None:
        return f"chat:{chat['id']}:topic:{thread}"
    return f"chat:{chat['id']}"


def chat_key(update: Mapping[str, Any]) -> str:
    """``chat:<id>`` or ``chat:<id>:topic:<thread>``; else ``<type>:<update_id>``."""
    kind = update_kind(update)
    body = update.get(kind)
    if isinstance(body, Mapping):
        if kind in MESSAGE_KINDS:
            key = _message_key(body)
            if key is not None:
                return key
        elif kind == "callback_query":
            message = body.get("message")
            if isinstance(message, Mapping):
                key = _message_key(message)
                if key is not None:
                    return key
        elif kind in CHAT_KINDS:
            chat = body.get("chat")
            if isinstance(chat, Mapping) and "id" in chat:
                return f"chat:{chat['id']}"
    return f"{kind}:{update.get('update_id')}"
