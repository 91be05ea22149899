"""Adding an Ozon shop registers its push URL with Ozon, one update at a time
(tests.support.handlers, against the Ozon emulator): said in the wizard's last message when
Ozon takes it, or the URL handed over with a button when Ozon refuses. Pushes arriving at
the bot's own push server, drained and posted, are test_ozon_push.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SendMessage
from pydantic import AnyHttpUrl

from bot.settings import Settings
from bot.sync.push_tokens import PushTokens
from storage.database import Database
from tests.support.handlers import BORIS, HandlerWorld, buttons, open_handler_world, shown
from tests.support.texts import has, says

SHOP_ID, SHOP_KEY = "555001", "ozon-second-shop-key-01234"


def with_public_url(settings: Settings) -> Settings:
    public = {"ozon_push_port": 0, "ozon_push_host": "127.0.0.1",
              "public_base_url": AnyHttpUrl("https://desk.example.com")}  # fmt: skip
    return settings.model_copy(update=public)  # typed as Settings would parse them


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    async with open_handler_world(db, with_public_url) as opened:
        await opened.bound_group()
        opened.ozon.state.add_seller(SHOP_ID, SHOP_KEY, name="Сумки")
        yield opened


async def add_the_shop(hw: HandlerWorld) -> list[SendMessage]:
    requests = await hw.say(BORIS, f"/add_seller ozon {SHOP_ID} {SHOP_KEY} Сумки")
    return [m for m in shown(requests) if isinstance(m, SendMessage) and m.chat_id == BORIS.id]


async def test_a_new_shops_push_url_is_registered_and_said(hw: HandlerWorld) -> None:
    *_, last = await add_the_shop(hw)
    assert has(last.text, says("push.registered", shop="Сумки"))
    seller = await hw.db.sellers.find(marketplace="ozon", client_id=SHOP_ID)
    assert seller is not None
    token = await PushTokens(db=hw.db, vault=hw.vault).current(seller.id)
    [subscription] = hw.ozon.state.notifications.of(SHOP_ID).items.values()
    assert subscription.url == f"https://desk.example.com/ozon/push/{token.get_secret_value()}"


async def test_a_refused_registration_hands_over_the_url_with_a_button(hw: HandlerWorld) -> None:
    hw.ozon.state.notifications.of(SHOP_ID).refuse = True
    *_, last = await add_the_shop(hw)
    assert has(last.text, says("push.refused", shop="Сумки"))
    assert await hw.db.sellers.find(marketplace="ozon", client_id=SHOP_ID) is not None
    assert hw.ozon.state.notifications.of(SHOP_ID).items == {}
    [data] = buttons(last).values()  # the URL, shown on a press
    assert data.startswith("pu1:")
