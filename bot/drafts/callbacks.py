"""Typed callback data of drafts and held replies (short ids only; never trusted)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

SEND, REGENERATE, EDIT, DISMISS = "s", "r", "e", "x"
CONFIRM, CANCEL = "y", "n"
AUTO_TOGGLE, INTENT_TOGGLE = "a", "i"


class DraftCallback(CallbackData, prefix="d"):
    """A button under a draft post: ``a`` is one of s/r/e/x, ``id`` the suggestion."""

    a: str
    id: int


class HeldCallback(CallbackData, prefix="dh"):
    """Confirm (``y``) or cancel (``n``) an agent's reply held by a warning."""

    a: str
    id: int


class AiCallback(CallbackData, prefix="da2"):
    """/ai panel: auto-reply (``a``) or one safe intent (``i`` + ``v``) set to ``on``
    (1/0). A set, not a flip: a press handled twice leaves the same state."""

    a: str
    id: int
    v: str = ""
    on: int = 1
