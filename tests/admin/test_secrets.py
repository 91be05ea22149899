"""No API key in logs, in anything the Telegram emulator recorded, or in the database, over
one whole process-wide flow of every path a key travels: messages edited to carry a key
(deleted like new ones, stored sealed), the wizard, the one-line form in a group, a key
replacement."""

from __future__ import annotations

import json
import logging

import pytest

from storage.database import Database
from tests.support.texts import says
from tests.support.world import (
    API_KEY,
    CLIENT_ID,
    SECOND_ID,
    SECOND_KEY,
    WRONG_KEY,
    AdminWorld,
    open_admin_world,
    wait_until,
)

ROTATED_KEY = "ozon-rotated-key-abcdefabcdef"


async def test_no_key_appears_in_logs_replies_or_the_database(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with open_admin_world(db) as aw:
        await _every_path_a_key_travels(aw)
        chats = list(aw.tg.state.chats)
        recorded = json.dumps(aw.tg.calls, ensure_ascii=False, default=str)
        live = json.dumps(
            [aw.tg.messages(chat_id) for chat_id in chats], ensure_ascii=False, default=str
        )
    keys = (API_KEY, WRONG_KEY, SECOND_KEY, ROTATED_KEY)
    stored = await _whole_database(db)
    assert len(stored) > 1000 and CLIENT_ID in stored  # the dump really holds the data
    assert "seller=" in caplog.text and "deleteMessage" in recorded  # and so do the others
    for key in keys:
        assert key not in caplog.text, "a key reached the logs"
        assert key not in recorded, "a key reached a Bot API call"
        assert key not in live, "a message with a key is still visible"
        assert key not in stored, "a key is stored in clear"


async def _every_path_a_key_travels(aw: AdminWorld) -> None:
    group, _ = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))
    await _edited_to_carry_a_key(aw, group.id)
    # The wizard, with a wrong key first.
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, "/add_seller")
    question = await aw.wait_private(aw.boris, says("add.ask_marketplace"), after=after)
    await aw.press(aw.boris, question, "Ozon")
    await aw.wait_private(aw.boris, says("add.ask_client_id"))
    aw.say(aw.boris, CLIENT_ID)
    await aw.wait_private(aw.boris, says("add.ask_key"))
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, WRONG_KEY)
    await aw.wait_private(aw.boris, says("key.invalid_key"), after=after)
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, API_KEY)
    ask_name = await aw.wait_private(aw.boris, says("add.ask_name"), after=after)
    await aw.press(aw.boris, ask_name, says("button.keep_name"))
    await aw.wait_private(aw.boris, says("add.summary"), after=after, seconds=15)
    # The one-line form in the group.
    aw.say(aw.boris, f"/add_seller ozon {SECOND_ID} {SECOND_KEY} Одежда", group.id)
    await aw.wait_group_post(group.id, says("add.group.deleted"))
    await aw.wait_private(aw.boris, says("add.summary", shop="Одежда"), seconds=15)
    # A key replacement.
    first = await aw.db.sellers.find(marketplace="ozon", client_id=CLIENT_ID)
    assert first is not None
    aw.ozon.state.set_api_key(CLIENT_ID, ROTATED_KEY)
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, "/sellers")
    listing = await aw.wait_private(aw.boris, says("sellers.title"), after=after)
    await aw.press(aw.boris, listing, first.name)
    card = await aw.wait_private_button(aw.boris, says("button.replace_key"), after=after)
    await aw.press(aw.boris, card, says("button.replace_key"))
    await aw.wait_private(aw.boris, says("sellers.ask_new_key"), after=after)
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, ROTATED_KEY)
    await aw.wait_private(aw.boris, says("sellers.key_synced"), after=after)
    await wait_until(aw.outbox_settled)


async def _edited_to_carry_a_key(aw: AdminWorld, group_id: int) -> None:
    """A message edited to carry a key is deleted like a new one; the edit is stored sealed
    and is not a new command."""
    plain = aw.say(aw.boris, "/add_seller", group_id)  # no key yet: the wizard opens
    await aw.wait_private(aw.boris, says("add.ask_marketplace"))
    aw.tg.user_edits(aw.boris.id, group_id, plain, f"/add_seller ozon {CLIENT_ID} {API_KEY}")
    await aw.wait_group_post(group_id, says("add.group.deleted"))

    async def gone() -> bool:
        return plain not in [m["message_id"] for m in aw.tg.messages(group_id)]

    await wait_until(gone)
    # In private too: an edited message with a key does not linger.
    mine = aw.say(aw.boris, "/add_seller")
    await aw.wait_private(aw.boris, says("add.ask_marketplace"), after=mine)
    aw.tg.user_edits(aw.boris.id, aw.boris.id, mine, f"/add_seller ozon {CLIENT_ID} {API_KEY}")

    async def gone_private() -> bool:
        return mine not in [m["message_id"] for m in aw.tg.messages(aw.boris.id)]

    await wait_until(gone_private)
    stored = await aw.db.pool.fetch("SELECT payload::text AS p FROM tg_updates")
    kinds = await aw.db.pool.fetch("SELECT payload->>'kind' AS k FROM tg_updates")
    assert "edited_message" in {r["k"] for r in kinds}
    assert all(API_KEY not in r["p"] for r in stored), "an edited update is stored in clear"
    assert await aw.db.sellers.list_all() == []  # an edit is not a new command


async def _whole_database(db: Database) -> str:
    tables = await db.pool.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    rows = []
    for table in tables:
        name = table["tablename"]
        rows.extend(await db.pool.fetch(f'SELECT row_to_json(t)::text AS row FROM "{name}" t'))
    return "\n".join(r["row"] for r in rows)
