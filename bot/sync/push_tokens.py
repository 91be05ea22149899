"""The secret in each seller's push URL (``/ozon/push/<token>``).

Ozon signs no push and sends no credential, so the URL itself is the credential: an
unguessable token per seller, pasted by the admin into the Ozon cabinet. The database keeps
its SHA-256 (to find the seller from a request) and the vault's Fernet token (to show it
again in /sellers); never the token in clear. Rotating replaces both, and the old URL
answers 404 from that moment.
"""

from __future__ import annotations

import hashlib
import secrets

from pydantic import SecretStr

from storage.database import Database
from storage.sql import Executor
from storage.vault import Vault, VaultError

TOKEN_BYTES = 32  # 43 URL-safe characters


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PushTokens:
    def __init__(self, *, db: Database, vault: Vault) -> None:
        self._db = db
        self._vault = vault

    async def current(self, seller_id: int) -> SecretStr:
        """The seller's token, issued on first use."""
        stored = await self._db.sellers.push_token_encrypted(seller_id=seller_id)
        if stored is None:
            fresh = SecretStr(secrets.token_urlsafe(TOKEN_BYTES))
            if await self._store(seller_id, fresh, only_if_missing=True):
                return fresh
            return await self.current(seller_id)  # another view issued one meanwhile
        try:
            return self._vault.decrypt(stored)
        except VaultError:  # sealed with a key no longer configured: it cannot be shown again
            return await self.rotate(seller_id, actor_tg_user_id=None)

    async def rotate(self, seller_id: int, *, actor_tg_user_id: int | None) -> SecretStr:
        """A new token; the old URL stops working now. Audited (never the token)."""
        fresh = SecretStr(secrets.token_urlsafe(TOKEN_BYTES))
        async with self._db.transaction() as conn:
            await self._store(seller_id, fresh, conn=conn)
            if actor_tg_user_id is not None:
                seller = await self._db.sellers.get(seller_id=seller_id, conn=conn)
                await self._db.audit.record(
                    actor_tg_user_id=actor_tg_user_id,
                    action="seller.push_url_rotate",
                    workspace_id=seller.workspace_id,
                    seller_id=seller_id,
                    conn=conn,
                )
        return fresh

    async def _store(
        self, seller_id: int, token: SecretStr, *, only_if_missing: bool = False,
        conn: Executor | None = None,
    ) -> bool:  # fmt: skip
        return await self._db.sellers.set_push_token(
            seller_id=seller_id,
            token_hash=token_hash(token.get_secret_value()),
            token_encrypted=self._vault.encrypt(token),
            only_if_missing=only_if_missing,
            conn=conn,
        )
