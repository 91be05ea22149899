"""Registering a shop's secret push URL with its marketplace (Ozon's beta API) and reading
back how the marketplace rates it.

Only with ``PUBLIC_BASE_URL`` (the push server as the marketplace reaches it): without it the
product cannot know its own address, and the admin pastes the URL by hand as before. The
beta may refuse a seller, change an answer or be switched off, so every failure ends in the
same place, "paste by hand", and polling keeps working whatever happens here. The URL is a
credential: it is never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from bot.seller_api import SellerApis
from bot.sync.push import PUSH_PATH
from bot.sync.push_tokens import PushTokens
from bot.texts import TEXTS, Locale, text
from connectors.errors import MarketplaceError
from connectors.marketplace.push import PushHealth, SelfRegisteringPush
from storage.records import Seller

logger = logging.getLogger(__name__)


class Registration(StrEnum):
    REGISTERED = "registered"
    REFUSED = "refused"  # the marketplace said no (beta off, no rights, a bad answer)
    NO_PUBLIC_URL = "no_public_url"  # PUBLIC_BASE_URL or the push server is not configured
    MANUAL = "manual"  # this marketplace has no API for it (WB, Yandex Market)


@dataclass(frozen=True, slots=True)
class HealthReport:
    """``health`` None: no subscription of ours; ``error`` set: the marketplace refused."""

    health: PushHealth | None = None
    error: bool = False


def push_base(public_base_url: str) -> str:
    return public_base_url.rstrip("/") + PUSH_PATH + "/"


class PushRegistration:
    def __init__(
        self,
        *,
        apis: SellerApis,
        tokens: PushTokens,
        public_base_url: str | None,
        push_enabled: bool,
    ) -> None:
        self._apis = apis
        self._tokens = tokens
        self._base = public_base_url if push_enabled else None

    @property
    def tokens(self) -> PushTokens:
        return self._tokens

    @property
    def configured(self) -> bool:
        return self._base is not None

    async def register(self, seller: Seller) -> Registration:
        """Subscribe the seller's current URL (after adding a shop or rotating its token)."""
        if self._base is None:
            return Registration.NO_PUBLIC_URL
        channel = await self._apis.for_seller(seller)
        if not isinstance(channel, SelfRegisteringPush):
            return Registration.MANUAL
        token = await self._tokens.current(seller.id)
        ours = push_base(self._base)
        try:
            await channel.register_push(ours + token.get_secret_value(), ours=ours)
        except MarketplaceError as exc:
            logger.info(
                "push registration refused for seller=%d: %s", seller.id, type(exc).__name__
            )
            return Registration.REFUSED
        logger.info("push URL registered for seller=%d", seller.id)
        return Registration.REGISTERED

    async def health(self, seller: Seller) -> HealthReport | None:
        """None when there is nothing to ask (no public URL, or no API for it)."""
        if self._base is None:
            return None
        channel = await self._apis.for_seller(seller)
        if not isinstance(channel, SelfRegisteringPush):
            return None
        try:
            return HealthReport(await channel.push_health(ours=push_base(self._base)))
        except MarketplaceError as exc:
            logger.info("push health unknown for seller=%d: %s", seller.id, type(exc).__name__)
            return HealthReport(error=True)


def reason_text(reason: str, locale: Locale) -> str:
    """Ozon's code in words when it is one we know, else Ozon's own text."""
    key = f"push.reason.{reason.strip().upper()}"
    return text(key, locale) if key in TEXTS else reason


def health_text(report: HealthReport, locale: Locale) -> str:
    if report.error:
        status = text("push.health.error", locale)
    elif report.health is None:
        status = text("push.health.missing", locale)
    elif not report.health.enabled:
        status = text("push.health.off", locale)
    else:
        status = text(f"push.health.{report.health.status}", locale)
    lines = [text("push.health.title", locale, status=status)]
    health = report.health
    if health is not None and (health.reason or health.details):
        why = reason_text(health.reason, locale) if health.reason else health.details
        if health.reason and health.details:
            why = f"{why} ({health.details})"
        lines.append(text("push.health.reason", locale, reason=why))
    return "\n".join(lines)
