"""Adding a Yandex Market cabinet by one line, one update at a time (tests.support.handlers,
against the Market emulator): a read-only key refused with the reason and nothing saved, a
key reaching several cabinets confirmed with a button. The cabinet's chats end to end are
in test_yandex_market.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import EditMessageText

from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from tests.support.handlers import BORIS, HandlerWorld, buttons, open_handler_world, shown
from tests.support.texts import has, says

BUSINESS = 5123456
OTHER = 7000001


@pytest.fixture
async def ym() -> AsyncIterator[YandexMarketEmulator]:
    async with YandexMarketEmulator() as emulator:
        emulator.state.add_business(BUSINESS, name="Электроника")
        emulator.state.add_business(OTHER, name="Дом и сад")
        yield emulator


@pytest.fixture
async def hw(db: Database, ym: YandexMarketEmulator) -> AsyncIterator[HandlerWorld]:
    async with open_handler_world(db, ym=ym) as opened:
        await opened.bound_group()
        yield opened


async def test_a_read_only_key_is_refused_with_the_reason(
    hw: HandlerWorld, ym: YandexMarketEmulator
) -> None:
    key = ym.state.issue_key([BUSINESS], scopes=["ALL_METHODS_READ_ONLY"]).token
    requests = await hw.say(BORIS, f"/add_seller ym {key}")
    *_, last = shown(requests)
    assert last.chat_id == BORIS.id
    assert has(last.text, says("key.read_only")) and has(last.text, says("add.nothing_saved"))
    assert await hw.db.sellers.find(marketplace="ym", client_id=str(BUSINESS)) is None


async def test_a_key_reaching_several_cabinets_is_confirmed_with_a_button(
    hw: HandlerWorld, ym: YandexMarketEmulator
) -> None:
    key = ym.state.issue_key([BUSINESS, OTHER], scopes=["ALL_METHODS"]).token
    [asked] = [m for m in shown(await hw.say(BORIS, f"/add_seller ym {key}"))
               if has(m.text, says("add.ask_cabinet"))]  # fmt: skip
    assert isinstance(asked, EditMessageText) and asked.chat_id == BORIS.id
    offered = buttons(asked)
    [other] = [data for label, data in offered.items() if str(OTHER) in label]
    assert any(str(BUSINESS) in label for label in offered)
    assert await hw.db.sellers.find(marketplace="ym", client_id=str(OTHER)) is None  # waits

    await hw.press(BORIS, other, on=asked)
    seller = await hw.db.sellers.find(marketplace="ym", client_id=str(OTHER))
    assert seller is not None and "Дом и сад" in seller.name
    state = await hw.db.sync_state.get(seller_id=seller.id)
    assert state.initial_sync_done_at is not None  # the first sync ran, as in the wizard
    assert await hw.db.sellers.find(marketplace="ym", client_id=str(BUSINESS)) is None
