"""Stored updates are sealed: what people write (an agent may paste a marketplace key) is
kept in the database only encrypted, with the same Fernet keys as the marketplace keys.

A stored payload holds the update's id, its type and its message id in the clear (enough to
find and order it, and to keep after it is processed) and the whole update as a Fernet
token under ``sealed``; the token is dropped once the update is processed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from storage.vault import Vault

SEALED = "sealed"


def _kind(raw: Mapping[str, Any]) -> str:
    return next((key for key in raw if key != "update_id"), "unknown")


def _message_id(raw: Mapping[str, Any], kind: str) -> int | None:
    body = raw.get(kind)
    if not isinstance(body, Mapping):
        return None
    inner = body.get("message")
    found = body.get("message_id", inner.get("message_id") if isinstance(inner, Mapping) else None)
    return found if isinstance(found, int) else None


class UpdateSeal:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def seal(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        kind = _kind(raw)
        token = self._vault.encrypt(SecretStr(json.dumps(raw, ensure_ascii=False)))
        payload: dict[str, Any] = {"update_id": raw["update_id"], "kind": kind}
        message_id = _message_id(raw, kind)
        if message_id is not None:
            payload["message_id"] = message_id
        payload[SEALED] = token.decode()
        return payload

    def open(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The update as Telegram sent it (raises if the payload was already spent)."""
        opened: dict[str, Any] = json.loads(
            self._vault.decrypt(str(payload[SEALED]).encode()).get_secret_value()
        )
        return opened
