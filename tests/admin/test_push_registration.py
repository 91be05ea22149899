"""Ozon push registered by API (beta ``/v1/notification/*``) against the Ozon emulator:
adding a shop subscribes its secret URL with the four chat types, rotating the token updates
that subscription (never a second one), Ozon's health reaches /sellers' words, and every
refusal falls back to the URL pasted by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.admin.push_registration import PushRegistration, Registration, health_text
from bot.marketplaces import build_marketplaces
from bot.seller_api import SellerApis
from bot.sync.push_tokens import PushTokens
from connectors.ozon.client import OzonClient
from connectors.ozon.subscriptions import CHAT_PUSH_TYPES
from sandbox.ozon.server import OzonEmulator
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault
from tests.storage.factories import make_seller, make_workspace
from tests.support.texts import has, says

CLIENT_ID = "424242"
API_KEY = "ozon-push-registration-key"
BASE = "https://desk.example.com/"


@dataclass
class Shop:
    emu: OzonEmulator
    seller: Seller
    tokens: PushTokens
    registration: PushRegistration
    apis: SellerApis

    def subscriptions(self) -> list[dict[str, object]]:
        return [s.to_json() for s in self.emu.state.notifications.of(CLIENT_ID).items.values()]


@pytest.fixture
async def shop(db: Database) -> AsyncIterator[Shop]:
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    async with OzonEmulator() as emu, OzonClient(base_url=emu.base_url) as ozon:
        emu.state.add_seller(CLIENT_ID, API_KEY)
        workspace = await make_workspace(db)
        key = vault.encrypt(SecretStr(API_KEY))
        seller = await make_seller(db, workspace, client_id=CLIENT_ID, api_key_encrypted=key)
        apis = SellerApis(db=db, vault=vault, marketplaces=build_marketplaces(ozon=ozon))
        tokens = PushTokens(db=db, vault=vault)
        registration = PushRegistration(apis=apis, tokens=tokens, public_base_url=BASE,
                                        push_enabled=True)  # fmt: skip
        yield Shop(emu, seller, tokens, registration, apis)


async def test_adding_a_shop_registers_its_secret_url_for_the_chat_types(shop: Shop) -> None:
    assert await shop.registration.register(shop.seller) is Registration.REGISTERED
    token = (await shop.tokens.current(shop.seller.id)).get_secret_value()
    [subscription] = shop.subscriptions()
    assert subscription["url"] == f"https://desk.example.com/ozon/push/{token}"
    types = {t["type"] for t in subscription["types"]}  # type: ignore[attr-defined]
    assert types == set(CHAT_PUSH_TYPES)
    # Ozon now pushes the shop's chat events there.
    assert shop.emu.state.notifications.chat_push_url(CLIENT_ID) == subscription["url"]
    [(_, path, body)] = [c for c in shop.emu.state.notifications.calls if "set" in c[1]]
    assert path == "/v1/notification/set" and set(body) == {"types", "url"}


async def test_rotating_the_token_updates_the_one_subscription(shop: Shop) -> None:
    await shop.registration.register(shop.seller)
    [before] = shop.subscriptions()
    new = (await shop.tokens.rotate(shop.seller.id, actor_tg_user_id=7)).get_secret_value()
    assert await shop.registration.register(shop.seller) is Registration.REGISTERED
    [after] = shop.subscriptions()
    assert after["id"] == before["id"] and after["url"] == f"{BASE}ozon/push/{new}"


async def test_health_and_its_reason_in_russian_and_english(shop: Shop) -> None:
    await shop.registration.register(shop.seller)
    report = await shop.registration.health(shop.seller)
    assert report is not None and report.health is not None
    assert report.health.status == "GREEN"
    assert "🟢" in health_text(report, "ru")
    shop.emu.state.notifications.set_health(CLIENT_ID, status="RED", reason="REQUEST_TIMEOUT")
    report = await shop.registration.health(shop.seller)
    assert report is not None
    ru, en = health_text(report, "ru"), health_text(report, "en")
    assert "🔴" in ru and has(ru, says("push.reason.REQUEST_TIMEOUT"))
    assert "🔴" in en and has(en, says("push.reason.REQUEST_TIMEOUT", "en"))
    shop.emu.state.notifications.set_health(CLIENT_ID, status="YELLOW", reason="odd new code")
    report = await shop.registration.health(shop.seller)
    assert report is not None and "odd new code" in health_text(report, "en")


async def test_a_refusal_or_no_public_url_means_paste_by_hand(shop: Shop) -> None:
    shop.emu.state.notifications.of(CLIENT_ID).refuse = True
    assert await shop.registration.register(shop.seller) is Registration.REFUSED
    report = await shop.registration.health(shop.seller)
    assert report is not None and report.error
    assert has(health_text(report, "ru"), says("push.health.error"))
    assert shop.subscriptions() == []
    shop.emu.state.notifications.of(CLIENT_ID).refuse = False
    missing = await shop.registration.health(shop.seller)
    assert missing is not None and missing.health is None
    assert has(health_text(missing, "ru"), says("push.health.missing"))
    off = PushRegistration(apis=shop.apis, tokens=shop.tokens, public_base_url=None,
                           push_enabled=True)  # fmt: skip
    assert await off.register(shop.seller) is Registration.NO_PUBLIC_URL
    assert await off.health(shop.seller) is None
    assert shop.subscriptions() == []
