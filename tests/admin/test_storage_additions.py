"""Repository methods this feature added: pending groups, lookups, waiting counts."""

from __future__ import annotations

from storage.database import Database
from tests.storage.factories import at, make_chat, make_seller, make_workspace


async def test_a_pending_group_becomes_active_when_bound_and_keeps_its_row(db: Database) -> None:
    pending = await db.workspaces.register_pending(tg_chat_id=-100777, title="Новая")
    assert (pending.state, pending.bound_by_tg_user_id) == ("pending", None)
    assert await db.workspaces.list_all() == []  # not offered for sellers
    again = await db.workspaces.register_pending(tg_chat_id=-100777, title="Новое имя")
    assert (again.id, again.title, again.state) == (pending.id, "Новое имя", "pending")

    bound = await db.workspaces.bind(tg_chat_id=-100777, title="Группа", bound_by_tg_user_id=5)
    assert (bound.id, bound.state, bound.bound_by_tg_user_id) == (pending.id, "active", 5)
    rebound = await db.workspaces.bind(tg_chat_id=-100777, title="Группа", bound_by_tg_user_id=6)
    assert rebound.bound_by_tg_user_id == 5  # the first binder is kept
    kept = await db.workspaces.register_pending(tg_chat_id=-100777, title="Группа")
    assert kept.state == "active"  # registering never demotes a bound group

    assert await db.workspaces.find_by_chat(tg_chat_id=-100777) == kept
    assert await db.workspaces.find_by_chat(tg_chat_id=-1) is None


async def test_count_waiting_per_seller(db: Database) -> None:
    workspace = await make_workspace(db)
    first = await make_seller(db, workspace, client_id="1")
    second = await make_seller(db, workspace, client_id="2")
    for number, seller in enumerate((first, first, second)):
        chat = await make_chat(db, seller, external_id=f"c{number}")
        await db.chats.record_activity(
            chat_id=chat.id, last_message_external_id=f"m{number}", last_message_at=at(number),
            last_buyer_message_at=at(number), last_seller_message_at=None,
            waiting_since=at(number), unanswered_count=1, reply_window_ends_at=None,
        )  # fmt: skip
    answered = await make_chat(db, first, external_id="answered")
    await db.chats.record_activity(
        chat_id=answered.id, last_message_external_id="m9", last_message_at=at(9),
        last_buyer_message_at=at(8), last_seller_message_at=at(9), waiting_since=None,
        unanswered_count=0, reply_window_ends_at=None,
    )  # fmt: skip
    quiet = await make_seller(db, workspace, client_id="3")
    counts = await db.chats.count_waiting(seller_ids=[first.id, second.id, quiet.id])
    assert counts == {first.id: 2, second.id: 1}
    assert await db.chats.count_waiting(seller_ids=[]) == {}
