"""No raw key in the wizard's FSM data (sealed with the vault, with an expiry); a message
edited to carry a key is deleted like a new one; the edit is stored sealed."""

from __future__ import annotations

import json

from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendMessage
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.admin.callbacks import PickMarketplace
from bot.admin.wizard_secret import SEALED_FIELD, open_key, seal_key
from storage.vault import Vault
from tests.support.handlers import BORIS, HandlerWorld, texts
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID, AdminWorld, wait_until


def test_a_sealed_key_opens_only_while_fresh() -> None:
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    sealed = seal_key(vault, SecretStr(API_KEY))
    assert API_KEY not in sealed
    opened = open_key(vault, sealed)
    assert opened is not None and opened.get_secret_value() == API_KEY
    assert open_key(vault, sealed, ttl=-1) is None  # expired: the wizard starts over
    other = Vault([SecretStr(Fernet.generate_key().decode())])
    assert open_key(other, sealed) is None


async def test_the_wizard_keeps_no_raw_key_in_fsm_data(hw: HandlerWorld) -> None:
    """One update at a time: what the wizard stores between steps, read from its storage."""
    await hw.bound_group()
    [question] = [r for r in await hw.say(BORIS, "/add_seller") if isinstance(r, SendMessage)]
    assert has(question.text, says("add.ask_marketplace"))
    await hw.press(BORIS, PickMarketplace(marketplace="ozon"), on=question)
    assert said(texts(await hw.say(BORIS, CLIENT_ID), BORIS.id), says("add.ask_key"))
    assert said(texts(await hw.say(BORIS, API_KEY), BORIS.id), says("add.ask_name"))

    storage = hw.app.dispatcher.storage
    key = StorageKey(bot_id=hw.bot.id, chat_id=BORIS.id, user_id=BORIS.id)
    data = await storage.get_data(key)
    assert SEALED_FIELD in data and "api_key" not in data
    assert API_KEY not in json.dumps(data)

    done = texts(await hw.say(BORIS, "Обувь"), BORIS.id)  # the key is opened only now
    assert said(done, says("add.summary", shop="Обувь"))
    [seller] = await hw.db.sellers.list_all()
    assert seller.client_id == CLIENT_ID
    assert await storage.get_data(key) == {}


async def test_a_group_message_edited_to_carry_a_key_is_deleted(aw: AdminWorld) -> None:
    group, _ = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))
    plain = aw.say(aw.boris, "/add_seller", group.id)  # no key yet: the wizard opens
    await aw.wait_private(aw.boris, says("add.ask_marketplace"))
    aw.tg.user_edits(aw.boris.id, group.id, plain, f"/add_seller ozon {CLIENT_ID} {API_KEY}")
    await aw.wait_group_post(group.id, says("add.group.deleted"))

    async def gone() -> bool:
        return plain not in [m["message_id"] for m in aw.tg.messages(group.id)]

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
