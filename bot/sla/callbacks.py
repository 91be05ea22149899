"""Typed callback data of the SLA features: the "Take" button under a buyer post and the
"Resolve" button under an SLA notice. The prefix ends in a version digit (see stale
buttons)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ClaimCallback(CallbackData, prefix="sc1"):
    """Only the chat's id travels (looked up again, the presser's role checked)."""

    chat: int


class ResolveCallback(CallbackData, prefix="sr1"):
    """Only the chat's id travels (looked up again, the presser's right to answer checked)."""

    chat: int
