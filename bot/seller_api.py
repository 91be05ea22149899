"""A seller's Ozon API view, from the encrypted key in storage (decrypted only here)."""

from __future__ import annotations

from connectors.ozon.client import OzonClient, OzonCredentials, OzonSellerApi
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault


class SellerApis:
    def __init__(self, *, db: Database, vault: Vault, ozon: OzonClient) -> None:
        self._db = db
        self._vault = vault
        self._ozon = ozon

    @property
    def client(self) -> OzonClient:
        return self._ozon

    async def for_seller(self, seller: Seller) -> OzonSellerApi:
        encrypted = await self._db.sellers.get_encrypted_key(seller_id=seller.id)
        creds = OzonCredentials(client_id=seller.client_id, api_key=self._vault.decrypt(encrypted))
        return self._ozon.for_seller(creds)
