"""No API key in logs, in anything the Telegram emulator recorded, or in the database."""

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
    # The wizard, with a wrong key first.
    aw.say(aw.boris, "/add_seller")
    question = await aw.wait_private(aw.boris, says("add.ask_marketplace"))
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


async def _whole_database(db: Database) -> str:
    tables = await db.pool.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    rows = []
    for table in tables:
        name = table["tablename"]
        rows.extend(await db.pool.fetch(f'SELECT row_to_json(t)::text AS row FROM "{name}" t'))
    return "\n".join(r["row"] for r in rows)
