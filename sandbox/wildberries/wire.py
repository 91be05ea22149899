"""JSON shapes of the emulated API, as the reference and WB's OpenAPI give them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .models import ChatRecord, EventRecord, StoredFile


def iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def chat_json(chat: ChatRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "chatID": chat.chat_id,
        "replySign": chat.reply_sign,
        "clientName": chat.client_name,
        "lastMessage": {"text": chat.last_text, "addTimestamp": chat.last_ms},
    }
    if chat.good_card is not None:
        body["goodCard"] = chat.good_card
    return body


#: Where WB's CDN would keep the file; informational only (downloads go by ``downloadID``).
BASKET = "https://chat-basket-01.wbbasket.ru/vol0/emulator"


def _file(stored: StoredFile) -> dict[str, Any]:
    return {
        "contentType": stored.content_type,
        "date": stored.uploaded,
        "downloadID": stored.download_id,
        "name": stored.name,
        "url": f"{BASKET}/{stored.download_id}",
        "size": len(stored.content),
    }


def _image(stored: StoredFile) -> dict[str, Any]:
    return {
        "date": stored.uploaded,
        "downloadID": stored.download_id,
        "url": f"{BASKET}/{stored.download_id}",
    }


def event_json(event: EventRecord) -> dict[str, Any]:
    """Pictures go under ``images`` (without a name, as WB's schema has it), PDFs under
    ``files``, whichever side sent them; ``replySign`` only with ``isNewChat``."""
    attachments: dict[str, Any] = {}
    if event.good_card is not None:
        attachments["goodCard"] = event.good_card
    images = [_image(f) for f in event.files if f.is_image]
    files = [_file(f) for f in event.files if not f.is_image]
    if images:
        attachments["images"] = images
    if files:
        attachments["files"] = files
    message: dict[str, Any] = {"text": event.text or ""}
    if attachments:
        message["attachments"] = attachments
    body: dict[str, Any] = {
        "chatID": event.chat_id,
        "eventID": event.event_id,
        "eventType": "message",
        "isNewChat": event.is_new_chat,
        "message": message,
        "source": event.source,
        "addTimestamp": event.ts_ms,
        "addTime": iso_ms(event.ts_ms),
        "sender": str(event.sender),
    }
    if event.is_new_chat and event.reply_sign:
        body["replySign"] = event.reply_sign
    if event.client_name:
        body["clientName"] = event.client_name
    return body


def events_json(events: list[EventRecord], next_ms: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "next": next_ms,
        "totalEvents": len(events),
        "events": [event_json(e) for e in events],
    }
    if events:
        result["oldestEventTime"] = iso_ms(events[0].ts_ms)
        result["newestEventTime"] = iso_ms(events[-1].ts_ms)
    return {"result": result, "errors": None}
