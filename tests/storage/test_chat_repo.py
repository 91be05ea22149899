"""ChatRepo: buyer chats and their mapping to forum topics."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from storage.database import Database
from storage.errors import Conflict, NotFound
from tests.storage.factories import (
    at,
    make_agent,
    make_chat,
    make_seller,
    make_seller_with_chat,
    make_workspace,
)


async def test_upsert_creates_then_updates(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))

    chat, created = await db.chats.upsert(
        seller_id=seller.id,
        external_id="chat-1",
        buyer_external_id="buyer-1",
        order_number="ORD-1",
        posting_number="P-1",
        sku="SKU-1",
    )
    assert created is True
    assert chat.seller_id == seller.id
    assert chat.external_id == "chat-1"
    assert chat.chat_type == "BUYER_SELLER"
    assert chat.status == "open"
    assert (chat.buyer_external_id, chat.order_number, chat.posting_number, chat.sku) == (
        "buyer-1",
        "ORD-1",
        "P-1",
        "SKU-1",
    )
    assert chat.priority == "normal"
    assert chat.unanswered_count == 0
    assert chat.topic_thread_id is None
    assert chat.context_posted is False

    again, created = await db.chats.upsert(
        seller_id=seller.id, external_id="chat-1", status="closed", chat_type="SELLER_SUPPORT"
    )
    assert created is False
    assert again.id == chat.id
    assert again.status == "closed"
    assert again.chat_type == "SELLER_SUPPORT"
    assert await db.pool.fetchval("SELECT count(*) FROM chats") == 1


async def test_upsert_fills_gaps_without_erasing_known_values(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    await db.chats.upsert(seller_id=seller.id, external_id="c", order_number="ORD-1")

    chat, created = await db.chats.upsert(
        seller_id=seller.id,
        external_id="c",
        buyer_external_id="buyer-1",
        order_number="ORD-2",
        posting_number=None,
        sku="SKU-9",
    )

    assert created is False
    assert chat.order_number == "ORD-1"  # known value is kept, not overwritten
    assert chat.buyer_external_id == "buyer-1"  # gap filled
    assert chat.sku == "SKU-9"  # gap filled
    assert chat.posting_number is None

    chat, _ = await db.chats.upsert(seller_id=seller.id, external_id="c")
    assert (chat.order_number, chat.buyer_external_id, chat.sku) == ("ORD-1", "buyer-1", "SKU-9")


async def test_same_external_id_for_two_sellers_is_two_chats(db: Database) -> None:
    workspace = await make_workspace(db)
    s1 = await make_seller(db, workspace, client_id="1")
    s2 = await make_seller(db, workspace, client_id="2")

    c1, created1 = await db.chats.upsert(seller_id=s1.id, external_id="same")
    c2, created2 = await db.chats.upsert(seller_id=s2.id, external_id="same")

    assert created1 is True
    assert created2 is True
    assert c1.id != c2.id


async def test_upsert_rejects_unknown_status(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db))
    with pytest.raises(asyncpg.CheckViolationError):
        await db.chats.upsert(seller_id=seller.id, external_id="c", status="archived")


async def test_get_and_get_by_external(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)

    assert await db.chats.get(chat_id=chat.id) == chat
    assert await db.chats.get_by_external(seller_id=seller.id, external_id=chat.external_id) == (
        chat
    )


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.chats.get(chat_id=999)


async def test_get_by_external_unknown_raises_not_found(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace, client_id="1")
    other = await make_seller(db, workspace, client_id="2")
    await make_chat(db, seller, external_id="c")

    with pytest.raises(NotFound):
        await db.chats.get_by_external(seller_id=seller.id, external_id="missing")
    with pytest.raises(NotFound):
        await db.chats.get_by_external(seller_id=other.id, external_id="c")


async def test_get_by_topic(db: Database) -> None:
    workspace, _, chat = await make_seller_with_chat(db)
    await db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=77, name="T")

    found = await db.chats.get_by_topic(workspace_id=workspace.id, thread_id=77)

    assert found.id == chat.id
    assert found.topic_thread_id == 77
    with pytest.raises(NotFound):
        await db.chats.get_by_topic(workspace_id=workspace.id, thread_id=78)
    with pytest.raises(NotFound):
        await db.chats.get_by_topic(workspace_id=workspace.id + 1, thread_id=77)


async def test_last_message_ids(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace, client_id="1")
    other = await make_seller(db, workspace, client_id="2")
    a = await make_chat(db, seller, external_id="a")
    await make_chat(db, seller, external_id="b")
    await make_chat(db, other, external_id="c")
    await db.chats.set_last_message(chat_id=a.id, external_id="100", at=at())

    everything = ["a", "b", "c", "unknown"]
    assert await db.chats.last_message_ids(seller_id=seller.id, external_ids=everything) == {
        "a": "100",
        "b": None,
    }
    assert await db.chats.last_message_ids(seller_id=seller.id, external_ids=["b"]) == {"b": None}
    assert await db.chats.last_message_ids(seller_id=other.id, external_ids=everything) == {
        "c": None
    }
    assert await db.chats.last_message_ids(seller_id=999, external_ids=everything) == {}


async def test_set_last_message_moves_forward_only(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    await db.chats.set_last_message(chat_id=chat.id, external_id="100", at=at(1))
    stored = await db.chats.get(chat_id=chat.id)
    assert (stored.last_message_external_id, stored.last_message_at) == ("100", at(1))

    await db.chats.set_last_message(chat_id=chat.id, external_id="200", at=at(2))
    await db.chats.set_last_message(chat_id=chat.id, external_id="150", at=at(3))
    await db.chats.set_last_message(chat_id=chat.id, external_id="200", at=at(4))
    stored = await db.chats.get(chat_id=chat.id)
    assert (stored.last_message_external_id, stored.last_message_at) == ("200", at(2))


async def test_set_last_message_compares_19_digit_ids_numerically(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    older = "3000000000123456789"
    newer = "3000000000123456790"

    await db.chats.set_last_message(chat_id=chat.id, external_id=newer, at=at(2))
    await db.chats.set_last_message(chat_id=chat.id, external_id=older, at=at(1))
    assert (await db.chats.get(chat_id=chat.id)).last_message_external_id == newer

    biggest = "9223372036854775807"
    await db.chats.set_last_message(chat_id=chat.id, external_id=biggest, at=at(3))
    assert (await db.chats.get(chat_id=chat.id)).last_message_external_id == biggest


async def test_set_last_message_longer_id_is_newer(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    await db.chats.set_last_message(chat_id=chat.id, external_id="999", at=at(1))
    # "1000" < "999" as text, but it is the bigger (newer) number.
    await db.chats.set_last_message(chat_id=chat.id, external_id="1000", at=at(2))
    assert (await db.chats.get(chat_id=chat.id)).last_message_external_id == "1000"

    # And a shorter id never moves the cursor back.
    await db.chats.set_last_message(chat_id=chat.id, external_id="9999", at=at(3))
    await db.chats.set_last_message(chat_id=chat.id, external_id="99", at=at(4))
    stored = await db.chats.get(chat_id=chat.id)
    assert (stored.last_message_external_id, stored.last_message_at) == ("9999", at(3))


async def test_set_topic_and_clear_topic(db: Database) -> None:
    workspace, _, chat = await make_seller_with_chat(db)
    await db.chats.set_topic_appearance(chat_id=chat.id, icon="🟢", closed=True)
    await db.chats.mark_context_posted(chat_id=chat.id)

    await db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace.id, thread_id=10, name="Order 1"
    )
    stored = await db.chats.get(chat_id=chat.id)
    assert stored.topic_workspace_id == workspace.id
    assert stored.topic_thread_id == 10
    assert stored.topic_name == "Order 1"
    assert stored.topic_closed is False  # a new topic starts open…
    assert stored.context_posted is False  # …and without its context card

    await db.chats.mark_context_posted(chat_id=chat.id)
    await db.chats.clear_topic(chat_id=chat.id)
    cleared = await db.chats.get(chat_id=chat.id)
    assert cleared.topic_thread_id is None
    assert cleared.topic_name is None
    assert cleared.topic_icon is None
    assert cleared.topic_closed is False
    assert cleared.context_posted is False
    with pytest.raises(NotFound):
        await db.chats.get_by_topic(workspace_id=workspace.id, thread_id=10)


async def test_set_topic_used_by_another_chat_raises_conflict(db: Database) -> None:
    workspace, seller, chat = await make_seller_with_chat(db)
    other = await make_chat(db, seller, external_id="chat-2")
    await db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=10, name="A")

    with pytest.raises(Conflict):
        await db.chats.set_topic(
            chat_id=other.id, workspace_id=workspace.id, thread_id=10, name="B"
        )

    assert (await db.chats.get(chat_id=other.id)).topic_thread_id is None
    assert (await db.chats.get_by_topic(workspace_id=workspace.id, thread_id=10)).id == chat.id


async def test_same_thread_id_in_another_workspace_is_allowed(db: Database) -> None:
    ws1 = await make_workspace(db, tg_chat_id=-1001)
    ws2 = await make_workspace(db, tg_chat_id=-100_999)
    c1 = await make_chat(db, await make_seller(db, ws1, client_id="1"))
    c2 = await make_chat(db, await make_seller(db, ws2, client_id="2"))

    await db.chats.set_topic(chat_id=c1.id, workspace_id=ws1.id, thread_id=10, name="A")
    await db.chats.set_topic(chat_id=c2.id, workspace_id=ws2.id, thread_id=10, name="B")

    assert (await db.chats.get_by_topic(workspace_id=ws1.id, thread_id=10)).id == c1.id
    assert (await db.chats.get_by_topic(workspace_id=ws2.id, thread_id=10)).id == c2.id


async def test_set_topic_conflict_inside_transaction(db: Database) -> None:
    workspace, seller, chat = await make_seller_with_chat(db)
    other = await make_chat(db, seller, external_id="chat-2")
    await db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=10, name="A")

    with pytest.raises(Conflict):
        async with db.transaction() as conn:
            await db.chats.set_topic(
                chat_id=other.id, workspace_id=workspace.id, thread_id=10, name="B", conn=conn
            )


async def test_set_topic_appearance_changes_only_given_fields(db: Database) -> None:
    workspace, _, chat = await make_seller_with_chat(db)
    await db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=1, name="A")

    await db.chats.set_topic_appearance(chat_id=chat.id, icon="🔴")
    stored = await db.chats.get(chat_id=chat.id)
    assert (stored.topic_name, stored.topic_icon, stored.topic_closed) == ("A", "🔴", False)

    await db.chats.set_topic_appearance(chat_id=chat.id, name="B", closed=True)
    stored = await db.chats.get(chat_id=chat.id)
    assert (stored.topic_name, stored.topic_icon, stored.topic_closed) == ("B", "🔴", True)

    await db.chats.set_topic_appearance(chat_id=chat.id, closed=False)
    stored = await db.chats.get(chat_id=chat.id)
    assert (stored.topic_name, stored.topic_icon, stored.topic_closed) == ("B", "🔴", False)

    await db.chats.set_topic_appearance(chat_id=chat.id)
    assert (await db.chats.get(chat_id=chat.id)).topic_name == "B"


async def test_mark_context_posted(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    assert chat.context_posted is False

    await db.chats.mark_context_posted(chat_id=chat.id)

    assert (await db.chats.get(chat_id=chat.id)).context_posted is True


async def test_set_status(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    await db.chats.set_status(chat_id=chat.id, status="closed")
    assert (await db.chats.get(chat_id=chat.id)).status == "closed"
    await db.chats.set_status(chat_id=chat.id, status="open")
    assert (await db.chats.get(chat_id=chat.id)).status == "open"

    with pytest.raises(asyncpg.CheckViolationError):
        await db.chats.set_status(chat_id=chat.id, status="gone")


async def test_set_owner_and_release(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    agent = await make_agent(db)

    await db.chats.set_owner(chat_id=chat.id, agent_id=agent.id)
    assert (await db.chats.get(chat_id=chat.id)).owner_agent_id == agent.id

    await db.chats.set_owner(chat_id=chat.id, agent_id=None)
    assert (await db.chats.get(chat_id=chat.id)).owner_agent_id is None


async def test_set_owner_unknown_chat_raises_not_found(db: Database) -> None:
    agent = await make_agent(db)
    with pytest.raises(NotFound):
        await db.chats.set_owner(chat_id=999, agent_id=agent.id)


async def test_set_sla(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    await db.chats.set_sla(
        chat_id=chat.id,
        priority="urgent",
        waiting_since=at(0),
        sla_deadline=at(15),
        reply_window_ends_at=at(60 * 48),
        unanswered_count=3,
    )
    stored = await db.chats.get(chat_id=chat.id)
    assert stored.priority == "urgent"
    assert stored.waiting_since == at(0)
    assert stored.sla_deadline == at(15)
    assert stored.reply_window_ends_at == at(60 * 48)
    assert stored.unanswered_count == 3

    await db.chats.set_sla(
        chat_id=chat.id,
        priority="normal",
        waiting_since=None,
        sla_deadline=None,
        reply_window_ends_at=None,
        unanswered_count=0,
    )
    stored = await db.chats.get(chat_id=chat.id)
    assert (stored.priority, stored.waiting_since, stored.sla_deadline) == ("normal", None, None)
    assert stored.unanswered_count == 0


async def test_set_sla_rejects_negative_count(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.chats.set_sla(
            chat_id=chat.id,
            priority="normal",
            waiting_since=None,
            sla_deadline=None,
            reply_window_ends_at=None,
            unanswered_count=-1,
        )


async def test_list_waiting_orders_by_deadline_nulls_last(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace, client_id="1")
    other = await make_seller(db, workspace, client_id="2")

    async def waiting(seller_id: int, external_id: str, since: int, deadline: int | None) -> int:
        chat, _ = await db.chats.upsert(seller_id=seller_id, external_id=external_id)
        await db.chats.set_sla(
            chat_id=chat.id,
            priority="normal",
            waiting_since=at(since),
            sla_deadline=None if deadline is None else at(deadline),
            reply_window_ends_at=None,
            unanswered_count=1,
        )
        return chat.id

    no_deadline_late = await waiting(seller.id, "n2", since=5, deadline=None)
    no_deadline_early = await waiting(seller.id, "n1", since=1, deadline=None)
    late = await waiting(seller.id, "late", since=0, deadline=30)
    soon = await waiting(seller.id, "soon", since=3, deadline=10)
    foreign = await waiting(other.id, "foreign", since=0, deadline=20)
    answered, _ = await db.chats.upsert(seller_id=seller.id, external_id="answered")
    closed = await waiting(seller.id, "closed", since=0, deadline=1)
    await db.chats.set_status(chat_id=closed, status="closed")

    all_waiting = [c.id for c in await db.chats.list_waiting()]
    assert all_waiting == [soon, foreign, late, no_deadline_early, no_deadline_late]
    assert answered.id not in all_waiting

    mine = [c.id for c in await db.chats.list_waiting(seller_ids=[seller.id])]
    assert mine == [soon, late, no_deadline_early, no_deadline_late]
    assert [c.id for c in await db.chats.list_waiting(seller_ids=[other.id])] == [foreign]
    assert await db.chats.list_waiting(seller_ids=[]) == []
    assert [c.id for c in await db.chats.list_waiting(limit=2)] == [soon, foreign]


async def test_get_for_update_inside_transaction(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    async with db.transaction() as conn:
        locked = await db.chats.get_for_update(chat_id=chat.id, conn=conn)
        assert locked == chat
        # Another connection cannot take the same lock while we hold it.
        async with db.pool.acquire() as other:
            await other.execute("SET lock_timeout = '100ms'")
            with pytest.raises(asyncpg.LockNotAvailableError):
                await other.fetchrow("SELECT id FROM chats WHERE id = $1 FOR UPDATE", chat.id)
        await db.chats.set_status(chat_id=chat.id, status="closed", conn=conn)

    assert (await db.chats.get(chat_id=chat.id)).status == "closed"


async def test_get_for_update_serialises_two_transactions(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    order: list[str] = []
    first_locked = asyncio.Event()

    async def first() -> None:
        async with db.transaction() as conn:
            await db.chats.get_for_update(chat_id=chat.id, conn=conn)
            order.append("first locked")
            first_locked.set()
            await asyncio.sleep(0.2)
            await db.chats.mark_context_posted(chat_id=chat.id, conn=conn)
            order.append("first done")

    async def second() -> None:
        await first_locked.wait()
        async with db.transaction() as conn:
            locked = await db.chats.get_for_update(chat_id=chat.id, conn=conn)
            order.append("second locked")
            assert locked.context_posted is True  # sees the first one's committed change

    await asyncio.gather(first(), second())
    assert order == ["first locked", "first done", "second locked"]


async def test_get_for_update_unknown_raises_not_found(db: Database) -> None:
    async with db.transaction() as conn:
        with pytest.raises(NotFound):
            await db.chats.get_for_update(chat_id=999, conn=conn)


async def test_remember_records_chats_by_cursor_only_and_updates_them(db: Database) -> None:
    _, seller, _ = await make_seller_with_chat(db)
    await db.chats.remember(
        seller_id=seller.id,
        chats=[("old-1", "BUYER_SELLER", "open", "3000000000000000001"),
               ("old-2", "BUYER_SELLER", "closed", "3000000000000000002")],
    )  # fmt: skip
    known = await db.chats.last_message_ids(seller_id=seller.id, external_ids=["old-1", "old-2"])
    assert known["old-1"] == "3000000000000000001"
    assert known["old-2"] == "3000000000000000002"
    old_two = await db.chats.get_by_external(seller_id=seller.id, external_id="old-2")
    assert (old_two.status, old_two.topic_thread_id, old_two.waiting_since) == (
        "closed",
        None,
        None,
    )

    await db.chats.remember(
        seller_id=seller.id, chats=[("old-1", "BUYER_SELLER", "open", "3000000000000000009")]
    )
    known = await db.chats.last_message_ids(seller_id=seller.id, external_ids=["old-1", "old-2"])
    assert known["old-1"] == "3000000000000000009"
    await db.chats.remember(seller_id=seller.id, chats=[])  # nothing to do, no error


async def test_record_activity_writes_the_conversation_state(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    await db.chats.record_activity(
        chat_id=chat.id,
        last_message_external_id="3000000000000000005",
        last_message_at=at(10),
        last_buyer_message_at=at(10),
        last_seller_message_at=at(5),
        waiting_since=at(10),
        unanswered_count=2,
        reply_window_ends_at=at(10 + 48 * 60),
    )
    stored = await db.chats.get(chat_id=chat.id)
    assert stored.last_message_external_id == "3000000000000000005"
    assert (stored.last_buyer_message_at, stored.last_seller_message_at) == (at(10), at(5))
    assert (stored.waiting_since, stored.unanswered_count) == (at(10), 2)
    assert stored.reply_window_ends_at == at(10 + 48 * 60)


async def test_upsert_fills_the_product_url_once(db: Database) -> None:
    _, seller, _ = await make_seller_with_chat(db)
    first, _ = await db.chats.upsert(
        seller_id=seller.id, external_id="p", product_url="https://www.ozon.ru/product/1"
    )
    again, _ = await db.chats.upsert(
        seller_id=seller.id, external_id="p", product_url="https://www.ozon.ru/product/2"
    )
    assert first.product_url == again.product_url == "https://www.ozon.ru/product/1"


async def test_with_seller_reads_the_chat_its_seller_key_fields_and_group_shops(
    db: Database,
) -> None:
    workspace, other = await make_workspace(db), await make_workspace(db, tg_chat_id=-100_999)
    seller = await make_seller(db, workspace, name="Shop A")
    chat = await make_chat(db, seller, order_number="ORD-7")
    await db.marketplace_data.merge(chat_id=chat.id, data={"reply_sign": "s-1"})

    found = await db.chats.with_seller(chat_id=chat.id)
    assert found.chat == await db.chats.get(chat_id=chat.id)
    assert found.seller == await db.sellers.get(seller_id=seller.id)
    assert found.api_key_encrypted == await db.sellers.get_encrypted_key(seller_id=seller.id)
    assert found.marketplace_data == {"reply_sign": "s-1"}
    assert (found.shops_in_group, found.marketplaces_in_group) == (1, 1)
    assert "encrypted" not in repr(found)  # the key never travels in a repr (logs)

    # A second shop on another marketplace: the shop is named, the marketplace badged.
    await make_seller(db, workspace, client_id="wb-1", marketplace="wildberries", name="B")
    await make_seller(db, other, client_id="elsewhere", name="C")  # another group: not counted
    found = await db.chats.with_seller(chat_id=chat.id)
    assert (found.shops_in_group, found.marketplaces_in_group) == (2, 2)
    assert (await db.chats.with_seller(chat_id=chat.id, workspace_id=other.id)).shops_in_group == 1


async def test_with_seller_leaves_removed_shops_out_and_has_no_key_for_them(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace)
    gone = await make_seller(db, workspace, client_id="gone", marketplace="wildberries")
    chat = await make_chat(db, seller)
    gone_chat = await make_chat(db, gone, external_id="gone-chat")
    async with db.transaction() as conn:
        await db.sellers.archive(seller_id=gone.id, conn=conn)

    found = await db.chats.with_seller(chat_id=chat.id)
    assert (found.shops_in_group, found.marketplaces_in_group) == (1, 1)
    assert (await db.chats.with_seller(chat_id=gone_chat.id)).api_key_encrypted is None
    with pytest.raises(NotFound):
        await db.chats.with_seller(chat_id=chat.id + gone_chat.id + 1000)
