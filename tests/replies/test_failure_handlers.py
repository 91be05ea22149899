"""Agent → Ozon when things cannot simply be sent, one worker pass at a time
(tests.support.relaying): a file history cannot verify waits for a person (send anyway /
drop, pressed on the notice the worker posted), attempts are capped, and every outcome
commits together with its consequences. They replace the full-process versions in
test_checks_and_failures.py (removed). What can never succeed fails at once with a reason:
test_refusal_cases.py; who may press the buttons: test_check_handlers.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod

from bot.bridge.replies import ReplyWorker
from storage.database import Database
from storage.records import ReplyItem
from tests.support.handlers import VERA, buttons
from tests.support.relaying import PNG, RelayWorld, open_relay_world, receipts
from tests.support.texts import TextMatch, has, says
from tests.support.world import CLIENT_ID

SEND = "/v1/chat/send/message"


@pytest.fixture
async def rw(db: Database) -> AsyncIterator[RelayWorld]:
    async with open_relay_world(db) as opened:
        yield opened


def posted_with(requests: list[TelegramMethod[Any]], expected: TextMatch) -> SendMessage:
    """The one message the requests posted that says ``expected``."""
    [post] = [r for r in requests if isinstance(r, SendMessage) and has(r.text, expected)]
    return post


def replied_to(post: SendMessage) -> int | None:
    return post.reply_parameters.message_id if post.reply_parameters is not None else None


def photo_sends(rw: RelayWorld, chat_id: str, item: ReplyItem) -> int:
    assert item.file is not None
    return rw.market.sent_file_names(chat_id).count(item.file["name"])


async def press(rw: RelayWorld, data: str, message_id: int) -> AnswerCallbackQuery:
    requests = await rw.hw.feed("callback_query", rw.press_on(VERA, data, message_id))
    [answer] = [r for r in requests if isinstance(r, AnswerCallbackQuery)]
    return answer


async def unverifiable_image(rw: RelayWorld) -> tuple[str, ReplyItem, Any, SendMessage, int]:
    """A photo in flight at a crash, and two seller images in history after its start
    (ours, and one from the cabinet): history cannot say which, if either, is ours. The
    chat's id, the photo's reply, the agent's next message, the notice and its id."""
    chat_id, thread = await rw.topic()
    photo = await rw.agent_writes(thread, "image")
    item = await rw.item_of(photo)
    await rw.db.replies.mark_sending(item_id=item.id)
    assert item.file is not None
    rw.hw.ozon.state.send_file(CLIENT_ID, chat_id, item.file["name"], PNG)  # it did arrive
    rw.hw.ozon.state.send_file(CLIENT_ID, chat_id, "from_cabinet.jpg", PNG)
    later = await rw.agent_writes(thread, "text", "Следующий ответ")

    notice = posted_with(await rw.relay(), says("reply_check.notice"))
    assert replied_to(notice) == photo["message_id"]
    assert notice.message_thread_id == thread
    assert await rw.status_of(item) == "unverified"
    notice_id = await rw.db.pool.fetchval(
        "SELECT (result->>'message_id')::int FROM tg_outbox WHERE kind = 'reply_check'"
    )
    return chat_id, item, later, notice, notice_id


async def test_an_unverifiable_image_waits_and_send_anyway_sends_it_once(
    rw: RelayWorld,
) -> None:
    chat_id, item, later, notice, notice_id = await unverifiable_image(rw)
    assert photo_sends(rw, chat_id, item) == 1  # only the crashed attempt; no blind resend
    assert rw.market.sent_texts(chat_id) == []  # the next reply waits behind it

    send = buttons(notice)[says("reply_check.button.send").template]
    answer = await press(rw, send, notice_id)
    assert answer.text in says("reply_check.answer.send")
    relayed = await rw.relay()
    assert receipts(relayed) == [item.tg_message_id, later["message_id"]]
    assert photo_sends(rw, chat_id, item) == 2  # the one the agent chose to risk, once more
    assert rw.market.sent_texts(chat_id) == ["Следующий ответ"]
    [decided] = [r for r in relayed if isinstance(r, EditMessageText)]
    assert decided.message_id == notice_id and decided.reply_markup is None
    assert has(decided.text, says("reply_check.status.sent", who="Вера"))

    for label in ("reply_check.button.send", "reply_check.button.drop"):
        # a stale or double press (a second client): answered, nothing done
        again = await press(rw, buttons(notice)[says(label).template], notice_id)
        assert again.show_alert is True and has(again.text, says("reply_check.answer.decided"))
    await rw.relay()
    assert photo_sends(rw, chat_id, item) == 2
    assert await rw.status_of(item) == "sent"


async def test_an_unverifiable_image_dropped_lets_the_next_reply_go(rw: RelayWorld) -> None:
    chat_id, item, later, notice, notice_id = await unverifiable_image(rw)
    drop = buttons(notice)[says("reply_check.button.drop").template]
    answer = await press(rw, drop, notice_id)
    assert answer.text in says("reply_check.answer.drop")
    assert receipts(await rw.relay()) == [later["message_id"]]  # none on the photo
    assert photo_sends(rw, chat_id, item) == 1
    row = await rw.db.replies.get(item_id=item.id)
    assert (row.status, row.error_code) == ("failed", "dropped")
    assert rw.market.sent_texts(chat_id) == ["Следующий ответ"]


@pytest.mark.parametrize(
    ("failure", "said"),
    [  # both broke off after the send started: whether Ozon stored it is not known
        ("ozon_500", ("reply_failed.gave_up_unknown", "reply_failed.detail.outcome_unknown")),
        ("unexpected", ("reply_failed.gave_up_unknown", "reply_failed.detail.unexpected")),
    ],
)
async def test_the_last_allowed_attempt_fails_the_reply_and_says_why(
    rw: RelayWorld, monkeypatch: pytest.MonkeyPatch, failure: str, said: tuple[str, str]
) -> None:
    _, thread = await rw.topic()
    message = await rw.agent_writes(thread, "text", "Ответ, который не уйдёт")
    item = await rw.item_of(message)
    await rw.db.pool.execute("UPDATE reply_outbox SET attempts = 7 WHERE id = $1", item.id)
    if failure == "ozon_500":
        rw.hw.ozon.state.add_fault("500", path=SEND)
    else:

        async def boom(*_: Any, **__: Any) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(ReplyWorker, "_send", boom)
    key, detail = said
    notice = posted_with(await rw.relay(), says(key, attempts=8))
    assert replied_to(notice) == message["message_id"]
    assert notice.message_thread_id == thread
    assert has(notice.text, says(detail))
    assert await rw.status_of(item) == "failed"
    assert rw.hw.ozon.state.sent_by_seller(CLIENT_ID) == []


async def test_sent_is_not_committed_without_its_turn_close_and_receipt(
    rw: RelayWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat_id, thread = await rw.topic()
    real_close = rw.db.turns.close

    async def failing_close(*_: Any, **__: Any) -> None:
        raise RuntimeError("the turn cannot be closed")

    monkeypatch.setattr(rw.db.turns, "close", failing_close)
    message = await rw.agent_writes(thread, "text", "Ответ")

    assert receipts(await rw.relay()) == []
    row = await rw.db.pool.fetchrow("SELECT status, error_code, sent_at FROM reply_outbox")
    assert row["error_code"] == "unexpected"
    assert (row["status"], row["sent_at"]) == ("sending", None)  # mark_sent rolled back
    assert await rw.db.pool.fetchval("SELECT count(*) FROM tg_outbox WHERE kind = 'reaction'") == 0
    assert rw.market.sent_texts(chat_id) == ["Ответ"]

    monkeypatch.setattr(rw.db.turns, "close", real_close)
    await rw.hurry()
    assert receipts(await rw.relay()) == [message["message_id"]]
    assert rw.market.sent_texts(chat_id) == ["Ответ"]  # confirmed from history
    turn = await rw.db.pool.fetchval("SELECT answered_via FROM buyer_turns")
    assert turn == "bot"


async def test_failed_is_not_committed_without_its_notice(
    rw: RelayWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, thread = await rw.topic()
    rw.hw.ozon.state.advance_clock(49 * 3600)
    real_enqueue = rw.db.tg_outbox.enqueue

    async def failing_enqueue(*_: Any, **__: Any) -> None:
        raise RuntimeError("the notice cannot be queued")

    monkeypatch.setattr(rw.db.tg_outbox, "enqueue", failing_enqueue)
    message = await rw.agent_writes(thread, "text", "Поздний ответ")

    await rw.relay()
    row = await rw.db.pool.fetchrow("SELECT status, error_code FROM reply_outbox")
    assert row["error_code"] == "unexpected"
    assert row["status"] != "failed"

    monkeypatch.setattr(rw.db.tg_outbox, "enqueue", real_enqueue)
    await rw.hurry()
    notice = posted_with(await rw.relay(), says("reply_failed.window_closed"))
    assert replied_to(notice) == message["message_id"]
    row = await rw.db.pool.fetchrow("SELECT status, error_code FROM reply_outbox")
    assert tuple(row) == ("failed", "window_closed")
