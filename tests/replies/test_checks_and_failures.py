"""Agent → Ozon when things cannot simply be sent: a file history cannot verify waits for a
person (send anyway / drop), attempts are capped, and every outcome commits together with
its consequences. What can never succeed (a paused or removed shop, a file over Telegram's
download limit) fails at once with a reason: tests/replies/test_refusal_cases.py; who may
press the buttons: tests/replies/test_check_handlers.py."""

from __future__ import annotations

from typing import Any

import pytest

from bot.access import Presser
from bot.bridge.replies import ReplyWorker
from bot.bridge.reply_checks import ReplyChecks
from tests.e2e.test_agent_to_ozon import open_topic
from tests.replies.helpers import (
    PNG,
    agent_writes,
    hurry,
    ozon_got,
    post_with,
    queue_as_the_bot_would,
    receipt,
    sends_of,
    status_of,
)
from tests.support.texts import has, says
from tests.support.world import CLIENT_ID, World, wait_until


def _buttons(post: dict[str, Any]) -> dict[str, str]:
    markup = post.get("reply_markup") or {}
    return {
        b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
    }


async def _answer(world: World, query_id: str) -> dict[str, Any]:
    async def answered() -> bool:
        return world.tg.callback_answer(query_id) is not None

    await wait_until(answered)
    answer = world.tg.callback_answer(query_id)
    assert answer is not None
    return answer


async def _unverifiable_image(world: World) -> tuple[str, int, Any, dict[str, Any], dict]:
    """A photo in flight at a crash, and two seller images in history after its start
    (ours, and one from the cabinet): history cannot say which, if either, is ours."""
    chat_id, thread = await open_topic(world)
    await world.stop()
    photo = agent_writes(world, thread, "image")
    item = await queue_as_the_bot_would(world, chat_id, photo)
    await world.db.replies.mark_sending(item_id=item.id)
    ozon_got(world, item, chat_id)
    world.ozon.state.send_file(CLIENT_ID, chat_id, "from_cabinet.jpg", PNG)
    later = agent_writes(world, thread, "text", "Следующий ответ")
    await queue_as_the_bot_would(world, chat_id, later)

    await world.start()
    notice = await post_with(world, thread, says("reply_check.notice"))
    assert notice["reply_to_message"]["message_id"] == photo["message_id"]
    assert await status_of(world, item.id) == "unverified"
    return chat_id, thread, item, later, notice


async def test_an_unverifiable_image_waits_and_send_anyway_sends_it_once(world: World) -> None:
    _, thread, item, later, notice = await _unverifiable_image(world)
    assert sends_of(world, item) == 1  # only the crashed attempt; no blind resend
    assert [s.text for s in world.sent_to_ozon() if s.kind == "text"] == []  # later waits

    buttons = _buttons(notice)
    send = buttons[says("reply_check.button.send").template]
    query = world.tg.press_button(world.agent_id, world.group_id, notice["message_id"], send)
    assert (await _answer(world, query))["text"] in says("reply_check.answer.send")
    await receipt(world, item.tg_message_id)
    await receipt(world, later["message_id"])
    assert sends_of(world, item) == 2  # the one the agent chose to risk, exactly once more
    assert [s.text for s in world.sent_to_ozon() if s.kind == "text"] == ["Следующий ответ"]

    async def decided() -> bool:
        [current] = [p for p in world.posts(thread) if p["message_id"] == notice["message_id"]]
        return not _buttons(current) and has(
            current["text"], says("reply_check.status.sent", who="Анна")
        )

    await wait_until(decided)
    assert world.app is not None  # a stale or double press (a second client): answered
    checks: ReplyChecks = world.app.dispatcher["reply_checks"]  # the one the handler uses
    for action in ("s", "d"):
        answer = await checks.decide(
            action=action,
            reply_id=item.id,
            tg_chat_id=world.group_id,
            message_id=notice["message_id"],
            presser=Presser(tg_user_id=world.agent_id, name="Анна", username="anna"),
        )
        assert answer.alert and has(answer.text, says("reply_check.answer.decided"))
    assert sends_of(world, item) == 2
    assert await status_of(world, item.id) == "sent"


async def test_an_unverifiable_image_dropped_lets_the_next_reply_go(world: World) -> None:
    _, _, item, later, notice = await _unverifiable_image(world)
    drop = _buttons(notice)[says("reply_check.button.drop").template]
    query = world.tg.press_button(world.agent_id, world.group_id, notice["message_id"], drop)
    assert (await _answer(world, query))["text"] in says("reply_check.answer.drop")
    await receipt(world, later["message_id"])
    assert sends_of(world, item) == 1
    row = await world.db.replies.get(item_id=item.id)
    assert (row.status, row.error_code) == ("failed", "dropped")
    assert world.tg.reactions(world.group_id, item.tg_message_id) == []


@pytest.mark.parametrize(
    ("failure", "said"),
    [  # both broke off after the send started: whether Ozon stored it is not known
        ("ozon_500", ("reply_failed.gave_up_unknown", "reply_failed.detail.outcome_unknown")),
        ("unexpected", ("reply_failed.gave_up_unknown", "reply_failed.detail.unexpected")),
    ],
)
async def test_the_last_allowed_attempt_fails_the_reply_and_says_why(
    world: World, monkeypatch: pytest.MonkeyPatch, failure: str, said: tuple[str, str]
) -> None:
    chat_id, thread = await open_topic(world)
    await world.stop()
    message = agent_writes(world, thread, "text", "Ответ, который не уйдёт")
    item = await queue_as_the_bot_would(world, chat_id, message)
    await world.db.pool.execute("UPDATE reply_outbox SET attempts = 7 WHERE id = $1", item.id)
    if failure == "ozon_500":
        world.ozon.state.add_fault("500", path="/v1/chat/send/message")
    else:

        async def boom(*_: Any, **__: Any) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(ReplyWorker, "_send", boom)
    await world.start()
    key, detail = said
    notice = await post_with(world, thread, says(key, attempts=8), seconds=25.0)
    assert notice["reply_to_message"]["message_id"] == message["message_id"]
    assert has(notice["text"], says(detail))
    assert await status_of(world, item.id) == "failed"
    assert world.sent_to_ozon() == []


async def test_sent_is_not_committed_without_its_turn_close_and_receipt(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, thread = await open_topic(world)
    real_close = world.db.turns.close

    async def failing_close(*_: Any, **__: Any) -> None:
        raise RuntimeError("the turn cannot be closed")

    monkeypatch.setattr(world.db.turns, "close", failing_close)
    message = agent_writes(world, thread, "text", "Ответ")

    async def attempted() -> bool:
        row = await world.db.pool.fetchrow("SELECT status, error_code FROM reply_outbox")
        return row is not None and row["error_code"] == "unexpected"

    await wait_until(attempted)
    row = await world.db.pool.fetchrow("SELECT id, status, sent_at FROM reply_outbox")
    assert (row["status"], row["sent_at"]) == ("sending", None)  # mark_sent rolled back
    assert (
        await world.db.pool.fetchval("SELECT count(*) FROM tg_outbox WHERE kind = 'reaction'") == 0
    )
    assert [s.text for s in world.sent_to_ozon()] == ["Ответ"]

    monkeypatch.setattr(world.db.turns, "close", real_close)
    await hurry(world)
    await receipt(world, message["message_id"])
    assert [s.text for s in world.sent_to_ozon()] == ["Ответ"]  # confirmed from history
    turn = await world.db.pool.fetchval("SELECT answered_via FROM buyer_turns")
    assert turn == "bot"


async def test_failed_is_not_committed_without_its_notice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, thread = await open_topic(world)
    world.ozon.state.advance_clock(49 * 3600)
    real_enqueue = world.db.tg_outbox.enqueue

    async def failing_enqueue(*_: Any, **__: Any) -> None:
        raise RuntimeError("the notice cannot be queued")

    monkeypatch.setattr(world.db.tg_outbox, "enqueue", failing_enqueue)
    message = agent_writes(world, thread, "text", "Поздний ответ")

    async def attempted() -> bool:
        row = await world.db.pool.fetchrow("SELECT error_code FROM reply_outbox")
        return row is not None and row["error_code"] == "unexpected"

    await wait_until(attempted)
    assert await world.db.pool.fetchval("SELECT status FROM reply_outbox") != "failed"

    monkeypatch.setattr(world.db.tg_outbox, "enqueue", real_enqueue)
    await hurry(world)
    notice = await post_with(world, thread, says("reply_failed.window_closed"))
    assert notice["reply_to_message"]["message_id"] == message["message_id"]
    row = await world.db.pool.fetchrow("SELECT status, error_code FROM reply_outbox")
    assert tuple(row) == ("failed", "window_closed")
