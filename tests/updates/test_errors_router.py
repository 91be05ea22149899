"""The errors router through the real Dispatcher with a recorded Bot: one short message in
the person's language on the last attempt, nothing while a retry is coming, no internals,
and the processor does not tell the person a second time."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.handlers import build_router
from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import Locale, text
from bot.updates.attempts import LAST_ATTEMPT, PersonTold
from bot.updates.notice import FailureNotices
from bot.updates.processor import UpdateProcessor
from storage.database import Database
from storage.update_repo import IncomingUpdate, StoredUpdate
from tests.support.recorded_bot import recorded_bot

USER = User(id=42, is_bot=False, first_name="Анна", language_code="ru")
PRIVATE = Chat(id=42, type="private")
GROUP = Chat(id=-100777, type="supergroup", title="Shop", is_forum=True)
SECRET = "buyer wrote: my card is 4111"


def failing_router() -> Router:
    router = Router(name="boom")

    async def boom(event: Any) -> None:
        raise RuntimeError(SECRET)

    router.message.register(boom, Command("boom"))
    router.callback_query.register(boom)
    return router


def dispatcher(db: Database, bot: Bot, locale: Locale = "ru") -> Dispatcher:
    unused: Any = object()
    outbox = Outbox(db=db, kick=lambda: None)
    dp = Dispatcher(
        settings=Settings(locale=locale),
        outbox=outbox,
        vault=unused,
        failures=FailureNotices(db=db, bot=bot, outbox=outbox, default_locale=locale),
    )
    dp.include_router(failing_router())  # first, so it takes the update
    dp.include_router(build_router())
    return dp


def message_update(chat: Chat, *, thread_id: int | None = None) -> Update:
    return Update(
        update_id=7001,
        message=Message(
            message_id=55,
            date=datetime.now(UTC),
            chat=chat,
            from_user=USER,
            text="/boom",
            message_thread_id=thread_id,
            is_topic_message=thread_id is not None or None,
        ),
    )


def button_update(chat: Chat) -> Update:
    return Update(
        update_id=7002,
        callback_query=CallbackQuery(
            id="cq1",
            from_user=USER,
            chat_instance="ci",
            data="whatever",
            message=Message(message_id=56, date=datetime.now(UTC), chat=chat, text="menu"),
        ),
    )


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_a_failing_message_gets_one_reply_in_the_persons_language(
    db: Database, locale: Locale, caplog: pytest.LogCaptureFixture
) -> None:
    bot, session = recorded_bot()
    with caplog.at_level(logging.ERROR), pytest.raises(PersonTold) as raised:
        await dispatcher(db, bot, locale).feed_update(bot, message_update(PRIVATE))
    assert isinstance(raised.value.__cause__, RuntimeError)
    [sent] = session.requests
    assert isinstance(sent, SendMessage)
    assert sent.chat_id == PRIVATE.id
    assert sent.text == text("updates.unexpected", locale)
    assert sent.reply_parameters is not None and sent.reply_parameters.message_id == 55
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "7001" in logged and "RuntimeError" in logged
    assert SECRET not in logged and SECRET not in sent.text


async def test_a_failing_button_gets_an_alert_and_no_message(db: Database) -> None:
    bot, session = recorded_bot()
    with pytest.raises(PersonTold):
        await dispatcher(db, bot, "en").feed_update(bot, button_update(PRIVATE))
    [answer] = session.requests
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.callback_query_id == "cq1"
    assert answer.show_alert is True
    assert answer.text == text("updates.unexpected", "en")


async def test_a_button_in_a_bound_group_speaks_the_groups_language(db: Database) -> None:
    await db.workspaces.bind(
        tg_chat_id=GROUP.id, title="Shop", bound_by_tg_user_id=42, locale="en"
    )
    bot, session = recorded_bot()
    with pytest.raises(PersonTold):
        await dispatcher(db, bot, "ru").feed_update(bot, button_update(GROUP))
    assert [a.text for a in session.sent(AnswerCallbackQuery)] == [
        text("updates.unexpected", "en")
    ]


async def test_a_failing_message_in_a_bound_group_is_queued_in_its_topic(db: Database) -> None:
    await db.workspaces.bind(
        tg_chat_id=GROUP.id, title="Shop", bound_by_tg_user_id=42, locale="en"
    )
    bot, session = recorded_bot()
    with pytest.raises(PersonTold):
        await dispatcher(db, bot).feed_update(bot, message_update(GROUP, thread_id=9))
    assert session.requests == []  # the group's budget: through the outbox
    rows = await db.pool.fetch("SELECT payload FROM tg_outbox")
    assert len(rows) == 1
    payload = rows[0]["payload"]
    assert payload["text"] == text("updates.unexpected", "en")
    assert (payload["thread_id"], payload["reply_to"]) == (9, 55)


async def test_nothing_is_said_while_a_retry_is_coming(db: Database) -> None:
    bot, session = recorded_bot()
    dp = dispatcher(db, bot)
    with pytest.raises(RuntimeError, match="card"):
        await dp.feed_update(bot, message_update(PRIVATE), last_attempt=False)
    with pytest.raises(RuntimeError):
        await dp.feed_update(bot, button_update(PRIVATE), last_attempt=False)
    assert session.requests == []


async def test_the_processor_does_not_tell_twice(db: Database) -> None:
    """Three attempts: the first two fail quietly and are retried, the last is told by the
    router; the processor marks the update failed and sends no notice of its own."""
    bot, session = recorded_bot()
    dp = dispatcher(db, bot)
    told: list[int] = []
    runs = 0

    async def handle(payload: dict[str, Any]) -> None:
        nonlocal runs
        runs += 1
        update = Update.model_validate(payload, context={"bot": bot})
        await dp.feed_update(bot, update, last_attempt=LAST_ATTEMPT.get())

    async def on_failed(update: StoredUpdate, reason: str) -> None:
        told.append(update.update_id)

    raw = message_update(PRIVATE).model_dump(mode="json", exclude_none=True, by_alias=True)
    await db.updates.store([IncomingUpdate(7001, "private:42", raw)])
    processor = UpdateProcessor(
        repo=db.updates,
        instance_id="me",
        handle=handle,
        on_failed=on_failed,
        retry_base_seconds=0.01,
        idle_poll_seconds=0.02,
    )
    task = asyncio.create_task(processor.run())
    try:
        async with asyncio.timeout(20):
            while await db.updates.count_pending():  # noqa: ASYNC110 - other task works
                await asyncio.sleep(0.02)
    finally:
        await processor.drain(1.0)
        await task
    assert runs == 3
    assert told == []
    assert [r.text for r in session.sent(SendMessage)] == [text("updates.unexpected", "ru")]
    status = await db.pool.fetchval("SELECT status FROM tg_updates WHERE update_id = 7001")
    assert status == "failed"


async def test_failure_notices_speak_the_groups_language_else_the_default(db: Database) -> None:
    bot, session = recorded_bot()
    notices = FailureNotices(
        db=db, bot=bot, outbox=Outbox(db=db, kick=lambda: None), default_locale="ru"
    )
    await db.workspaces.bind(
        tg_chat_id=GROUP.id, title="Shop", bound_by_tg_user_id=42, locale="en"
    )
    assert await notices.chat_locale(GROUP.id) == "en"
    assert await notices.chat_locale(-100888) == "ru"  # a group the bot does not serve
    assert await notices.chat_locale(PRIVATE.id) == "ru"
    assert await notices.chat_locale(None) == "ru"
    # an update nobody could see a reply to (no chat): nothing sent, nothing queued
    assert await notices.tell({"update_id": 1, "inline_query": {"id": "q"}}) is False
    assert session.requests == []
    assert await db.pool.fetchval("SELECT count(*) FROM tg_outbox") == 0
