"""A seller's marketplace channel, from the encrypted key in storage (decrypted only here)."""

from __future__ import annotations

from collections.abc import Mapping

from connectors.marketplace.port import ChatRef, Credentials, SellerChannel
from connectors.marketplace.registry import MarketplaceRegistry
from connectors.marketplace.rules import Rules
from storage.database import Database
from storage.records import Chat, Seller
from storage.vault import Vault


class SellerApis:
    def __init__(self, *, db: Database, vault: Vault, marketplaces: MarketplaceRegistry) -> None:
        self._db = db
        self._vault = vault
        self._marketplaces = marketplaces

    @property
    def marketplaces(self) -> MarketplaceRegistry:
        return self._marketplaces

    def rules(self, seller: Seller) -> Rules:
        return self._marketplaces.rules(seller.marketplace)

    async def for_seller(
        self, seller: Seller, *, encrypted_key: bytes | None = None
    ) -> SellerChannel:
        """``encrypted_key``: the stored key when the caller has just read it."""
        encrypted = encrypted_key
        if encrypted is None:
            encrypted = await self._db.sellers.get_encrypted_key(seller_id=seller.id)
        creds = Credentials(account_id=seller.client_id, secret=self._vault.decrypt(encrypted))
        return self._marketplaces.get(seller.marketplace).channel(creds)

    async def chat_ref(self, chat: Chat, *, extra: Mapping[str, str] | None = None) -> ChatRef:
        """The chat as its adapter needs it: the marketplace id and the fields it stored
        (``extra``: those fields when the caller has just read them)."""
        if extra is None:
            extra = await self._db.marketplace_data.get(chat_id=chat.id)
        return ChatRef(chat_id=chat.external_id, extra=dict(extra))
