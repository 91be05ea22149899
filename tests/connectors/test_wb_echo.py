"""Finding our own send among the events, for both readings of how WB echoes it."""

from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.wildberries.echo import SentFile, find_echo, is_portal_reply
from connectors.wildberries.models import Event

from .wb_fakes import CHAT_ID, JPEG, PDF

SENT = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def event(
    event_id: str,
    *,
    text: str | None = None,
    files: tuple[str, ...] = (),
    images: int = 0,
    source: str = "seller-public-api",
    sender: str = "seller",
    at: datetime = SENT + timedelta(seconds=1),
    chat_id: str = CHAT_ID,
) -> Event:
    message: dict[str, Any] = {
        "text": text,
        "attachments": {
            "files": [{"name": n, "downloadID": n} for n in files],
            "images": [{"downloadID": f"i{k}"} for k in range(images)],
        },
    }
    return Event.model_validate(
        {
            "chatID": chat_id,
            "eventID": event_id,
            "sender": sender,
            "source": source,
            "addTimestamp": int(at.timestamp() * 1000),
            "message": message,
        }
    )


def test_text_found_and_not_found() -> None:
    events = [event("e1", text="Ответ")]
    assert find_echo(events, chat_id=CHAT_ID, since=SENT, text="Ответ ").event_ids == ("e1",)
    assert not find_echo(events, chat_id=CHAT_ID, since=SENT, text="Другое").found
    assert not find_echo(events, chat_id="1:other", since=SENT, text="Ответ").found
    later = SENT + timedelta(seconds=5)
    assert not find_echo(events, chat_id=CHAT_ID, since=later, text="Ответ").found
    assert not find_echo(events, chat_id=CHAT_ID, since=SENT, text="Ответ", exclude={"e1"}).found


def test_portal_and_buyer_messages_are_not_our_echo() -> None:
    portal = event("p", text="Ответ", source="seller-portal")
    buyer = event("b", text="Ответ", sender="client", source="rusite")
    assert is_portal_reply(portal) and not is_portal_reply(buyer)
    assert not find_echo([portal, buyer], chat_id=CHAT_ID, since=SENT, text="Ответ").found


def test_files_in_one_event_or_spread_over_several() -> None:
    files = [SentFile.of("Акт.pdf", PDF), SentFile.of("photo.jpg", JPEG)]
    together = [event("e1", text="Вот", files=("Акт.pdf",), images=1)]
    spread = [event("e1", text="Вот"), event("e2", files=("Акт.pdf",)), event("e3", images=1)]
    one = find_echo(together, chat_id=CHAT_ID, since=SENT, text="Вот", files=files)
    assert one.found and one.event_ids == ("e1",)
    many = find_echo(spread, chat_id=CHAT_ID, since=SENT, text="Вот", files=files)
    assert many.found and set(many.event_ids) == {"e1", "e2", "e3"}
    missing = [event("e1", text="Вот", files=("Акт.pdf",))]
    assert not find_echo(missing, chat_id=CHAT_ID, since=SENT, text="Вот", files=files).found


def test_a_pdf_is_never_matched_by_an_unnamed_image() -> None:
    files = [SentFile.of("Акт.pdf", PDF)]
    assert not files[0].is_image
    events = [event("e1", images=1)]
    assert not find_echo(events, chat_id=CHAT_ID, since=SENT, text=None, files=files).found
