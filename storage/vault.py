"""Encryption of marketplace keys at rest (Fernet through MultiFernet, so keys can rotate).

``FERNET_KEYS`` lists keys newest first: the first encrypts, all decrypt. Rotation is:
prepend a new key, restart, run ``python -m bot rotate-keys`` (re-encrypts every stored
secret with the first key), then drop the old key. With the embedded database and no
configured key, a key is generated once into ``DATA_DIR`` so the zero-config start works;
with an external database a generated key would be easy to lose, so start-up refuses.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

logger = logging.getLogger(__name__)

GENERATED_KEY_FILE = "fernet.key"


class VaultError(RuntimeError):
    """A secret cannot be decrypted with the configured keys, or no key is available."""


class Vault:
    """Encrypts and decrypts marketplace keys; the plaintext only ever lives in SecretStr."""

    def __init__(self, keys: Sequence[SecretStr]) -> None:
        if not keys:
            raise VaultError("no Fernet key configured")
        self._fernet = MultiFernet([Fernet(k.get_secret_value().encode()) for k in keys])

    def encrypt(self, secret: SecretStr) -> bytes:
        return self._fernet.encrypt(secret.get_secret_value().encode())

    def decrypt(self, token: bytes, *, ttl: int | None = None) -> SecretStr:
        """``ttl`` (seconds) refuses a token older than that, as an expired one."""
        try:
            return SecretStr(self._fernet.decrypt(bytes(token), ttl=ttl).decode())
        except InvalidToken:
            raise VaultError(
                "a stored key cannot be decrypted with FERNET_KEYS (was a key removed "
                "before running rotate-keys?)"
            ) from None

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt with the first key (a no-op in meaning, new ciphertext)."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken:
            raise VaultError("a stored key cannot be decrypted with FERNET_KEYS") from None

    def __repr__(self) -> str:
        return "Vault(<keys hidden>)"


def resolve_fernet_keys(
    configured: Sequence[SecretStr], *, data_dir: Path, embedded_database: bool
) -> list[SecretStr]:
    """The keys to use: the configured ones, or (embedded database only) a generated one."""
    if configured:
        return list(configured)
    if not embedded_database:
        raise VaultError(
            "FERNET_KEYS is required with an external DATABASE_URL (generate one with: "
            'python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())")'
        )
    path = data_dir / GENERATED_KEY_FILE
    if path.exists():
        return [SecretStr(path.read_text(encoding="ascii").strip())]
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # Create with 0600 from the start: no window in which the key is world-readable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    logger.warning(
        "No FERNET_KEYS configured: generated an encryption key in %s (mode 0600). "
        "Back it up; without it stored marketplace keys cannot be read.",
        path,
    )
    return [SecretStr(key.decode())]
