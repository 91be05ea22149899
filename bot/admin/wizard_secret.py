"""A key typed into a wizard, kept between steps only encrypted and only for a while.

FSM data can live in any aiogram storage (Redis, a file…), so the wizard never puts a raw
key there: it keeps the vault's Fernet token, opened only at the moment the key is checked
or saved. The token carries its creation time, so an abandoned wizard's key cannot be
opened after ``KEY_TTL_SECONDS`` even if its FSM data outlives the process.
"""

from __future__ import annotations

from pydantic import SecretStr

from storage.vault import Vault, VaultError

KEY_TTL_SECONDS = 30 * 60
SEALED_FIELD = "api_key_sealed"


def seal_key(vault: Vault, api_key: SecretStr) -> str:
    return vault.encrypt(api_key).decode("ascii")


def open_key(vault: Vault, sealed: str, *, ttl: int = KEY_TTL_SECONDS) -> SecretStr | None:
    """The key, or None when it expired (or was sealed with a key no longer configured)."""
    try:
        return vault.decrypt(sealed.encode("ascii"), ttl=ttl)
    except VaultError:
        return None
