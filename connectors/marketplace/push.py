"""Push subscriptions a marketplace lets the product manage itself (Ozon's beta API).

Optional on a channel: the core asks ``isinstance(channel, SelfRegisteringPush)`` and, when
the answer is no (or the marketplace refuses), shows the admin the URL to paste by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class PushHealth:
    """How the marketplace rates deliveries to our URL: ``status`` GREEN / YELLOW / RED
    (UNKNOWN when it says something else), with its reason when it disabled or degraded it."""

    status: str
    enabled: bool = True
    reason: str = ""
    details: str = ""
    problem_type: str = ""
    since: str = ""


@runtime_checkable
class SelfRegisteringPush(Protocol):
    async def register_push(self, url: str, *, ours: str) -> None:
        """Subscribe ``url`` to the chat push types. A subscription whose URL starts with
        ``ours`` (an older token of ours) is updated rather than left beside it."""
        ...

    async def push_health(self, *, ours: str) -> PushHealth | None:
        """Health of our subscription (its URL starts with ``ours``); None when there is none."""
        ...
