"""The composition root's one place that knows every marketplace adapter by name.

Everything else in ``bot/`` reaches marketplaces through the registry built here.
"""

from __future__ import annotations

from connectors.marketplace.registry import MarketplaceRegistry
from connectors.ozon.adapter import CODE as OZON
from connectors.ozon.adapter import OzonMarketplace
from connectors.ozon.client import OzonClient


def build_marketplaces(*, ozon: OzonClient) -> MarketplaceRegistry:
    return MarketplaceRegistry({OZON: OzonMarketplace(ozon)})
