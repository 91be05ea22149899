"""The relay-spine fault tests' marketplaces: the shared abstraction lives in
tests/support/markets.py (the end-to-end flows use it too)."""

from __future__ import annotations

from tests.support.markets import (
    MARKETPLACES,
    OZON_API_KEY,
    OZON_CLIENT_ID,
    OZON_SHOP,
    WB_SELLER,
    YM_BUSINESS,
    Fault,
    Market,
    OzonMarket,
    WbMarket,
    YmMarket,
    open_market,
)

__all__ = [
    "MARKETPLACES",
    "OZON_API_KEY",
    "OZON_CLIENT_ID",
    "OZON_SHOP",
    "WB_SELLER",
    "YM_BUSINESS",
    "Fault",
    "Market",
    "OzonMarket",
    "WbMarket",
    "YmMarket",
    "open_market",
]
