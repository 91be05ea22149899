"""The ``market`` fixture: the core end-to-end flows run once per marketplace (Ozon,
Wildberries, Yandex Market), each on a world whose group has one seller on it
(tests.support.markets.open_market_world)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from tests.support.markets import MARKETPLACES, Market, open_market_world
from tests.support.world import World


@pytest.fixture(params=MARKETPLACES)
async def market_world(
    request: pytest.FixtureRequest, db: Database
) -> AsyncIterator[tuple[World, Market]]:
    async with open_market_world(db, request.param) as opened:
        yield opened


@pytest.fixture
def market(market_world: tuple[World, Market]) -> Market:
    """The marketplace under test: its buyer writes, and what the seller sent it."""
    return market_world[1]


@pytest.fixture
def mworld(market_world: tuple[World, Market]) -> World:
    """The running bot and Telegram, with the market's seller (``mworld.seller``)."""
    return market_world[0]
