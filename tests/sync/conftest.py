"""A seller registered both in the Ozon emulator and in the database, and the sync engine."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.marketplaces import build_marketplaces
from bot.seller_api import SellerApis
from bot.sync.poller import SellerPoller
from bot.sync.runner import SyncRunner
from connectors.ozon.client import OzonClient
from sandbox.ozon import OzonEmulator
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault
from tests.storage.factories import make_seller, make_workspace

CLIENT_ID = "2001"
API_KEY = "ozon-test-key-0123456789"


async def no_wait(_: float) -> None:
    await asyncio.sleep(0)


@dataclass
class SyncWorld:
    db: Database
    emu: OzonEmulator
    client: OzonClient
    vault: Vault
    apis: SellerApis
    poller: SellerPoller
    runner: SyncRunner
    seller: Seller

    def calls(self) -> Counter[str]:
        return self.client.calls.for_account(self.seller.client_id)

    async def add_seller(self, client_id: str) -> Seller:
        self.emu.state.add_seller(client_id, API_KEY)
        workspace = await self.db.workspaces.get(workspace_id=self.seller.workspace_id)
        return await make_seller(
            self.db,
            workspace,
            client_id=client_id,
            api_key_encrypted=self.vault.encrypt(SecretStr(API_KEY)),
        )

    async def count(self, sql: str, *args: object) -> int:
        return int(await self.db.pool.fetchval(sql, *args))


@pytest.fixture
async def ozon() -> AsyncIterator[OzonEmulator]:
    async with OzonEmulator(port=0) as emulator:
        yield emulator


@pytest.fixture
async def world(db: Database, ozon: OzonEmulator) -> AsyncIterator[SyncWorld]:
    ozon.state.add_seller(CLIENT_ID, API_KEY)
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    workspace = await make_workspace(db)
    seller = await make_seller(
        db, workspace, client_id=CLIENT_ID, api_key_encrypted=vault.encrypt(SecretStr(API_KEY))
    )
    client = OzonClient(base_url=ozon.base_url, sleep=no_wait)
    apis = SellerApis(db=db, vault=vault, marketplaces=build_marketplaces(ozon=client))
    poller = SellerPoller(db=db, apis=apis)
    runner = SyncRunner(db=db, poller=poller)
    try:
        yield SyncWorld(db, ozon, client, vault, apis, poller, runner, seller)
    finally:
        await client.aclose()
