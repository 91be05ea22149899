"""Marketplace code → adapter, built once in the composition root.

Codes are the values of ``sellers.marketplace`` ('ozon', 'wildberries', 'ym'); people may
type an alias ('wb', 'yandex_market') that :meth:`MarketplaceRegistry.resolve` maps to its code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from connectors.marketplace.port import Marketplace
from connectors.marketplace.rules import Rules

ALIASES: Mapping[str, str] = {
    "wb": "wildberries",
    "yandex_market": "ym",
    "yandex": "ym",
    "yandexmarket": "ym",
}


class UnknownMarketplace(LookupError):
    """No adapter is registered for the code (not configured in this deployment)."""


class MarketplaceRegistry:
    def __init__(self, adapters: Mapping[str, Marketplace]) -> None:
        self._adapters = dict(adapters)

    def get(self, code: str) -> Marketplace:
        try:
            return self._adapters[code]
        except KeyError:
            raise UnknownMarketplace(code) from None

    def rules(self, code: str) -> Rules:
        return self.get(code).rules

    def resolve(self, typed: str) -> str | None:
        """The code for what a person typed ('WB', 'ozon'), or None if not registered."""
        value = typed.strip().lower()
        code = ALIASES.get(value, value)
        return code if code in self._adapters else None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._adapters)

    def __iter__(self) -> Iterator[Marketplace]:
        return iter(self._adapters.values())

    async def aclose(self) -> None:
        for adapter in self._adapters.values():
            await adapter.aclose()
