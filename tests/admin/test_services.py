"""Services against the real database and the Ozon emulator (no Telegram)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.admin.onboarding import KeyCheck, check_key
from bot.admin.sellers import SellerAdmin, card_text, list_text, remove_warning
from bot.marketplaces import build_marketplaces
from bot.sync.scheduler import SyncScheduler
from connectors.ozon.adapter import OzonMarketplace
from connectors.ozon.client import OzonClient
from sandbox.ozon import OzonEmulator
from storage.database import Database
from storage.vault import Vault
from tests.storage.factories import at, make_seller, make_workspace
from tests.support.texts import has, says

KEY = "svc-key-0123456789"


async def _instant(_: float) -> None:
    """No real pauses between Ozon retries."""


@pytest.fixture
async def ozon() -> AsyncIterator[tuple[OzonEmulator, OzonClient]]:
    async with OzonEmulator(port=0) as emulator:
        emulator.state.add_seller("1001", KEY)
        emulator.state.add_seller("1002", KEY, premium=False)
        async with OzonClient(base_url=emulator.base_url, sleep=_instant) as client:
            yield emulator, client


async def test_check_key_outcomes(ozon: tuple[OzonEmulator, OzonClient]) -> None:
    emulator, ozon_client = ozon
    client = OzonMarketplace(ozon_client)
    assert await check_key(client, client_id="1001", api_key=SecretStr(KEY)) is KeyCheck.OK
    assert (
        await check_key(client, client_id="1001", api_key=SecretStr("wrong-key-000"))
        is KeyCheck.INVALID_KEY
    )
    assert (
        await check_key(client, client_id="9999", api_key=SecretStr(KEY)) is KeyCheck.INVALID_KEY
    )
    assert (
        await check_key(client, client_id="x1", api_key=SecretStr(KEY)) is KeyCheck.BAD_CLIENT_ID
    )
    assert await check_key(client, client_id="1002", api_key=SecretStr(KEY)) is KeyCheck.NO_PREMIUM
    emulator.state.add_fault("500", count=4, client_id="1001")
    assert (
        await check_key(client, client_id="1001", api_key=SecretStr(KEY)) is KeyCheck.UNREACHABLE
    )


class _NoSync(SyncScheduler):
    """The scheduler without apscheduler running: reconcile counts, run_now is not used."""

    def __init__(self) -> None:
        self.reconciled = 0

    async def reconcile(self) -> None:
        self.reconciled += 1


async def test_seller_admin_actions_are_audited_without_the_key(
    db: Database, ozon: tuple[OzonEmulator, OzonClient]
) -> None:
    _, client = ozon
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    workspace = await make_workspace(db)
    old = vault.encrypt(SecretStr("old-key-000000"))
    seller = await make_seller(db, workspace, client_id="1001", api_key_encrypted=old)
    sync = _NoSync()
    admin = SellerAdmin(
        db=db, vault=vault, marketplaces=build_marketplaces(ozon=client), sync=sync
    )

    await admin.pause(actor_tg_user_id=1, seller=seller)
    assert (await db.sellers.get(seller_id=seller.id)).state == "paused"
    await admin.resume(actor_tg_user_id=1, seller=seller)
    refused = await admin.replace_key(
        actor_tg_user_id=1, seller=seller, api_key=SecretStr("wrong-key-000")
    )
    assert refused is KeyCheck.INVALID_KEY
    assert await admin.replace_key(actor_tg_user_id=1, seller=seller, api_key=SecretStr(KEY)) is (
        KeyCheck.OK
    )
    stored = await db.sellers.get_encrypted_key(seller_id=seller.id)
    assert vault.decrypt(stored).get_secret_value() == KEY
    await admin.remove(actor_tg_user_id=2, seller=seller)
    assert await db.sellers.list_all() == []
    assert sync.reconciled == 4

    entries = await db.audit.list_recent()
    assert [(e.action, e.actor_tg_user_id) for e in entries] == [
        ("seller.remove", 2), ("seller.key_replace", 1), ("seller.resume", 1),
        ("seller.pause", 1),
    ]  # fmt: skip
    assert all(e.details == {"name": "Shop", "client_id": "1001"} for e in entries)


async def test_cards_say_state_last_sync_and_waiting_chats(db: Database) -> None:
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    workspace = await make_workspace(db, title="Группа <1>")
    seller = await make_seller(db, workspace, name="Обувь & Co")
    admin = SellerAdmin(db=db, vault=vault, marketplaces=None, sync=_NoSync())  # type: ignore[arg-type]
    [card] = await admin.cards([workspace])
    text = card_text(card, "ru")
    assert "<b>Обувь &amp; Co</b>" in text and "Группа &lt;1&gt;" in text
    assert has(text, says("sellers.card", state=says("sellers.state.active").template,
                          last_sync=says("sellers.never").template, waiting=0))  # fmt: skip

    await db.sync_state.record_success(seller_id=seller.id, at=at(0))
    await db.sync_state.record_failure(seller_id=seller.id, at=at(5), error="x",
                                       next_attempt_at=None)  # fmt: skip
    text = card_text(await admin.card(seller.id), "en")
    assert has(text, says("sellers.state.unreachable", "en", attempts=1, since="01.05 15:00"))

    await db.sellers.set_state(seller_id=seller.id, state="failing", reason="premium_required")
    assert has(
        card_text(await admin.card(seller.id), "ru"), says("seller_reason.premium_required")
    )
    assert list_text([], "ru") in says("sellers.empty")
    assert remove_warning(card, "ru") in says("sellers.remove_confirm", shop="Обувь & Co")


async def test_a_long_list_switches_to_one_line_per_seller(db: Database) -> None:
    workspace = await make_workspace(db)
    for number in range(30):
        await make_seller(db, workspace, client_id=str(5000 + number), name=f"Магазин {number}")
    admin = SellerAdmin(db=db, vault=None, marketplaces=None, sync=_NoSync())  # type: ignore[arg-type]
    cards = await admin.cards([workspace])
    listing = list_text(cards, "ru")
    assert len(listing) < 4096 and listing.count("✅ <b>Магазин") == 30
    assert len(says("sellers.card").pattern.findall(list_text(cards[:2], "ru"))) == 2


async def test_a_new_key_does_not_unpause_a_seller(
    db: Database, ozon: tuple[OzonEmulator, OzonClient]
) -> None:
    _, client = ozon
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    seller = await make_seller(db, await make_workspace(db), client_id="1001")
    admin = SellerAdmin(
        db=db, vault=vault, marketplaces=build_marketplaces(ozon=client), sync=_NoSync()
    )
    paused = await admin.pause(actor_tg_user_id=1, seller=seller)
    assert await admin.replace_key(actor_tg_user_id=1, seller=paused, api_key=SecretStr(KEY)) is (
        KeyCheck.OK
    )
    assert (await db.sellers.get(seller_id=seller.id)).state == "paused"
