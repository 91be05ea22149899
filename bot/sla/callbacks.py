"""Typed callback data of the SLA features: the "Take" button under a buyer post, the
/queue filter buttons and the "Resolve" button under an SLA notice. The prefix ends in a
version digit (see stale buttons)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ClaimCallback(CallbackData, prefix="sc1"):
    """Only the chat's id travels (looked up again, the presser's role checked)."""

    chat: int


class QueueCallback(CallbackData, prefix="sq1"):
    """A /queue filter button: the view, and the shop's id for a shop's view (0 if none).
    The presser's role is checked again and the view computed for them ("mine")."""

    view: str
    seller: int = 0


class ResolveCallback(CallbackData, prefix="sr1"):
    """Only the chat's id travels (looked up again, the presser's right to answer checked)."""

    chat: int
