"""Seller tokens as WB issues them: JWTs carrying the expiry, the seller id and the scope.

The emulator signs with its own secret and keeps every token it issued in a registry, so a
token is judged by what the registry says (kind, category, expiry), exactly as WB judges by its
own records; the claims are there so a client can read the expiry ahead, as with real tokens.
Scope bit 9 marks the buyer-chat category, as reported for WB (unconfirmed); clients should
not depend on it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

BUYER_CHAT_SCOPE_BIT = 1 << 9
DEFAULT_SECRET = b"wb-emulator-signing-secret"


class TokenKind(StrEnum):
    """``personal`` (and service) tokens get 10 requests per 10 s; ``base`` one per hour."""

    PERSONAL = "personal"
    BASE = "base"


@dataclass(frozen=True, slots=True)
class TokenRecord:
    token: str
    seller_id: str
    kind: TokenKind
    buyer_chat: bool
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "seller_id": self.seller_id,
            "kind": str(self.kind),
            "buyer_chat": self.buyer_chat,
            "expires_at": self.expires_at.isoformat().replace("+00:00", "Z"),
        }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def issue_token(
    *,
    seller_id: str,
    kind: TokenKind,
    buyer_chat: bool,
    expires_at: datetime,
    serial: int,
    secret: bytes = DEFAULT_SECRET,
) -> str:
    """A deterministic JWT for these facts (the same inputs give the same token)."""
    header = {"alg": "HS256", "kid": "wb-emulator", "typ": "JWT"}
    payload = {
        "acc": 1 if kind is TokenKind.BASE else 3,
        "exp": int(expires_at.timestamp()),
        "id": f"tok-{serial}",
        "s": (BUYER_CHAT_SCOPE_BIT if buyer_chat else 0) | 1 << 1,
        "sid": seller_id,
        "t": False,
    }
    signing_input = ".".join(
        _b64(json.dumps(part, separators=(",", ":"), sort_keys=True).encode())
        for part in (header, payload)
    )
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"
