"""TgOutboxRepo: the durable, leased queue toward Telegram."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage.database import Database
from storage.errors import NotFound
from storage.records import Workspace
from storage.tg_outbox_repo import (
    MAX_ERROR_LENGTH,
    PRIORITY_BUYER_CONTENT,
    PRIORITY_COSMETIC,
    PRIORITY_DRAFT,
    PRIORITY_NOTICE,
)
from tests.storage.factories import at, make_message, make_seller_with_chat, make_workspace


async def _enqueue(db: Database, workspace: Workspace, **fields: object) -> int:
    fields.setdefault("kind", "notice")
    fields.setdefault("not_before", at(0))
    item_id = await db.tg_outbox.enqueue(workspace_id=workspace.id, **fields)  # type: ignore[arg-type]
    assert item_id is not None
    return item_id


async def test_enqueue_stores_item(db: Database) -> None:
    workspace, _, chat = await make_seller_with_chat(db)
    message = await make_message(db, chat)

    item_id = await db.tg_outbox.enqueue(
        workspace_id=workspace.id,
        kind="post_message",
        payload={"text": "Привет", "nested": {"n": [1, 2]}},
        priority=PRIORITY_BUYER_CONTENT,
        chat_id=chat.id,
        message_id=message.id,
        dedup_key="msg:1",
        not_before=at(3),
    )

    assert item_id is not None
    item = await db.tg_outbox.get(item_id=item_id)
    assert item.workspace_id == workspace.id
    assert item.chat_id == chat.id
    assert item.message_id == message.id
    assert item.kind == "post_message"
    assert item.priority == PRIORITY_BUYER_CONTENT
    assert item.payload == {"text": "Привет", "nested": {"n": [1, 2]}}
    assert item.dedup_key == "msg:1"
    assert item.status == "pending"
    assert item.attempts == 0
    assert item.not_before == at(3)
    assert item.lease_until is None
    assert item.result is None
    assert item.done_at is None


async def test_enqueue_defaults(db: Database) -> None:
    workspace = await make_workspace(db)

    item_id = await db.tg_outbox.enqueue(workspace_id=workspace.id, kind="notice")

    assert item_id is not None
    item = await db.tg_outbox.get(item_id=item_id)
    assert item.priority == PRIORITY_NOTICE
    assert item.payload == {}
    assert item.dedup_key is None
    assert item.chat_id is None
    assert item.message_id is None
    assert item.not_before == item.created_at  # "now" by default


async def test_enqueue_with_dedup_key_is_idempotent(db: Database) -> None:
    workspace = await make_workspace(db)

    first = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="post", payload={"v": 1}, dedup_key="msg:7"
    )
    second = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="post", payload={"v": 2}, dedup_key="msg:7"
    )

    assert first is not None
    assert second is None
    assert await db.tg_outbox.count_pending(workspace_id=workspace.id) == 1
    assert (await db.tg_outbox.get(item_id=first)).payload == {"v": 1}


async def test_enqueue_without_dedup_key_is_never_deduplicated(db: Database) -> None:
    workspace = await make_workspace(db)

    a = await db.tg_outbox.enqueue(workspace_id=workspace.id, kind="notice")
    b = await db.tg_outbox.enqueue(workspace_id=workspace.id, kind="notice")

    assert a is not None
    assert b is not None
    assert a != b
    assert await db.tg_outbox.count_pending(workspace_id=workspace.id) == 2


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.tg_outbox.get(item_id=999)


async def test_claim_orders_by_priority_then_id(db: Database) -> None:
    workspace = await make_workspace(db)
    cosmetic = await _enqueue(db, workspace, priority=PRIORITY_COSMETIC)
    notice_1 = await _enqueue(db, workspace, priority=PRIORITY_NOTICE)
    content = await _enqueue(db, workspace, priority=PRIORITY_BUYER_CONTENT)
    notice_2 = await _enqueue(db, workspace, priority=PRIORITY_NOTICE)
    draft = await _enqueue(db, workspace, priority=PRIORITY_DRAFT)

    first = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1), limit=1)
    rest = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1), limit=10)

    assert [i.id for i in first] == [content]
    assert [i.id for i in rest] == [draft, notice_1, notice_2, cosmetic]


async def test_claim_sets_lease_and_counts_attempt(db: Database) -> None:
    workspace = await make_workspace(db)
    item_id = await _enqueue(db, workspace)

    [item] = await db.tg_outbox.claim(
        workspace_id=workspace.id, now=at(1), lease=timedelta(seconds=30)
    )

    assert item.id == item_id
    assert item.attempts == 1
    assert item.lease_until == at(1, seconds=30)
    assert item.status == "pending"
    assert await db.tg_outbox.get(item_id=item_id) == item


async def test_claim_respects_not_before(db: Database) -> None:
    workspace = await make_workspace(db)
    now_item = await _enqueue(db, workspace, not_before=at(0))
    later_item = await _enqueue(db, workspace, not_before=at(10), priority=PRIORITY_BUYER_CONTENT)

    hour = timedelta(hours=1)
    claimed = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(5), lease=hour)
    assert [i.id for i in claimed] == [now_item]
    assert await db.tg_outbox.claim(workspace_id=workspace.id, now=at(9)) == []
    # not_before is inclusive.
    assert [i.id for i in await db.tg_outbox.claim(workspace_id=workspace.id, now=at(10))] == [
        later_item
    ]


async def test_claim_hides_leased_rows_until_lease_expires(db: Database) -> None:
    workspace = await make_workspace(db)
    item_id = await _enqueue(db, workspace)
    lease = timedelta(seconds=60)

    [first] = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(0), lease=lease)
    assert await db.tg_outbox.claim(workspace_id=workspace.id, now=at(0, seconds=59)) == []

    # The worker crashed: at the end of the lease the row comes back.
    [again] = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1), lease=lease)
    assert first.id == again.id == item_id
    assert again.attempts == 2
    assert again.lease_until == at(2)


async def test_claim_only_from_given_workspace(db: Database) -> None:
    ws1 = await make_workspace(db, tg_chat_id=-1001)
    ws2 = await make_workspace(db, tg_chat_id=-1002)
    mine = await _enqueue(db, ws1)
    theirs = await _enqueue(db, ws2, priority=PRIORITY_BUYER_CONTENT)

    assert [i.id for i in await db.tg_outbox.claim(workspace_id=ws1.id, now=at(1), limit=5)] == [
        mine
    ]
    assert [i.id for i in await db.tg_outbox.claim(workspace_id=ws2.id, now=at(1), limit=5)] == [
        theirs
    ]


async def test_claim_skips_done_and_failed(db: Database) -> None:
    workspace = await make_workspace(db)
    done = await _enqueue(db, workspace)
    failed = await _enqueue(db, workspace)
    pending = await _enqueue(db, workspace)
    await db.tg_outbox.complete(item_id=done)
    await db.tg_outbox.fail(item_id=failed, error="bad request")

    claimed = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1), limit=10)

    assert [i.id for i in claimed] == [pending]


async def test_two_concurrent_claims_never_share_a_row(db: Database) -> None:
    workspace = await make_workspace(db)
    ids = [await _enqueue(db, workspace) for _ in range(20)]

    async def claim_loop() -> list[int]:
        got: list[int] = []
        async with db.pool.acquire() as conn:
            while batch := await db.tg_outbox.claim(
                workspace_id=workspace.id, now=at(1), limit=3, conn=conn
            ):
                got.extend(item.id for item in batch)
        return got

    first, second = await asyncio.gather(claim_loop(), claim_loop())

    assert not set(first) & set(second)
    assert sorted(first + second) == ids


async def test_concurrent_claims_in_open_transactions_skip_locked_rows(db: Database) -> None:
    workspace = await make_workspace(db)
    a = await _enqueue(db, workspace)
    b = await _enqueue(db, workspace)
    first_claimed = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> list[int]:
        async with db.transaction() as conn:
            got = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1), conn=conn)
            first_claimed.set()
            await release.wait()
            return [i.id for i in got]

    async def other() -> list[int]:
        await first_claimed.wait()
        async with db.transaction() as conn:
            got = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1), conn=conn)
        release.set()
        return [i.id for i in got]

    held, taken = await asyncio.gather(holder(), other())

    assert held == [a]
    assert taken == [b]  # the locked row was skipped, not waited for


async def test_complete(db: Database) -> None:
    workspace = await make_workspace(db)
    item_id = await _enqueue(db, workspace)
    await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1))
    await db.tg_outbox.retry_later(item_id=item_id, not_before=at(1), error="flood")
    await db.tg_outbox.claim(workspace_id=workspace.id, now=at(2))

    await db.tg_outbox.complete(item_id=item_id, result={"message_id": 321})

    item = await db.tg_outbox.get(item_id=item_id)
    assert item.status == "done"
    assert item.result == {"message_id": 321}
    assert item.done_at is not None
    assert item.lease_until is None
    assert item.last_error is None
    assert item.attempts == 2
    assert await db.tg_outbox.count_pending(workspace_id=workspace.id) == 0


async def test_complete_without_result(db: Database) -> None:
    workspace = await make_workspace(db)
    item_id = await _enqueue(db, workspace)

    await db.tg_outbox.complete(item_id=item_id)

    item = await db.tg_outbox.get(item_id=item_id)
    assert (item.status, item.result) == ("done", None)


async def test_retry_later_releases_lease_and_postpones(db: Database) -> None:
    workspace = await make_workspace(db)
    item_id = await _enqueue(db, workspace)
    await db.tg_outbox.claim(workspace_id=workspace.id, now=at(0))

    await db.tg_outbox.retry_later(item_id=item_id, not_before=at(5), error="x" * 2000)

    item = await db.tg_outbox.get(item_id=item_id)
    assert item.status == "pending"
    assert item.lease_until is None
    assert item.not_before == at(5)
    assert item.last_error == "x" * MAX_ERROR_LENGTH
    assert await db.tg_outbox.claim(workspace_id=workspace.id, now=at(4)) == []
    assert [i.id for i in await db.tg_outbox.claim(workspace_id=workspace.id, now=at(5))] == [
        item_id
    ]


async def test_retry_later_does_not_revive_finished_rows(db: Database) -> None:
    workspace = await make_workspace(db)
    done = await _enqueue(db, workspace)
    failed = await _enqueue(db, workspace)
    await db.tg_outbox.complete(item_id=done)
    await db.tg_outbox.fail(item_id=failed, error="gone")

    await db.tg_outbox.retry_later(item_id=done, not_before=at(9), error="late")
    await db.tg_outbox.retry_later(item_id=failed, not_before=at(9), error="late")

    done_item = await db.tg_outbox.get(item_id=done)
    failed_item = await db.tg_outbox.get(item_id=failed)
    assert (done_item.status, done_item.last_error) == ("done", None)
    assert (failed_item.status, failed_item.last_error) == ("failed", "gone")


async def test_fail_keeps_row_for_inspection(db: Database) -> None:
    workspace = await make_workspace(db)
    item_id = await _enqueue(db, workspace)
    await db.tg_outbox.claim(workspace_id=workspace.id, now=at(0))

    await db.tg_outbox.fail(item_id=item_id, error="е" * 600)

    item = await db.tg_outbox.get(item_id=item_id)
    assert item.status == "failed"
    assert item.last_error == "е" * MAX_ERROR_LENGTH
    assert item.lease_until is None
    assert item.done_at is not None
    assert await db.tg_outbox.count_pending(workspace_id=workspace.id) == 0


async def test_ready_workspaces(db: Database) -> None:
    ready = await make_workspace(db, tg_chat_id=-1001)
    later = await make_workspace(db, tg_chat_id=-1002)
    leased = await make_workspace(db, tg_chat_id=-1003)
    finished = await make_workspace(db, tg_chat_id=-1004)
    also_ready = await make_workspace(db, tg_chat_id=-1005)
    await make_workspace(db, tg_chat_id=-1006)  # nothing queued
    await _enqueue(db, ready)
    await _enqueue(db, ready)
    await _enqueue(db, later, not_before=at(10))
    await _enqueue(db, leased)
    await db.tg_outbox.claim(workspace_id=leased.id, now=at(0), lease=timedelta(minutes=5))
    await db.tg_outbox.complete(item_id=await _enqueue(db, finished))
    await _enqueue(db, also_ready)

    assert await db.tg_outbox.ready_workspaces(now=at(1)) == [ready, also_ready]
    assert [w.id for w in await db.tg_outbox.ready_workspaces(now=at(10))] == [
        ready.id,
        later.id,
        leased.id,
        also_ready.id,
    ]


async def test_count_pending(db: Database) -> None:
    workspace = await make_workspace(db, tg_chat_id=-1001)
    other = await make_workspace(db, tg_chat_id=-1002)
    assert await db.tg_outbox.count_pending(workspace_id=workspace.id) == 0

    a = await _enqueue(db, workspace)
    await _enqueue(db, workspace, not_before=at(100))  # pending, even if not ready yet
    c = await _enqueue(db, workspace)
    await _enqueue(db, other)
    await db.tg_outbox.claim(workspace_id=workspace.id, now=at(0))  # leased is still pending
    await db.tg_outbox.complete(item_id=a)
    await db.tg_outbox.fail(item_id=c, error="x")

    assert await db.tg_outbox.count_pending(workspace_id=workspace.id) == 1
    assert await db.tg_outbox.count_pending(workspace_id=other.id) == 1


async def test_items_go_with_their_chat(db: Database) -> None:
    workspace, seller, chat = await make_seller_with_chat(db)
    await _enqueue(db, workspace, chat_id=chat.id)
    await _enqueue(db, workspace)

    await db.sellers.delete(seller_id=seller.id)

    assert await db.tg_outbox.count_pending(workspace_id=workspace.id) == 1


async def test_save_progress_keeps_the_item_pending_with_its_result(db: Database) -> None:
    workspace = await make_workspace(db)
    item_id = await db.tg_outbox.enqueue(workspace_id=workspace.id, kind="buyer_message")
    assert item_id is not None
    await db.tg_outbox.save_progress(item_id=item_id, result={"parts": [101]})
    item = await db.tg_outbox.get(item_id=item_id)
    assert (item.status, item.result) == ("pending", {"parts": [101]})
