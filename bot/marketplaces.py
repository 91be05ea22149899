"""The composition root's one place that knows every marketplace adapter by name.

Everything else in ``bot/`` reaches marketplaces through the registry built here.
"""

from __future__ import annotations

from connectors.marketplace.port import Marketplace
from connectors.marketplace.registry import MarketplaceRegistry
from connectors.ozon.adapter import CODE as OZON
from connectors.ozon.adapter import OzonMarketplace
from connectors.ozon.client import OzonClient
from connectors.wildberries.adapter import CODE as WILDBERRIES
from connectors.wildberries.adapter import WbMarketplace
from connectors.wildberries.client import WildberriesClient
from connectors.yandex_market.adapter import CODE as YANDEX_MARKET
from connectors.yandex_market.adapter import YmMarketplace
from connectors.yandex_market.client import YandexMarketClient


def build_marketplaces(
    *,
    ozon: OzonClient,
    wb: WildberriesClient | None = None,
    ym: YandexMarketClient | None = None,
) -> MarketplaceRegistry:
    """One adapter per configured client; a seller of a marketplace left out here is
    refused with a clear reason rather than polled."""
    adapters: dict[str, Marketplace] = {OZON: OzonMarketplace(ozon)}
    if wb is not None:
        adapters[WILDBERRIES] = WbMarketplace(wb)
    if ym is not None:
        adapters[YANDEX_MARKET] = YmMarketplace(ym)
    return MarketplaceRegistry(adapters)
