"""What a Wildberries token says about itself, read without verifying it.

WB tokens are JWTs whose payload carries the expiry (``exp``, Unix seconds) and the seller's
id (``sid``). Reading the payload lets us tell a seller "this token expired on <date>" before
spending a request, and key the per-seller rate budget by the seller rather than by the token
string. We never trust it for anything else: the signature is WB's business, and a token that
is not a JWT at all is simply sent as it is and judged by WB's answer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_JWT_PARTS = 3


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """The few claims we use; every field is None when the token does not carry it."""

    expires_at: datetime | None = None
    seller_id: str | None = None
    scope_bits: int | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def _payload(token: str) -> dict[str, Any] | None:
    parts = token.strip().split(".")
    if len(parts) != _JWT_PARTS:
        return None
    raw = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        body = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    return body if isinstance(body, dict) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def read_claims(token: str) -> TokenClaims:
    """Claims of a JWT-shaped token; an opaque or garbled token gives empty claims."""
    body = _payload(token)
    if body is None:
        return TokenClaims()
    exp = _int(body.get("exp"))
    expires_at = None
    if exp is not None:
        try:
            expires_at = datetime.fromtimestamp(exp, UTC)
        except (OverflowError, OSError, ValueError):
            expires_at = None
    sid = body.get("sid")
    return TokenClaims(
        expires_at=expires_at,
        seller_id=sid if isinstance(sid, str) and sid else None,
        scope_bits=_int(body.get("s")),
    )


def seller_key(token: str, claims: TokenClaims) -> str:
    """Stable, secret-free key for rate budgets, stats and logs: the seller id from the token,
    else a short hash of the token (never the token itself)."""
    if claims.seller_id:
        return claims.seller_id
    return "tok-" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]
