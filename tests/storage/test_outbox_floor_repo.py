"""The queue's order per chat and the topic-creation lease, at the SQL level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.outbox.kinds import CONTENT_KINDS
from storage.database import Database
from tests.storage.factories import at, make_chat, make_seller_with_chat


async def test_only_the_oldest_pending_content_row_of_a_chat_is_claimed(db: Database) -> None:
    workspace, seller, chat = await make_seller_with_chat(db)
    other = await make_chat(db, seller, external_id="other-chat")
    first = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="buyer_message", chat_id=chat.id, not_before=at(5)
    )  # backing off: not ready until minute 5
    second = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="buyer_message", chat_id=chat.id, not_before=at(0)
    )
    elsewhere = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="buyer_message", chat_id=other.id, not_before=at(0)
    )
    notice = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="notice", chat_id=chat.id, not_before=at(0)
    )

    claimed = await db.tg_outbox.claim(
        workspace_id=workspace.id, now=at(1), limit=10, in_chat_order=CONTENT_KINDS
    )
    # The chat's second message waits behind the first; other chats and notices do not.
    assert sorted(i.id for i in claimed) == sorted([elsewhere, notice])
    assert second not in {i.id for i in claimed}
    for item in claimed:
        await db.tg_outbox.complete(item_id=item.id)

    later = await db.tg_outbox.claim(
        workspace_id=workspace.id, now=at(6), limit=10, in_chat_order=CONTENT_KINDS
    )
    assert [i.id for i in later] == [first]
    await db.tg_outbox.complete(item_id=first)  # type: ignore[arg-type]
    last = await db.tg_outbox.claim(
        workspace_id=workspace.id, now=at(7), limit=10, in_chat_order=CONTENT_KINDS
    )
    assert [i.id for i in last] == [second]


async def test_a_failed_head_no_longer_holds_its_chat(db: Database) -> None:
    workspace, _, chat = await make_seller_with_chat(db)
    first = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="buyer_message", chat_id=chat.id, not_before=at(0)
    )
    second = await db.tg_outbox.enqueue(
        workspace_id=workspace.id, kind="cabinet_reply", chat_id=chat.id, not_before=at(0)
    )
    await db.tg_outbox.fail(item_id=first, error="refused")  # type: ignore[arg-type]
    claimed = await db.tg_outbox.claim(
        workspace_id=workspace.id, now=at(1), in_chat_order=CONTENT_KINDS
    )
    assert [i.id for i in claimed] == [second]


async def test_topic_creation_is_claimed_once_until_recorded_or_released(db: Database) -> None:
    workspace, _, chat = await make_seller_with_chat(db)
    until = datetime.now(UTC) + timedelta(seconds=30)
    claim = db.chats.claim_topic_creation
    assert await claim(chat_id=chat.id, workspace_id=workspace.id, until=until)
    assert not await claim(chat_id=chat.id, workspace_id=workspace.id, until=until)

    await db.chats.release_topic_claim(chat_id=chat.id)
    assert await claim(chat_id=chat.id, workspace_id=workspace.id, until=until)
    await db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=7, name="A")
    # Recorded: nothing left to create, and the claim ended with the record.
    assert not await claim(chat_id=chat.id, workspace_id=workspace.id, until=until)
    assert (
        await db.pool.fetchval("SELECT topic_claimed_until FROM chats WHERE id = $1", chat.id)
        is None
    )


async def test_an_expired_or_dead_instances_claim_is_taken_back(db: Database) -> None:
    workspace, _, chat = await make_seller_with_chat(db)
    past = datetime.now(UTC) - timedelta(seconds=1)
    later = datetime.now(UTC) + timedelta(hours=1)
    assert await db.chats.claim_topic_creation(
        chat_id=chat.id, workspace_id=workspace.id, until=past
    )
    assert await db.chats.claim_topic_creation(  # expired: free again
        chat_id=chat.id, workspace_id=workspace.id, until=later, claimed_by="gone"
    )
    live = await db.instances.register()
    try:
        assert (
            await db.instances.release_dead_claims(
                "chats", claimed_by="topic_claimed_by", lease_until="topic_claimed_until"
            )
            == 1
        )  # "gone" holds no lock
        assert await db.chats.claim_topic_creation(
            chat_id=chat.id, workspace_id=workspace.id, until=later, claimed_by=live.instance_id
        )
        assert (
            await db.instances.release_dead_claims(
                "chats", claimed_by="topic_claimed_by", lease_until="topic_claimed_until"
            )
            == 0
        )  # a live instance keeps its claim
    finally:
        await live.release()


async def test_a_dead_instances_outbox_claims_are_freed_pending_rows_only(db: Database) -> None:
    workspace, _, _ = await make_seller_with_chat(db)
    item = await db.tg_outbox.enqueue(workspace_id=workspace.id, kind="notice", not_before=at(0))
    done = await db.tg_outbox.enqueue(workspace_id=workspace.id, kind="notice", not_before=at(0))
    await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1), limit=2, claimed_by="gone")
    await db.tg_outbox.complete(item_id=done)  # type: ignore[arg-type]
    assert await db.instances.release_dead_claims("tg_outbox") == 1
    again = await db.tg_outbox.claim(workspace_id=workspace.id, now=at(1))
    assert [i.id for i in again] == [item]
