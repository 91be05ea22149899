"""Ozon's push-subscription methods (beta since 2026-04-08): ``/v1/notification/*``.

The reference (``yandex-market-chat-api.md`` §12.1) gives the request and list shapes; the
answers of ``set``/``update``/``delete``/``enable`` are not documented beyond 200, so the
emulator answers ``{"id": ...}`` for ``set`` and ``{"result": true}`` for the others. The
official swagger in ``marketplace-specs/ozon.json`` predates these methods, so requests are
checked against the reference here, not against a spec. A subscription with chat types makes
the emulator push that seller's chat events to its URL, as the cabinet's setting does.

``refuse`` is the switch for the beta refusing a seller (403, code 7); ``health`` sets the
``availability_status`` (GREEN / YELLOW / RED) and the disable reason ``list`` reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request, not_found

Body = dict[str, Any]

#: Every type the 2026 docs list; the four chat ones make chat pushes flow.
KNOWN_TYPES = frozenset(
    {
        "TYPE_NEW_MESSAGE", "TYPE_UPDATE_MESSAGE", "TYPE_MESSAGE_READ", "TYPE_CHAT_CLOSED",
        "TYPE_NEW_POSTING", "TYPE_POSTING_CANCELLED", "TYPE_STATE_CHANGED",
        "TYPE_CUTOFF_DATE_CHANGED", "TYPE_DELIVERY_DATE_CHANGED", "TYPE_CREATE_OR_UPDATE_ITEM",
        "TYPE_CREATE_ITEM", "TYPE_UPDATE_ITEM", "TYPE_PRICE_INDEX_CHANGED",
        "TYPE_STOCKS_CHANGED", "TYPE_NEW_RETURN", "TYPE_RETURN_STATUS_CHANGED",
        "TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED", "TYPE_FBO_NEW_POSTING",
        "TYPE_FBO_POSTING_CANCELLED", "TYPE_ORDER_CREATED", "TYPE_ORDER_CANCELLED",
    }
)  # fmt: skip
CHAT_TYPES = frozenset(
    {"TYPE_NEW_MESSAGE", "TYPE_UPDATE_MESSAGE", "TYPE_MESSAGE_READ", "TYPE_CHAT_CLOSED"}
)
STATUSES = ("GREEN", "YELLOW", "RED")
MSG_REFUSED = "push notification management is not available for this seller"
MSG_NOT_FOUND = "notification url not found"
MSG_URL = "url must be an https:// or http:// address"
MSG_TYPES = "types must be a non-empty list of known push types"
MSG_DUPLICATE_URL = "url is already registered"


@dataclass(slots=True)
class Subscription:
    id: int
    url: str
    types: list[str]
    enabled: bool = True
    status: str = "GREEN"
    status_date: str = ""
    disable_reason: str = ""
    problematic_type: str = ""
    reason_details: str = ""
    created_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "enable": self.enabled,
            "types": [{"type": t, "description": t.removeprefix("TYPE_").lower()}
                      for t in self.types],
            "availability_status": self.status,
            "availability_status_date": self.status_date,
            "created_at": self.created_at,
            "disable_reason": self.disable_reason,
            "problematic_type": self.problematic_type,
            "reason_details": self.reason_details,
        }  # fmt: skip


@dataclass(slots=True)
class SellerSubscriptions:
    """One seller's subscriptions and the switches tests turn."""

    items: dict[int, Subscription] = field(default_factory=dict)
    refuse: bool = False


class NotificationBook:
    """Every seller's push subscriptions; ``on_change(client_id, url | None)`` tells the
    state where chat pushes now go."""

    def __init__(self) -> None:
        self._sellers: dict[str, SellerSubscriptions] = {}
        self._next_id = 1
        #: Every management call, as ``(client_id, path, body)``, for assertions.
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def reset(self) -> None:
        self._sellers.clear()
        self._next_id = 1
        self.calls.clear()

    def of(self, client_id: str) -> SellerSubscriptions:
        return self._sellers.setdefault(client_id, SellerSubscriptions())

    def chat_push_url(self, client_id: str) -> str | None:
        """The enabled subscription that carries chat types (the newest wins)."""
        found = [s for s in self.of(client_id).items.values()
                 if s.enabled and CHAT_TYPES & set(s.types)]  # fmt: skip
        return found[-1].url if found else None

    def handle(self, client_id: str, path: str, body: dict[str, Any], now: str) -> dict[str, Any]:
        """One ``/v1/notification/...`` call; raises ``ApiError`` as Ozon answers."""
        self.calls.append((client_id, path, body))
        seller = self.of(client_id)
        if seller.refuse:
            raise ApiError(403, 7, MSG_REFUSED)
        method = {
            "/v1/notification/set": self._set,
            "/v1/notification/update": self._update,
            "/v1/notification/delete": self._delete,
            "/v1/notification/enable": self._enable,
            "/v1/notification/check": self._check,
            "/v1/notification/list": self._list,
            "/v1/notification/push-type/list": self._push_types,
        }.get(path)
        if method is None:
            raise not_found()
        return method(seller, body, now)

    def _update(self, seller: SellerSubscriptions, body: Body, now: str) -> Body:
        target = self._find(seller, body)
        if "url" in body:
            target.url = _url(body)
        if "types" in body:
            target.types = _types(body)
        return {"result": True}

    def _delete(self, seller: SellerSubscriptions, body: Body, now: str) -> Body:
        seller.items.pop(self._find(seller, body).id)
        return {"result": True}

    def _enable(self, seller: SellerSubscriptions, body: Body, now: str) -> Body:
        enabled = body.get("enabled")
        if not isinstance(enabled, bool):
            raise bad_request("enabled is required")
        self._find(seller, body).enabled = enabled
        return {"result": True}

    def _check(self, seller: SellerSubscriptions, body: Body, now: str) -> Body:
        url = _url(body)
        return {"is_active": any(s.url == url for s in seller.items.values()), "errors": []}

    def _push_types(
        self, seller: SellerSubscriptions, body: dict[str, Any], now: str
    ) -> dict[str, Any]:
        return {"types": [{"type": t, "description": t, "seller_endpoint": None}
                          for t in sorted(KNOWN_TYPES)]}  # fmt: skip

    def set_health(
        self, client_id: str, *, status: str, reason: str = "", details: str = "",
        problematic_type: str = "", now: str = "",
    ) -> None:  # fmt: skip
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        for item in self.of(client_id).items.values():
            item.status, item.status_date = status, now
            item.disable_reason, item.reason_details = reason, details
            item.problematic_type = problematic_type

    def _set(self, seller: SellerSubscriptions, body: Body, now: str) -> Body:
        url, types = _url(body), _types(body)
        if any(s.url == url for s in seller.items.values()):
            raise bad_request(MSG_DUPLICATE_URL)
        item = Subscription(id=self._next_id, url=url, types=types, created_at=now,
                            status_date=now)  # fmt: skip
        self._next_id += 1
        seller.items[item.id] = item
        return {"id": item.id}

    def _find(self, seller: SellerSubscriptions, body: dict[str, Any]) -> Subscription:
        ident = body.get("id")
        if isinstance(ident, str) and ident.isdigit():
            ident = int(ident)
        if not isinstance(ident, int) or isinstance(ident, bool):
            raise bad_request("id is required")
        item = seller.items.get(ident)
        if item is None:
            raise not_found(MSG_NOT_FOUND)
        return item

    def _list(self, seller: SellerSubscriptions, body: Body, now: str) -> Body:
        wanted = body.get("availability_statuses") or list(STATUSES)
        if not isinstance(wanted, list) or any(s not in STATUSES for s in wanted):
            raise bad_request("availability_statuses must be GREEN, YELLOW or RED")
        limit = body.get("limit", 100)
        offset = body.get("offset", 0)
        if not isinstance(limit, int) or not isinstance(offset, int) or limit < 1 or offset < 0:
            raise bad_request("limit and offset must be non-negative integers")
        items = sorted(seller.items.values(), key=lambda s: s.id,
                       reverse=body.get("sort_dir") == "DESC")  # fmt: skip
        items = [s for s in items if s.status in wanted]
        return {
            "urls": [s.to_json() for s in items[offset : offset + limit]],
            "total_count": len(items),
            "availability_status_thresholds": [
                {"status": "GREEN", "threshold": 95}, {"status": "YELLOW", "threshold": 80},
                {"status": "RED", "threshold": 0},
            ],
        }  # fmt: skip


def _url(body: dict[str, Any]) -> str:
    url = body.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or len(url) > 2000:
        raise bad_request(MSG_URL)
    return url


def _types(body: dict[str, Any]) -> list[str]:
    types = body.get("types")
    if (
        not isinstance(types, list)
        or not types
        or any(not isinstance(t, str) or t not in KNOWN_TYPES for t in types)
    ):
        raise bad_request(MSG_TYPES)
    return list(dict.fromkeys(types))
