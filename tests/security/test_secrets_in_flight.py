"""No raw key in the wizard's FSM data (sealed with the vault, with an expiry). (A message
edited to carry a key: tests/admin/test_secrets.py.)"""

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
from tests.support.world import API_KEY, CLIENT_ID


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


# A message edited to carry a key (in a group and in private) is deleted and stored sealed:
# checked in the process-wide flow of tests/admin/test_secrets.py, whose logs, Bot API calls,
# live messages and database dump it then scans for every key.
