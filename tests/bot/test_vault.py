"""The credential vault: encrypt, decrypt, rotate, and where keys come from."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.runtime import rotate_stored_keys
from storage.database import Database
from storage.vault import GENERATED_KEY_FILE, Vault, VaultError, resolve_fernet_keys
from tests.storage.factories import make_seller, make_workspace

API_KEY = SecretStr("ozon-api-key-0123456789")


def new_key() -> SecretStr:
    return SecretStr(Fernet.generate_key().decode())


def test_round_trip_and_ciphertext_does_not_contain_the_key() -> None:
    vault = Vault([new_key()])
    token = vault.encrypt(API_KEY)
    assert API_KEY.get_secret_value().encode() not in token
    assert vault.decrypt(token).get_secret_value() == API_KEY.get_secret_value()
    assert "ozon-api-key" not in repr(vault)


def test_first_key_encrypts_and_all_keys_decrypt() -> None:
    old, new = new_key(), new_key()
    token_from_old = Vault([old]).encrypt(API_KEY)
    both = Vault([new, old])
    assert both.decrypt(token_from_old).get_secret_value() == API_KEY.get_secret_value()
    with pytest.raises(VaultError):
        Vault([old]).decrypt(both.encrypt(API_KEY))


def test_rotate_moves_a_token_to_the_first_key() -> None:
    old, new = new_key(), new_key()
    token = Vault([old]).encrypt(API_KEY)
    rotated = Vault([new, old]).rotate(token)
    assert Vault([new]).decrypt(rotated).get_secret_value() == API_KEY.get_secret_value()


def test_undecryptable_token_gives_a_clear_error() -> None:
    with pytest.raises(VaultError, match="cannot be decrypted"):
        Vault([new_key()]).decrypt(Vault([new_key()]).encrypt(API_KEY))


def test_vault_needs_a_key() -> None:
    with pytest.raises(VaultError):
        Vault([])


def test_configured_keys_win(tmp_path: Path) -> None:
    keys = [new_key(), new_key()]
    assert resolve_fernet_keys(keys, data_dir=tmp_path, embedded_database=True) == keys
    assert not (tmp_path / GENERATED_KEY_FILE).exists()


def test_embedded_database_generates_one_key_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    with caplog.at_level(logging.WARNING):
        first = resolve_fernet_keys([], data_dir=data_dir, embedded_database=True)
    key_file = data_dir / GENERATED_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "generated an encryption key" in caplog.text
    assert first[0].get_secret_value() not in caplog.text
    second = resolve_fernet_keys([], data_dir=data_dir, embedded_database=True)
    assert second[0].get_secret_value() == first[0].get_secret_value()
    Vault(second).decrypt(Vault(first).encrypt(API_KEY))


def test_external_database_without_keys_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="FERNET_KEYS is required"):
        resolve_fernet_keys([], data_dir=tmp_path, embedded_database=False)
    assert not (tmp_path / GENERATED_KEY_FILE).exists()


async def test_rotate_stored_keys_reencrypts_every_seller(db: Database) -> None:
    old, new = new_key(), new_key()
    workspace = await make_workspace(db)
    keys = {"1001": SecretStr("key-one"), "1002": SecretStr("key-two")}
    sellers = [
        await make_seller(
            db, workspace, client_id=client_id, api_key_encrypted=Vault([old]).encrypt(key)
        )
        for client_id, key in keys.items()
    ]
    assert await rotate_stored_keys(db, Vault([new, old])) == 2
    only_new = Vault([new])
    for seller in sellers:
        stored = await db.sellers.get_encrypted_key(seller_id=seller.id)
        assert (
            only_new.decrypt(stored).get_secret_value()
            == keys[seller.client_id].get_secret_value()
        )
