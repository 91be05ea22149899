"""Agent → Ozon, every kind sent exactly once across lost responses and a crash mid-send
(verified in history first), one worker pass at a time (tests.support.relaying: the topic
handler queues the reply, ``relay`` runs the real reply worker against the Ozon emulator,
then the Telegram queue). They replace the full-process versions of the same checks in
test_order_and_once.py; the restart itself (a stopped process's claim taken back, the
update delivered again) stays there and in tests/e2e/test_agent_to_ozon.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod

from storage.database import Database
from storage.records import ReplyItem
from tests.support.handlers import GROUP_ID
from tests.support.relaying import PDF, PNG, RelayWorld, open_relay_world, receipts
from tests.support.texts import said, says
from tests.support.world import CLIENT_ID

KINDS = ["text", "document", "image"]
SEND, SEND_FILE, HISTORY = "/v1/chat/send/message", "/v1/chat/send/file", "/v3/chat/history"


@pytest.fixture
async def rw(db: Database) -> AsyncIterator[RelayWorld]:
    async with open_relay_world(db) as opened:
        yield opened


def sends_of(rw: RelayWorld, chat_id: str, item: ReplyItem) -> int:
    """How many times Ozon received this reply (text by text, file by name)."""
    if item.kind == "text":
        return rw.market.sent_texts(chat_id).count(item.text)
    assert item.file is not None
    return rw.market.sent_file_names(chat_id).count(item.file["name"])


def ozon_got(rw: RelayWorld, item: ReplyItem, chat_id: str) -> None:
    """What a crashed attempt left at Ozon: the reply, stored as the API stores it."""
    if item.kind == "text":
        rw.hw.ozon.state.send_message(CLIENT_ID, chat_id, item.text)
        return
    assert item.file is not None
    content = PNG if item.file["name"].endswith(".jpg") else PDF
    rw.hw.ozon.state.send_file(CLIENT_ID, chat_id, item.file["name"], content)


def topic_posts(requests: list[TelegramMethod[Any]], thread: int) -> list[Any]:
    return [
        r
        for r in requests
        if isinstance(r, SendMessage | SendPhoto | SendDocument)
        and r.chat_id == GROUP_ID
        and r.message_thread_id == thread
    ]


@pytest.mark.parametrize("kind", KINDS)
async def test_accepted_then_dropped_and_unverifiable_at_once_is_sent_exactly_once(
    rw: RelayWorld, kind: str
) -> None:
    """Ozon stores the reply, the response is lost and history is down too: the worker
    cannot tell, backs off, and at the next try finds the reply in history."""
    chat_id, thread = await rw.topic()
    rw.hw.ozon.state.add_fault(
        "accept_then_drop", count=1, path=SEND if kind == "text" else SEND_FILE
    )
    rw.hw.ozon.state.add_fault("500", count=2, path=HISTORY)
    message = await rw.agent_writes(thread, kind, "Отправили!")

    requests = await rw.relay()
    row = await rw.db.pool.fetchrow("SELECT status, error_code FROM reply_outbox")
    assert tuple(row) == ("sending", "outcome_unknown")  # backing off, outcome unknown
    assert receipts(requests) == []
    for _ in range(3):  # each pass after the backoff: history is read before any resend
        await rw.hurry()
        requests += await rw.relay()
        if await rw.status_of(await rw.item_of(message)) == "sent":
            break
    reply = await rw.item_of(message)
    assert sends_of(rw, chat_id, reply) == 1
    assert reply.status == "sent" and reply.marketplace_message_id is not None
    assert receipts(requests) == [message["message_id"]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reached_ozon", [True, False])
async def test_a_reply_left_sending_at_a_crash_is_verified_before_any_resend(
    rw: RelayWorld, kind: str, reached_ozon: bool
) -> None:
    chat_id, thread = await rw.topic()
    message = await rw.agent_writes(thread, kind, "Ответ до сбоя")
    item = await rw.item_of(message)
    await rw.db.replies.mark_sending(item_id=item.id)  # the crash: in flight
    if reached_ozon:
        ozon_got(rw, item, chat_id)
    await rw.hw.feed("message", message)  # the update comes again after the restart

    assert receipts(await rw.relay()) == [message["message_id"]]
    assert sends_of(rw, chat_id, item) == 1  # found in history, or sent now: once either way
    assert await rw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 1
    assert await rw.status_of(item) == "sent"


@pytest.mark.parametrize("kind", ["document", "image"])
async def test_own_files_are_not_echoed_as_cabinet_replies(rw: RelayWorld, kind: str) -> None:
    chat_id, thread = await rw.topic()
    message = await rw.agent_writes(thread, kind)
    assert receipts(await rw.relay()) == [message["message_id"]]

    rw.market.buyer_writes("Спасибо, получил", chat_id=chat_id)
    await rw.poll()  # reads our file back from history, with the buyer's new message
    posted = topic_posts(await rw.hw.deliver(), thread)

    rows = await rw.db.pool.fetch(
        "SELECT source FROM messages WHERE direction = 'out' ORDER BY id"
    )
    assert [r["source"] for r in rows] == ["bot"]
    shown = [getattr(p, "text", None) or getattr(p, "caption", None) for p in posted]
    assert not said(shown, says("author.cabinet"))
    assert len(posted) == 1 and said(shown, "Спасибо, получил")  # only the buyer's message
    matched = await rw.db.pool.fetchval("SELECT marketplace_message_id FROM reply_outbox")
    assert matched is not None
    assert len(rw.hw.ozon.state.sent_by_seller(CLIENT_ID)) == 1
