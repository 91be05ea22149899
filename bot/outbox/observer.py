"""What the Telegram queue tells an observer (metrics): units spent, 429s, items posted.

The worker calls these at the moment each happens; an observer must be quick and never
raise (it runs inside the delivery round). The default observes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from storage.records import TgOutboxItem


class DeliveryObserver(Protocol):
    def spent(self, tg_chat_id: int) -> None:
        """One unit of the group's budget was spent on a send or an edit."""

    def rate_limited(self, tg_chat_id: int) -> None:
        """Telegram answered 429 for a call in this group."""

    def delivered(self, item: TgOutboxItem, now: datetime) -> None:
        """An item was posted and its result recorded."""


class NoObserver:
    def spent(self, tg_chat_id: int) -> None:
        return None

    def rate_limited(self, tg_chat_id: int) -> None:
        return None

    def delivered(self, item: TgOutboxItem, now: datetime) -> None:
        return None
