"""Step worlds for the reply and marketplace cases of tests/e2e (issue 11): what
:func:`tests.support.relaying.open_relay_world` opens, with two knobs it lacks — settings
of the assembled bot (``configure``: drafts on, the push server on) and a group without
its seller yet (``open_market_steps``: the shop is added by command, then
:func:`relay_on` gives the same one-pass steps for it). Nothing polls and no worker runs
between the steps."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

from pydantic import SecretStr

from bot.settings import Settings
from sandbox.wildberries import WildberriesEmulator
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.records import Seller
from tests.support.handlers import GROUP_ID, HandlerWorld, open_handler_world
from tests.support.markets import Market, OzonMarket, WbMarket, YmMarket
from tests.support.relaying import RelayWorld
from tests.support.world import API_KEY, CLIENT_ID

Configure = Callable[[Settings], Settings]


def settings_with(**update: Any) -> Configure:
    """A ``configure`` for the handler world: these settings changed."""
    return lambda settings: settings.model_copy(update=update)


@contextlib.asynccontextmanager
async def open_market_steps(
    db: Database,
    marketplace: str = "ozon",
    configure: Configure | None = None,
    *,
    rate_limit: bool = False,
) -> AsyncIterator[tuple[HandlerWorld, Market]]:
    """The bound group (Boris its admin, Vera an agent) and the market under test on its
    emulator (``rate_limit``: the emulator's own limits on), no seller registered yet."""
    async with contextlib.AsyncExitStack() as stack:
        wb = ym = None
        if marketplace == "wildberries":
            wb = await stack.enter_async_context(WildberriesEmulator(rate_limit=rate_limit))
        elif marketplace == "ym":
            ym = await stack.enter_async_context(YandexMarketEmulator(rate_limit=rate_limit))
        elif marketplace != "ozon":
            raise ValueError(f"no emulator for marketplace {marketplace!r}")
        hw = await stack.enter_async_context(open_handler_world(db, configure, wb=wb, ym=ym))
        market: Market
        if wb is not None:
            market = WbMarket(wb)
        elif ym is not None:
            market = YmMarket(ym)
        else:
            market = OzonMarket(hw.ozon, client_id=CLIENT_ID, api_key=API_KEY, shop="Обувь")
        await hw.bound_group()
        yield hw, market


def relay_on(hw: HandlerWorld, market: Market, seller: Seller) -> RelayWorld:
    """The relay steps (tests.support.relaying.RelayWorld) for ``seller``; the files the
    agent posts are served to the worker's ``bot.download``."""
    world = RelayWorld(hw, market, seller)

    async def download(file: str, *_: Any, **__: Any) -> io.BytesIO:
        return io.BytesIO(world.files[file])

    hw.bot.download = download  # type: ignore[method-assign]
    return world


@contextlib.asynccontextmanager
async def open_relay_steps(
    db: Database,
    marketplace: str = "ozon",
    configure: Configure | None = None,
    *,
    rate_limit: bool = False,
) -> AsyncIterator[RelayWorld]:
    """open_relay_world with ``configure`` and ``rate_limit``: the group's one seller on
    ``marketplace``, registered as the world registers it."""
    async with open_market_steps(db, marketplace, configure, rate_limit=rate_limit) as opened:
        hw, market = opened
        spec = market.seller_spec()
        workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
        seller = await hw.db.sellers.create(
            workspace_id=workspace.id, marketplace=spec.marketplace, name=spec.name,
            client_id=spec.client_id, api_key_encrypted=hw.vault.encrypt(SecretStr(spec.api_key)),
        )  # fmt: skip
        yield relay_on(hw, market, seller)
