"""Finding the cabinet a marketplace key belongs to (Yandex Market: ``businessId``).

A YM Api-Key names no cabinet; the cabinets come from the key's campaigns. The key is first
checked for the chat scopes: a key that can only read is refused with that reason, since
agents' replies could never be sent. One cabinet is taken as it is; several are confirmed
with the admin (buttons), because the wrong one would mirror someone else's buyers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from pydantic import SecretStr

from connectors.errors import AuthFailed, MarketplaceError, TokenScopeMissing

logger = logging.getLogger(__name__)


def is_read_only(error: Exception) -> bool:
    """YM's ``ReadOnlyKey`` (a ``TokenScopeMissing``), told apart without importing the
    adapter: its reason differs (it can read, only not answer)."""
    return type(error).__name__ == "ReadOnlyKey"


@runtime_checkable
class ListsCabinets(Protocol):
    """A marketplace adapter whose key reaches cabinets it can list (YM's ``cabinets``)."""

    async def cabinets(self, secret: SecretStr) -> tuple[Any, list[Any]]: ...


@dataclass(frozen=True, slots=True)
class Cabinet:
    account_id: str
    name: str


@dataclass(frozen=True, slots=True)
class CabinetLookup:
    """``refusal`` names a ``KeyCheck`` value when the key cannot be used."""

    cabinets: tuple[Cabinet, ...] = ()
    refusal: str | None = None


async def find_cabinets(marketplace: ListsCabinets, secret: SecretStr) -> CabinetLookup:
    try:
        _, found = await marketplace.cabinets(secret)
    except TokenScopeMissing as exc:
        return CabinetLookup(refusal="read_only" if is_read_only(exc) else "missing_scope")
    except AuthFailed:
        return CabinetLookup(refusal="invalid_key")
    except MarketplaceError as exc:
        logger.info("cabinet lookup failed: %s", type(exc).__name__)
        return CabinetLookup(refusal="unreachable")
    cabinets = tuple(
        Cabinet(account_id=str(item.business_id), name=str(item.name or item.business_id))
        for item in found
    )
    if not cabinets:
        return CabinetLookup(refusal="no_cabinet")
    return CabinetLookup(cabinets=cabinets)
