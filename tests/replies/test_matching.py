"""Telling our own replies apart in Ozon's history, as plain functions over messages: the
check before a resend (connectors/ozon/delivery.py) and the match on ingest."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.sync.ingest import _take_matching_reply
from connectors.marketplace.messages import Message
from connectors.ozon.adapter import message
from connectors.ozon.delivery import Delivery, verify_file, verify_text
from connectors.ozon.models import ChatMessage
from storage.records import ReplyItem

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
IMAGE = "![](https://api-seller.ozon.ru/v2/chat/file/messenger/a1.jpg)"


def _message(message_id: str, data: str, *, seconds: int = 10, author: str = "Seller") -> Any:
    return ChatMessage.model_validate(
        {
            "message_id": message_id,
            "user": {"id": "1", "type": author},
            "created_at": (T0 + timedelta(seconds=seconds)).isoformat(),
            "data": [data],
            "is_image": data.startswith("!["),
        }
    )


def _ingested(message_id: str, data: str) -> Message:
    """The same history item as ingest sees it, through the Ozon adapter."""
    return message(_message(message_id, data))


def _document(name: str) -> str:
    return f"[{name} (12KB)](https://api-seller.ozon.ru/v2/chat/file/docs/x/{name})"


def _reply(item_id: int, *, text: str = "", name: str | None = None) -> ReplyItem:
    return ReplyItem(
        id=item_id, chat_id=1, idempotency_key=f"k{item_id}", origin="agent", agent_id=None,
        suggestion_id=None, tg_chat_id=None, tg_message_id=None,
        kind="file" if name else "text", text=text,
        file={"tg_file_id": "f", "name": name} if name else None, status="sending",
        attempts=1, not_before=T0, lease_until=None, error_code=None, error_detail=None,
        marketplace_message_id=None, created_at=T0, sent_at=None, attempt_started_at=T0,
    )  # fmt: skip


def test_a_document_is_found_by_its_exact_name_only() -> None:
    history = [_message("1", _document("data.pdf")), _message("2", _document("a.pdf"))]
    found = verify_file(history, since=T0, name="a.pdf", is_image=False)
    assert (found.outcome, found.message_id) == (Delivery.FOUND, "2")
    missing = verify_file(history[:1], since=T0, name="a.pdf", is_image=False)
    assert missing.outcome is Delivery.NOT_FOUND  # "data.pdf" contains "a.pdf": not ours


def test_an_image_is_ours_only_when_it_is_the_one_unknown_seller_image_since_the_start() -> None:
    before = _message("1", IMAGE, seconds=-60)
    ours = _message("2", IMAGE)
    buyers = _message("3", IMAGE, author="Customer")
    assert verify_file([before, buyers], since=T0, name="p.jpg", is_image=True).outcome is (
        Delivery.NOT_FOUND
    )
    assert verify_file([before, ours, buyers], since=T0, name="p.jpg", is_image=True) == (
        verify_file([ours], since=T0, name="p.jpg", is_image=True)
    )
    second = _message("4", IMAGE, seconds=20)
    both = [ours, second]
    assert verify_file(both, since=T0, name="p.jpg", is_image=True).outcome is Delivery.AMBIGUOUS
    known = verify_file(both, since=T0, name="p.jpg", is_image=True, exclude={"2"})
    assert (known.outcome, known.message_id) == (Delivery.FOUND, "4")


def test_a_text_already_matched_to_another_reply_is_not_taken_again() -> None:
    history = [_message("1", "Спасибо!"), _message("2", "Спасибо!", seconds=20)]
    assert verify_text(history, since=T0, text="Спасибо!", exclude={"1"}).message_id == "2"
    assert verify_text(history, since=T0, text="Спасибо!", exclude={"1", "2"}).outcome is (
        Delivery.NOT_FOUND
    )


def test_ingest_recognises_our_text_document_and_image_replies() -> None:
    text, document, photo = (
        _reply(1, text="Добрый день"),
        _reply(2, name="a.pdf"),
        _reply(3, name="photo_7.jpg"),
    )
    unmatched = [text, document, photo]
    assert _take_matching_reply(unmatched, _ingested("10", IMAGE)) is photo
    assert _take_matching_reply(unmatched, _ingested("11", _document("a.pdf"))) is document
    assert _take_matching_reply(unmatched, _ingested("12", "Добрый день")) is text
    assert unmatched == []
    assert _take_matching_reply([_reply(4, name="b.pdf")], _ingested("13", IMAGE)) is None


def test_ingest_takes_the_reply_the_worker_already_found_by_message_id() -> None:
    found = dataclasses.replace(_reply(5, text="Да"), marketplace_message_id="20")
    other = _reply(6, text="Да")
    unmatched = [found, other]
    assert _take_matching_reply(unmatched, _ingested("21", "Да")) is other  # not the found one
    assert _take_matching_reply(unmatched, _ingested("20", "Да")) is found
