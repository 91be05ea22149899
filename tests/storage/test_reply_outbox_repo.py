"""ReplyOutboxRepo: the durable queue toward the marketplace (at most once per reply)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
import pytest

from storage.database import Database
from storage.errors import NotFound
from storage.records import Chat
from storage.reply_outbox_repo import MAX_ERROR_LENGTH
from tests.storage.factories import at, make_agent, make_chat, make_seller_with_chat

HOUR = timedelta(hours=1)


async def _reply(db: Database, chat: Chat, key: str, text: str = "Спасибо!") -> int:
    item, created = await db.replies.enqueue(
        chat_id=chat.id, idempotency_key=key, origin="agent", text=text
    )
    assert created is True
    # Ready from T0 on, so tests can use explicit `now` values.
    await db.pool.execute("UPDATE reply_outbox SET not_before = $2 WHERE id = $1", item.id, at(0))
    return item.id


async def test_enqueue_text_reply(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    agent = await make_agent(db)
    suggestion = await db.suggestions.create(chat_id=chat.id, text="Draft", source="llm")

    item, created = await db.replies.enqueue(
        chat_id=chat.id,
        idempotency_key="tg:-100123:55",
        origin="draft",
        text="Добрый день!",
        agent_id=agent.id,
        suggestion_id=suggestion.id,
        tg_chat_id=-100123,
        tg_message_id=55,
    )

    assert created is True
    assert item.chat_id == chat.id
    assert item.idempotency_key == "tg:-100123:55"
    assert item.origin == "draft"
    assert item.kind == "text"
    assert item.text == "Добрый день!"
    assert item.file is None
    assert item.agent_id == agent.id
    assert item.suggestion_id == suggestion.id
    assert (item.tg_chat_id, item.tg_message_id) == (-100123, 55)
    assert item.status == "pending"
    assert item.attempts == 0
    assert item.lease_until is None
    assert item.sent_at is None
    assert item.marketplace_message_id is None
    assert await db.replies.get(item_id=item.id) == item


async def test_enqueue_file_reply_may_have_empty_text(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    file = {"name": "invoice.pdf", "tg_file_id": "AbC", "size": 2048}

    item, created = await db.replies.enqueue(
        chat_id=chat.id, idempotency_key="f1", origin="agent", kind="file", file=file
    )

    assert created is True
    assert (item.kind, item.text) == ("file", "")
    assert item.file == file
    assert (await db.replies.get(item_id=item.id)).file == file


async def test_enqueue_is_idempotent_by_key(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    first, created = await db.replies.enqueue(
        chat_id=chat.id, idempotency_key="k1", origin="agent", text="first"
    )
    assert created is True

    again, created = await db.replies.enqueue(
        chat_id=chat.id, idempotency_key="k1", origin="auto", text="second"
    )

    assert created is False
    assert again == first
    assert again.text == "first"
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 1


async def test_enqueue_idempotent_inside_transaction(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    async with db.transaction() as conn:
        first, created1 = await db.replies.enqueue(
            chat_id=chat.id, idempotency_key="k", origin="agent", text="a", conn=conn
        )
        second, created2 = await db.replies.enqueue(
            chat_id=chat.id, idempotency_key="k", origin="agent", text="b", conn=conn
        )
    assert (created1, created2) == (True, False)
    assert second.id == first.id


async def test_enqueue_concurrent_double_submit_is_one_row(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)

    results = await asyncio.gather(
        *(
            db.replies.enqueue(chat_id=chat.id, idempotency_key="tap", origin="agent", text="x")
            for _ in range(5)
        )
    )

    assert sorted(created for _, created in results) == [False, False, False, False, True]
    assert len({item.id for item, _ in results}) == 1


@pytest.mark.parametrize("text", ["", None])
async def test_text_reply_must_not_be_empty(db: Database, text: str | None) -> None:
    _, _, chat = await make_seller_with_chat(db)
    kwargs = {} if text is None else {"text": text}
    with pytest.raises(asyncpg.CheckViolationError):
        await db.replies.enqueue(chat_id=chat.id, idempotency_key="e", origin="agent", **kwargs)
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0


async def test_enqueue_rejects_unknown_origin(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.replies.enqueue(chat_id=chat.id, idempotency_key="o", origin="robot", text="x")


async def test_get_unknown_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await db.replies.get(item_id=999)


async def _chats(db: Database, count: int) -> list[Chat]:
    _, seller, first = await make_seller_with_chat(db)
    others = [await make_chat(db, seller, external_id=f"extra-{i}") for i in range(1, count)]
    return [first, *others]


async def test_claim_takes_each_chats_head_in_id_order_with_lease(db: Database) -> None:
    chats = await _chats(db, 3)
    ids = [await _reply(db, chat, f"k{i}") for i, chat in enumerate(chats)]

    first = await db.replies.claim(now=at(1), limit=2, lease=timedelta(seconds=30))
    rest = await db.replies.claim(now=at(1), limit=10)

    assert [i.id for i in first] == ids[:2]
    assert [i.id for i in rest] == ids[2:]
    assert all(i.attempts == 1 for i in first + rest)
    assert all(i.lease_until == at(1, seconds=30) for i in first)
    assert await db.replies.claim(now=at(1)) == []


async def test_claim_hands_out_one_row_per_chat_in_queue_order(db: Database) -> None:
    """The spine of ordering: a chat's next reply is claimable only once its head is final."""
    a, b = await _chats(db, 2)
    a_ids = [await _reply(db, a, f"a{i}") for i in range(3)]
    b_ids = [await _reply(db, b, f"b{i}") for i in range(2)]

    batch = await db.replies.claim(now=at(1), limit=10, lease=HOUR)
    assert [i.id for i in batch] == [a_ids[0], b_ids[0]]
    await db.replies.mark_sent(item_id=a_ids[0], at=at(1))
    # b's head is still in flight (leased): nothing of b; a's next one is now the head.
    assert [i.id for i in await db.replies.claim(now=at(2))] == [a_ids[1]]


async def test_a_waiting_head_holds_back_its_chat(db: Database) -> None:
    [chat] = await _chats(db, 1)
    head = await _reply(db, chat, "head")
    later = await _reply(db, chat, "later")
    await db.replies.claim(now=at(0))
    await db.replies.mark_sending(item_id=head, at=at(0))
    await db.replies.retry_later(
        item_id=head, not_before=at(30), error_code="outcome_unknown", outcome_unknown=True
    )
    assert await db.replies.claim(now=at(10)) == []  # backoff of the head: later waits

    [again] = await db.replies.claim(now=at(30))
    assert again.id == head
    assert await db.replies.mark_unverified(item_id=head, error_code="unverified")
    assert await db.replies.claim(now=at(100)) == []  # waiting for a person: later waits

    assert await db.replies.drop_unverified(item_id=head)
    assert not await db.replies.drop_unverified(item_id=head)  # a double press changes nothing
    [nxt] = await db.replies.claim(now=at(100))
    assert nxt.id == later


async def test_send_anyway_only_from_unverified_with_a_fresh_budget(db: Database) -> None:
    [chat] = await _chats(db, 1)
    item_id = await _reply(db, chat, "k")
    assert not await db.replies.send_anyway(item_id=item_id, now=at(5))  # pending: no
    await db.replies.claim(now=at(0))
    await db.replies.mark_sending(item_id=item_id, at=at(0))
    assert await db.replies.mark_unverified(item_id=item_id, error_code="unverified")

    assert await db.replies.send_anyway(item_id=item_id, now=at(5))
    assert not await db.replies.send_anyway(item_id=item_id, now=at(6))
    item = await db.replies.get(item_id=item_id)
    assert (item.status, item.attempts, item.not_before) == ("pending", 0, at(5))


async def test_mark_sending_records_each_attempts_start(db: Database) -> None:
    [chat] = await _chats(db, 1)
    item_id = await _reply(db, chat, "k")
    await db.replies.mark_sending(item_id=item_id, at=at(1))
    assert (await db.replies.get(item_id=item_id)).attempt_started_at == at(1)
    await db.replies.mark_sending(item_id=item_id, at=at(9))  # the next attempt
    assert (await db.replies.get(item_id=item_id)).attempt_started_at == at(9)


async def test_only_a_dead_instances_claims_are_taken_back(db: Database) -> None:
    first, second = await _chats(db, 2)
    dead_item = await _reply(db, first, "k1")
    live_item = await _reply(db, second, "k2")
    live = await db.instances.register()
    try:
        await db.replies.claim(now=at(0), lease=HOUR, limit=1, claimed_by="gone")
        await db.replies.claim(now=at(0), lease=HOUR, limit=1, claimed_by=live.instance_id)
        assert await db.replies.claim(now=at(1)) == []

        assert await db.instances.release_dead_claims("reply_outbox") == 1
        [again] = await db.replies.claim(now=at(1))
        assert again.id == dead_item != live_item
    finally:
        await live.release()


async def test_claim_respects_not_before_and_active_leases(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    item_id = await _reply(db, chat, "k")
    await db.pool.execute("UPDATE reply_outbox SET not_before = $2 WHERE id = $1", item_id, at(5))

    assert await db.replies.claim(now=at(4)) == []
    [claimed] = await db.replies.claim(now=at(5), lease=HOUR)
    assert claimed.id == item_id
    assert await db.replies.claim(now=at(59)) == []  # still leased
    [again] = await db.replies.claim(now=at(65))  # lease ran out: the worker vanished
    assert again.attempts == 2


async def test_claim_takes_expired_sending_rows_but_not_finished_ones(db: Database) -> None:
    chats = await _chats(db, 4)
    sending = await _reply(db, chats[0], "sending")
    leased_sending = await _reply(db, chats[1], "leased-sending")
    sent = await _reply(db, chats[2], "sent")
    failed = await _reply(db, chats[3], "failed")
    for item_id in (sending, leased_sending, sent, failed):
        await db.replies.mark_sending(item_id=item_id)
    await db.replies.mark_sent(item_id=sent, at=at(0))
    await db.replies.mark_failed(item_id=failed, error_code="window_closed")
    await db.replies.claim(now=at(0), lease=HOUR, limit=10)  # both sending rows leased to 1h

    assert await db.replies.claim(now=at(30), limit=10) == []
    claimed = await db.replies.claim(now=at(60), limit=10)

    assert [(i.id, i.status) for i in claimed] == [
        (sending, "sending"),
        (leased_sending, "sending"),
    ]


async def test_concurrent_claims_never_share_a_row(db: Database) -> None:
    chats = await _chats(db, 20)
    ids = [await _reply(db, chat, f"k{i}") for i, chat in enumerate(chats)]

    async def claim_loop() -> list[int]:
        got: list[int] = []
        async with db.pool.acquire() as conn:
            while batch := await db.replies.claim(now=at(1), limit=3, conn=conn):
                got.extend(item.id for item in batch)
        return got

    first, second = await asyncio.gather(claim_loop(), claim_loop())

    assert not set(first) & set(second)
    assert sorted(first + second) == ids


async def test_mark_sending_not_after_a_final_state(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    item_id = await _reply(db, chat, "k")

    await db.replies.mark_sending(item_id=item_id)
    assert (await db.replies.get(item_id=item_id)).status == "sending"

    await db.replies.mark_sent(item_id=item_id, at=at(1))
    await db.replies.mark_sending(item_id=item_id)
    assert (await db.replies.get(item_id=item_id)).status == "sent"


async def test_retry_later_with_unknown_outcome_stays_sending(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    item_id = await _reply(db, chat, "k")
    await db.replies.claim(now=at(0))
    await db.replies.mark_sending(item_id=item_id)

    await db.replies.retry_later(
        item_id=item_id, not_before=at(2), error_code="timeout", outcome_unknown=True
    )

    item = await db.replies.get(item_id=item_id)
    assert item.status == "sending"
    assert item.not_before == at(2)
    assert item.error_code == "timeout"
    assert item.lease_until is None
    assert await db.replies.claim(now=at(1)) == []
    assert [i.id for i in await db.replies.claim(now=at(2))] == [item_id]


async def test_retry_later_with_known_outcome_goes_back_to_pending(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    item_id = await _reply(db, chat, "k")
    await db.replies.claim(now=at(0))
    await db.replies.mark_sending(item_id=item_id)

    await db.replies.retry_later(
        item_id=item_id, not_before=at(3), error_code="rate_limited", outcome_unknown=False
    )

    item = await db.replies.get(item_id=item_id)
    assert item.status == "pending"
    assert item.not_before == at(3)
    assert item.error_code == "rate_limited"
    assert item.lease_until is None


async def test_retry_later_ignores_sent_and_failed(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    sent = await _reply(db, chat, "sent")
    failed = await _reply(db, chat, "failed")
    await db.replies.mark_sent(item_id=sent, at=at(1), marketplace_message_id="m1")
    await db.replies.mark_failed(item_id=failed, error_code="too_long")

    for item_id in (sent, failed):
        await db.replies.retry_later(
            item_id=item_id, not_before=at(9), error_code="late", outcome_unknown=False
        )

    assert (await db.replies.get(item_id=sent)).status == "sent"
    failed_item = await db.replies.get(item_id=failed)
    assert (failed_item.status, failed_item.error_code) == ("failed", "too_long")


async def test_mark_sent_once(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    item_id = await _reply(db, chat, "k")
    await db.replies.claim(now=at(0))
    await db.replies.mark_sending(item_id=item_id)
    await db.replies.retry_later(
        item_id=item_id, not_before=at(0), error_code="timeout", outcome_unknown=True
    )

    assert await db.replies.mark_sent(item_id=item_id, at=at(1), marketplace_message_id="m1")
    assert not await db.replies.mark_sent(item_id=item_id, at=at(2), marketplace_message_id="m2")

    item = await db.replies.get(item_id=item_id)
    assert item.status == "sent"
    assert item.sent_at == at(1)
    assert item.marketplace_message_id == "m1"
    assert item.error_code is None
    assert item.error_detail is None
    assert item.lease_until is None


async def test_mark_sent_without_marketplace_id_keeps_known_one(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    item_id = await _reply(db, chat, "k")
    await db.replies.set_marketplace_id(item_id=item_id, marketplace_message_id="m-known")

    assert await db.replies.mark_sent(item_id=item_id, at=at(1)) is True

    assert (await db.replies.get(item_id=item_id)).marketplace_message_id == "m-known"


async def test_mark_sent_unknown_item_is_false(db: Database) -> None:
    assert await db.replies.mark_sent(item_id=999, at=at()) is False


async def test_mark_failed(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    item_id = await _reply(db, chat, "k")
    await db.replies.claim(now=at(0))
    await db.replies.mark_sending(item_id=item_id)

    await db.replies.mark_failed(
        item_id=item_id, error_code="window_closed", error_detail="д" * 900
    )

    item = await db.replies.get(item_id=item_id)
    assert item.status == "failed"
    assert item.error_code == "window_closed"
    assert item.error_detail == "д" * MAX_ERROR_LENGTH
    assert item.lease_until is None
    assert await db.replies.claim(now=at(10)) == []


async def test_mark_failed_without_detail_and_not_after_sent(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    pending = await _reply(db, chat, "pending")
    sent = await _reply(db, chat, "sent")
    await db.replies.mark_sent(item_id=sent, at=at(1))

    assert await db.replies.mark_failed(item_id=pending, error_code="forbidden")
    assert not await db.replies.mark_failed(item_id=sent, error_code="forbidden")
    assert not await db.replies.mark_failed(item_id=pending, error_code="again")  # once

    failed_item = await db.replies.get(item_id=pending)
    assert (failed_item.status, failed_item.error_code, failed_item.error_detail) == (
        "failed",
        "forbidden",
        None,
    )
    sent_item = await db.replies.get(item_id=sent)
    assert (sent_item.status, sent_item.error_code) == ("sent", None)


async def test_set_marketplace_id_and_list_unmatched_sent(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    other_chat = await make_chat(db, seller, external_id="chat-2")
    unmatched_1 = await _reply(db, chat, "a")
    matched = await _reply(db, chat, "b")
    unmatched_2 = await _reply(db, chat, "c")
    await _reply(db, chat, "pending")
    foreign = await _reply(db, other_chat, "d")
    for item_id in (unmatched_1, matched, unmatched_2, foreign):
        await db.replies.mark_sent(item_id=item_id, at=at(1))

    assert [i.id for i in await db.replies.list_unmatched_sent(chat_id=chat.id)] == [
        unmatched_1,
        matched,
        unmatched_2,
    ]

    await db.replies.set_marketplace_id(item_id=matched, marketplace_message_id="3000000000000001")

    assert (await db.replies.get(item_id=matched)).marketplace_message_id == "3000000000000001"
    assert [i.id for i in await db.replies.list_unmatched_sent(chat_id=chat.id)] == [
        unmatched_1,
        unmatched_2,
    ]
    assert [i.id for i in await db.replies.list_unmatched_sent(chat_id=other_chat.id)] == [foreign]


async def test_rows_found_in_history_stay_listed_for_their_own_message(db: Database) -> None:
    """The worker records the message it found; sync must still see that message as ours."""
    [chat] = await _chats(db, 1)
    found = await _reply(db, chat, "found")
    other = await _reply(db, chat, "other")
    unverified = await _reply(db, chat, "unverified")
    await db.replies.mark_sent(item_id=found, at=at(1), marketplace_message_id="301")
    await db.replies.mark_sent(item_id=other, at=at(1), marketplace_message_id="302")
    await db.replies.mark_sending(item_id=unverified, at=at(2))
    await db.replies.mark_unverified(item_id=unverified, error_code="unverified")

    listed = await db.replies.list_unmatched_sent(chat_id=chat.id, message_ids=["301", "999"])
    assert [i.id for i in listed] == [found, unverified]
    assert await db.replies.matched_message_ids(chat_id=chat.id, except_item_id=found) == {"302"}
