"""Idle cost, first-sync scope, crashes and storms: nothing lost, nothing doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.sync.poller import SellerPoller
from storage.database import Database
from tests.sync.conftest import CLIENT_ID, SyncWorld


async def test_an_idle_poll_costs_two_calls_whatever_the_number_of_chats(
    world: SyncWorld,
) -> None:
    world.emu.state.seed_chats(CLIENT_ID, 450)
    first = await world.poller.poll(world.seller)
    assert first.chats_imported == 450

    before = world.calls()
    idle = await world.poller.poll(world.seller)
    spent = world.calls() - before
    assert idle.messages_stored == 0 and not idle.full_scan
    assert spent.total() == 2, spent
    assert spent["/v3/chat/list"] == 2

    for chat_id in await _some_chat_ids(world.db, 3):
        world.emu.state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="Ещё вопрос")
    before = world.calls()
    busy = await world.poller.poll(world.seller)
    spent = world.calls() - before
    assert busy.messages_stored == 3
    assert spent["/v3/chat/history"] == 3
    # Each list: the page holding the changes, then one unchanged page that ends the walk.
    assert spent["/v3/chat/list"] == 4


async def _some_chat_ids(db: Database, count: int) -> list[str]:
    rows = await db.pool.fetch("SELECT external_id FROM chats ORDER BY id LIMIT $1", count)
    return [row["external_id"] for row in rows]


async def test_first_sync_mirrors_only_chats_active_in_the_reply_window(
    world: SyncWorld,
) -> None:
    now = world.emu.state.now()
    old = [
        world.emu.state.buyer_writes(CLIENT_ID, text=f"старый {i}", at=now - timedelta(hours=72))[
            0
        ]
        for i in range(3)
    ]
    recent = [
        world.emu.state.buyer_writes(CLIENT_ID, text=f"новый {i}", at=now - timedelta(hours=1))[0]
        for i in range(2)
    ]
    report = await world.poller.poll(world.seller)

    assert (report.chats_imported, report.chats_remembered) == (2, 3)
    mirrored = await world.db.pool.fetch(
        "SELECT DISTINCT c.external_id FROM chats c JOIN messages m ON m.chat_id = c.id"
    )
    assert {row["external_id"] for row in mirrored} == set(recent)
    remembered = await world.db.chats.last_message_ids(seller_id=world.seller.id, external_ids=old)
    assert set(old) <= set(remembered) and all(remembered[c] for c in old)
    assert await world.count("SELECT count(*) FROM tg_outbox") == 2

    before = world.calls()
    await world.poller.poll(world.seller)
    assert (world.calls() - before).total() == 2  # remembered chats are not fetched again

    world.emu.state.buyer_writes(CLIENT_ID, chat_id=old[0], text="Я снова пишу")
    report = await world.poller.poll(world.seller)
    assert report.messages_stored == 1
    texts = await world.db.pool.fetch(
        "SELECT m.text FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.external_id = $1",
        old[0],
    )
    assert [row["text"] for row in texts] == ["Я снова пишу"]


async def test_a_crash_before_commit_loses_nothing_and_doubles_nothing(
    world: SyncWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats = [world.emu.state.buyer_writes(CLIENT_ID, text=f"вопрос {i}")[0] for i in range(3)]
    for chat_id in chats:
        world.emu.state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="и ещё")
    original = world.db.tg_outbox.enqueue
    calls = 0

    async def crash_on_the_third(**kwargs: object) -> int | None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise ConnectionResetError("process killed")
        return await original(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(world.db.tg_outbox, "enqueue", crash_on_the_third)
    with pytest.raises(ConnectionResetError):
        await world.poller.poll(world.seller)
    stored_before_restart = await world.count("SELECT count(*) FROM messages")
    assert stored_before_restart == 2  # the first chat committed; the second rolled back whole
    assert await world.count("SELECT count(*) FROM tg_outbox") == 2

    monkeypatch.setattr(world.db.tg_outbox, "enqueue", original)
    fresh_poller = SellerPoller(db=world.db, apis=world.apis)  # a restarted process
    await fresh_poller.poll(world.seller)

    assert await world.count("SELECT count(*) FROM messages") == 6
    assert await world.count("SELECT count(DISTINCT external_id) FROM messages") == 6
    assert await world.count("SELECT count(*) FROM tg_outbox") == 6
    assert await world.count("SELECT count(DISTINCT message_id) FROM tg_outbox") == 6


async def test_a_storm_of_429_and_500_loses_nothing(world: SyncWorld) -> None:
    chats = [world.emu.state.buyer_writes(CLIENT_ID, text=f"вопрос {i}")[0] for i in range(5)]
    world.emu.state.add_fault("429", count=2)
    world.emu.state.add_fault("500", count=2)
    world.emu.state.add_fault("drop", count=1, path="/v3/chat/history")

    report = await world.runner.run(world.seller.id)
    if report is None:  # the storm outlasted the retries: the next poll finishes the job
        report = await world.runner.run(world.seller.id, force=True)
    assert report is not None
    stored = await world.db.pool.fetch("SELECT DISTINCT c.external_id FROM chats c")
    assert {row["external_id"] for row in stored} == set(chats)
    assert await world.count("SELECT count(*) FROM messages") == 5
    assert await world.count("SELECT count(*) FROM tg_outbox") == 5
