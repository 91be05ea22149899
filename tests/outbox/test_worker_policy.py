"""The worker's error policy against the Telegram emulator: nothing fails silently.

An unexpected exception is retried with backoff but only ``max_attempts`` times, then the
row is failed and reported once (in General here: the row has no chat); a request Telegram
refuses for good is failed and reported once; a report is never reported again. A closed
topic is reopened for the post, and a failure of the reopening is handled as the post's
own would be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import build_bot
from bot.outbox.kinds import Kind, Notice, SlaStats
from bot.outbox.queue import Outbox, enqueue
from bot.outbox.throttle import TelegramThrottle
from bot.outbox.worker import REPORT_KEY, OutboxWorker
from sandbox.telegram import TelegramEmulator
from storage.database import Database
from storage.records import TgOutboxItem, Workspace
from tests.support.world import wait_until

TOKEN = "123456789:AAEmulatorTokenForTests_abcdefghijklm"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()


@dataclass
class Rig:
    db: Database
    tg: TelegramEmulator
    group_id: int
    workspace: Workspace
    worker: OutboxWorker
    clock: Clock
    throttle: TelegramThrottle

    async def rounds(self, count: int, step: timedelta = timedelta(minutes=10)) -> None:
        for _ in range(count):
            await self.worker.run_once()
            self.clock.now += step

    def general(self) -> list[dict[str, Any]]:
        return [m for m in self.tg.bot_messages(self.group_id, None) if "text" in m]


@pytest.fixture
async def rig(db: Database) -> AsyncIterator[Rig]:
    async with TelegramEmulator(port=0) as tg:
        tg.create_bot(token=TOKEN, username="agentiq_test_bot")
        anna = tg.create_user(first_name="Анна", username="anna")
        group = tg.create_group(
            title="Поддержка", is_forum=True, members=[anna.id], admins=[anna.id],
            bot_rights={"can_manage_topics": True},
        )  # fmt: skip
        workspace = await db.workspaces.bind(
            tg_chat_id=group.id, title="Поддержка", bound_by_tg_user_id=anna.id
        )
        bot = build_bot(TOKEN, tg.base_url)
        clock = Clock()
        throttle = TelegramThrottle(clock=clock.seconds)  # on the test's time too
        worker = OutboxWorker(db=db, bot=bot, throttle=throttle, clock=clock, max_attempts=3)
        try:
            yield Rig(db, tg, group.id, workspace, worker, clock, throttle)
        finally:
            await bot.session.close()
        assert tg.violations == [], tg.violations


async def _status(db: Database, item_id: int) -> tuple[str, int]:
    row = await db.pool.fetchrow("SELECT status, attempts FROM tg_outbox WHERE id = $1", item_id)
    assert row is not None
    return row["status"], row["attempts"]


async def test_an_unexpected_exception_is_capped_then_reported_once(rig: Rig) -> None:
    calls: list[int] = []

    async def broken(workspace: Workspace, item: TgOutboxItem) -> dict[str, Any]:
        calls.append(item.attempts)
        raise RuntimeError("a bug in a handler")

    rig.worker.register(Kind.SLA_STATS, broken)
    item_id = await enqueue(
        rig.db, SlaStats(text="отчёт", png=""), workspace_id=rig.workspace.id, dedup_key="s:1"
    )
    assert item_id is not None
    await rig.rounds(2)
    assert await _status(rig.db, item_id) == ("pending", 2)  # retried, with backoff
    assert rig.general() == []

    await rig.rounds(4)
    assert calls == [1, 2, 3]  # capped at max_attempts
    assert (await _status(rig.db, item_id))[0] == "failed"
    [report] = rig.general()
    assert "у меня внутренняя ошибка, 3 попытки подряд" in report["text"]
    reports = await rig.db.pool.fetchval(
        "SELECT count(*) FROM tg_outbox WHERE dedup_key = $1", f"{REPORT_KEY}{item_id}"
    )
    assert reports == 1


async def test_a_permanent_refusal_is_failed_and_reported_once_never_the_report(
    rig: Rig,
) -> None:
    # Telegram refuses the notice, then refuses the report about it as well.
    rig.tg.inject_error("sendMessage", "Bad Request: can't parse entities", count=2)
    outbox = Outbox(db=rig.db, kick=rig.worker.kick)
    item_id = await outbox.notice(workspace_id=rig.workspace.id, text="<b>broken", key="n:1")
    assert item_id is not None
    await rig.rounds(1)
    assert (await _status(rig.db, item_id))[0] == "failed"
    await rig.rounds(3)
    statuses = await rig.db.pool.fetch("SELECT dedup_key, status FROM tg_outbox ORDER BY id")
    assert [(r["dedup_key"], r["status"]) for r in statuses] == [
        ("n:1", "failed"),
        (f"{REPORT_KEY}{item_id}", "failed"),  # refused too: logged, not reported again
    ]
    assert rig.general() == []


async def test_a_refused_notice_is_reported_in_general_with_the_reason(rig: Rig) -> None:
    rig.tg.inject_error("sendMessage", "Bad Request: message is too long", count=1)
    item_id = await enqueue(
        rig.db, Notice(text="x"), workspace_id=rig.workspace.id, dedup_key="n:2"
    )
    await rig.rounds(3)
    assert item_id is not None
    assert (await _status(rig.db, item_id))[0] == "failed"
    [report] = rig.general()
    assert "message is too long" in report["text"]
    assert "Моё сообщение не отправлено" in report["text"]


async def test_start_takes_back_the_previous_runs_claims(rig: Rig) -> None:
    """Claimed by a process that died (its instance holds no lock): taken back at start,
    not after the hour-long lease."""
    item_id = await enqueue(
        rig.db, Notice(text="после перезапуска"), workspace_id=rig.workspace.id, dedup_key="n:3"
    )
    claimed = await rig.db.tg_outbox.claim(
        workspace_id=rig.workspace.id,
        now=datetime.now(UTC),
        lease=timedelta(hours=1),
        claimed_by="a-process-that-died",
    )
    assert [i.id for i in claimed] == [item_id]
    await rig.worker.start()
    try:

        async def posted() -> bool:
            return len(rig.general()) == 1

        await wait_until(posted, seconds=5)
    finally:
        await rig.worker.stop()


async def _post_in_closed_topic(rig: Rig) -> tuple[int, int]:
    """A buyer chat's topic exists and an agent closed it; a notice for the chat is queued.
    Returns the topic's thread and the notice's row."""
    seller = await rig.db.sellers.create(
        workspace_id=rig.workspace.id, marketplace="ozon", name="Обувь", client_id="1",
        api_key_encrypted=b"sealed",
    )  # fmt: skip
    chat, _ = await rig.db.chats.upsert(seller_id=seller.id, external_id="buyer-1")
    thread = await rig.worker.topic_for(rig.workspace, chat)
    await enqueue(rig.db, Notice(text="первое"), workspace_id=rig.workspace.id,
                  chat_id=chat.id, dedup_key="c:1")  # fmt: skip
    await rig.rounds(1, step=timedelta(0))
    assert [m["text"] for m in rig.tg.bot_messages(rig.group_id, thread)] == ["первое"]
    rig.tg.close_topic(rig.group_id, thread)
    item_id = await enqueue(rig.db, Notice(text="второе"), workspace_id=rig.workspace.id,
                            chat_id=chat.id, dedup_key="c:2")  # fmt: skip
    assert item_id is not None
    return thread, item_id


async def test_a_429_while_reopening_a_closed_topic_pauses_the_group_and_retries(
    rig: Rig,
) -> None:
    thread, item_id = await _post_in_closed_topic(rig)
    rig.tg.inject_error(
        "reopenForumTopic", "Too Many Requests: retry after 30", error_code=429, retry_after=30
    )
    await rig.rounds(1, step=timedelta(0))
    row = await rig.db.pool.fetchrow(
        "SELECT status, last_error, not_before FROM tg_outbox WHERE id = $1", item_id
    )
    assert (row["status"], row["last_error"]) == ("pending", "429")  # not left claimed
    assert row["not_before"] >= rig.clock.now + timedelta(seconds=29)
    assert rig.throttle.delay(rig.group_id) > 0  # the group waits, as after a post's 429

    rig.clock.now += timedelta(seconds=31)
    await rig.rounds(3, step=timedelta(seconds=1))
    assert [m["text"] for m in rig.tg.bot_messages(rig.group_id, thread)] == ["первое", "второе"]
    assert await _status(rig.db, item_id) == ("done", 3)


async def test_a_topic_someone_reopened_meanwhile_takes_the_post(rig: Rig) -> None:
    thread, item_id = await _post_in_closed_topic(rig)
    rig.tg.reopen_topic(rig.group_id, thread)  # an agent reopened it: reopening is a no-op
    rig.tg.inject_error("sendMessage", "Bad Request: TOPIC_CLOSED")  # the post raced it
    await rig.rounds(3, step=timedelta(seconds=1))
    assert [m["text"] for m in rig.tg.bot_messages(rig.group_id, thread)] == ["первое", "второе"]
    assert (await _status(rig.db, item_id))[0] == "done"


async def test_a_refused_reopening_retries_later_instead_of_holding_the_claim(rig: Rig) -> None:
    thread, item_id = await _post_in_closed_topic(rig)
    rig.tg.inject_error("reopenForumTopic", "Bad Request: not enough rights to manage topics")
    await rig.rounds(1, step=timedelta(0))
    row = await rig.db.pool.fetchrow(
        "SELECT status, last_error, lease_until FROM tg_outbox WHERE id = $1", item_id
    )
    assert (row["status"], row["last_error"], row["lease_until"]) == (
        "pending", "topic closed", None
    )  # fmt: skip
    await rig.rounds(3)  # the right given back: reopened, then posted
    assert [m["text"] for m in rig.tg.bot_messages(rig.group_id, thread)] == ["первое", "второе"]
