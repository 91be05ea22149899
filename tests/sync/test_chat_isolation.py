"""One bad chat never stops the seller's other chats; one bad message never blocks its chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sync.chat_failures import REPORT_AFTER
from bot.sync.poller import SellerPoller
from connectors.ozon.models import UNREADABLE_ID_PREFIX, HistoryPage
from tests.support.texts import has, says
from tests.sync.conftest import CLIENT_ID, SyncWorld


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _poller(world: SyncWorld, clock: Clock) -> SellerPoller:
    return SellerPoller(db=world.db, apis=world.apis, clock=clock)


async def _texts(world: SyncWorld, chat_external_id: str) -> list[str]:
    rows = await world.db.pool.fetch(
        """
        SELECT m.text FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.external_id = $1 ORDER BY m.id
        """,
        chat_external_id,
    )
    return [row["text"] for row in rows]


async def _general_notices(world: SyncWorld) -> list[str]:
    rows = await world.db.pool.fetch(
        "SELECT payload FROM tg_outbox WHERE kind = 'notice' AND chat_id IS NULL ORDER BY id"
    )
    return [row["payload"]["text"] for row in rows]


async def test_a_chat_whose_history_fails_is_skipped_with_its_own_backoff(
    world: SyncWorld,
) -> None:
    state, clock = world.emu.state, Clock()
    poller = _poller(world, clock)
    bad, _ = state.buyer_writes(CLIENT_ID, text="первый в плохом чате")
    good, _ = state.buyer_writes(CLIENT_ID, text="первый в хорошем чате")
    await poller.poll(world.seller)

    state.break_chat(CLIENT_ID, bad, "invalid chat state")
    state.buyer_writes(CLIENT_ID, chat_id=bad, text="второй в плохом")
    state.buyer_writes(CLIENT_ID, chat_id=good, text="второй в хорошем")
    report = await poller.poll(world.seller)  # raised BadRequest for the whole seller before

    assert report.failed_chats == [bad]
    assert await _texts(world, good) == ["первый в хорошем чате", "второй в хорошем"]
    row = await world.db.pool.fetchrow(
        "SELECT sync_failures, sync_retry_at, sync_error FROM chats WHERE external_id = $1", bad
    )
    assert (row["sync_failures"], row["sync_error"]) == (1, "bad_request")
    assert row["sync_retry_at"] > clock.now

    # Before its retry time the chat is not fetched again; the other chats still arrive.
    state.buyer_writes(CLIENT_ID, chat_id=good, text="третий в хорошем")
    before = world.calls()
    report = await poller.poll(world.seller)
    spent = world.calls() - before
    assert report.backed_off_chats == [bad] and not report.failed_chats
    assert spent["/v3/chat/history"] == 1  # the good chat only
    assert (await _texts(world, good))[-1] == "третий в хорошем"

    # Retried after each backoff; reported once in General after the third failure.
    for attempt in range(2, REPORT_AFTER + 2):
        clock.now += timedelta(hours=2)
        report = await poller.poll(world.seller)
        assert report.failed_chats == [bad], attempt
        notices = await _general_notices(world)
        assert len(notices) == (0 if attempt < REPORT_AFTER else 1), attempt
    order = await world.db.chats.get_by_external(seller_id=world.seller.id, external_id=bad)
    assert order is not None
    assert has(notices[0], says("sync.chat_failing", shop=world.seller.name))
    assert has(notices[0], says("sync.why.bad_request"))
    assert (order.order_number or order.external_id) in notices[0]
    assert await _texts(world, bad) == ["первый в плохом чате"]

    # Mended: its messages arrive, the failure is cleared and the recovery said once.
    state.mend_chat(CLIENT_ID, bad)
    clock.now += timedelta(hours=2)
    report = await poller.poll(world.seller)
    assert not report.failed_chats
    assert await _texts(world, bad) == ["первый в плохом чате", "второй в плохом"]
    assert await world.count("SELECT sync_failures FROM chats WHERE external_id = $1", bad) == 0
    notices = await _general_notices(world)
    assert len(notices) == 2 and has(notices[1], says("sync.chat_recovered"))
    await poller.poll(world.seller)
    assert len(await _general_notices(world)) == 2


async def test_a_new_chat_that_fails_from_the_start_is_retried_and_then_imported(
    world: SyncWorld,
) -> None:
    state, clock = world.emu.state, Clock()
    poller = _poller(world, clock)
    await poller.poll(world.seller)  # first sync of an empty seller
    bad, _ = state.buyer_writes(CLIENT_ID, text="новый чат")
    state.break_chat(CLIENT_ID, bad)
    assert (await poller.poll(world.seller)).failed_chats == [bad]
    state.mend_chat(CLIENT_ID, bad)
    clock.now += timedelta(hours=2)
    await poller.poll(world.seller)
    assert await _texts(world, bad) == ["новый чат"]


async def test_a_malformed_message_becomes_a_placeholder_and_later_ones_still_arrive(
    world: SyncWorld,
) -> None:
    state = world.emu.state
    chat_id, _ = state.buyer_writes(CLIENT_ID, text="Здравствуйте")
    await world.poller.poll(world.seller)
    _, broken = state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="это не прочитать")
    state.make_unreadable(broken)
    _, after = state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="а это прочитать")
    report = await world.poller.poll(world.seller)  # failed the whole seller's poll before

    assert not report.failed_chats and report.messages_stored == 2
    rows = await world.db.pool.fetch(
        """
        SELECT m.id, m.external_id, m.text, m.unreadable FROM messages m
          JOIN chats c ON c.id = m.chat_id WHERE c.external_id = $1 ORDER BY m.id
        """,
        chat_id,
    )
    assert [(r["external_id"], r["unreadable"]) for r in rows[1:]] == [
        (broken, True),
        (after, False),
    ]
    assert rows[1]["text"] in says("sync.unreadable_message")
    assert rows[2]["text"] == "а это прочитать"
    queued = await world.db.pool.fetch(
        "SELECT message_id FROM tg_outbox WHERE kind = 'buyer_message' ORDER BY id"
    )
    assert [q["message_id"] for q in queued] == [r["id"] for r in rows]
    chat = await world.db.chats.get_by_external(seller_id=world.seller.id, external_id=chat_id)
    assert chat is not None and chat.last_message_external_id == after

    state.buyer_writes(CLIENT_ID, chat_id=chat_id, text="и ещё")
    await world.poller.poll(world.seller)
    assert (await _texts(world, chat_id))[-1] == "и ещё"
    assert await world.count("SELECT count(*) FROM messages") == 4


def test_history_items_are_read_one_by_one() -> None:
    page = HistoryPage.model_validate(
        {
            "messages": [
                {"message_id": "12", "created_at": "2026-01-01T10:00:00Z", "data": ["ok"]},
                {"message_id": "13", "created_at": "garbage", "user": {"type": "Customer"}},
                {"created_at": 5, "data": {"weird": 1}},
            ],
            "has_next": False,
        }
    )
    ok, no_date, no_id = page.messages
    assert (ok.message_id, ok.unreadable, ok.content.text) == ("12", False, "ok")
    assert (no_date.message_id, no_date.unreadable, no_date.is_from_buyer) == ("13", True, True)
    assert no_id.unreadable and no_id.message_id.startswith(UNREADABLE_ID_PREFIX)
    again = HistoryPage.model_validate({"messages": [{"created_at": 5, "data": {"weird": 1}}]})
    assert again.messages[0].message_id == no_id.message_id  # stored once, however often read
