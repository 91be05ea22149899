"""Typed callback data of drafts, held replies and the /ai panel (short ids only; never
trusted). Prefixes end in a version digit: a button from before a change of meaning no
longer unpacks and is answered "out of date" instead of acting."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class DraftAction(StrEnum):
    SEND = "s"
    REGENERATE = "r"
    EDIT = "e"
    DISMISS = "x"


class HeldAction(StrEnum):
    CONFIRM = "y"
    CANCEL = "n"


class AiAction(StrEnum):
    AUTO_TOGGLE = "a"
    INTENT_TOGGLE = "i"
    COUNTS_TOGGLE = "c"  # an automatic reply counts as an answer for the SLA clock


# The names the features use (members, so comparisons stay typed).
SEND, REGENERATE, EDIT, DISMISS = (
    DraftAction.SEND,
    DraftAction.REGENERATE,
    DraftAction.EDIT,
    DraftAction.DISMISS,
)
CONFIRM, CANCEL = HeldAction.CONFIRM, HeldAction.CANCEL
AUTO_TOGGLE, INTENT_TOGGLE = AiAction.AUTO_TOGGLE, AiAction.INTENT_TOGGLE
COUNTS_TOGGLE = AiAction.COUNTS_TOGGLE


class DraftCallback(CallbackData, prefix="d1"):
    """A button under a draft post: the action and the suggestion's id."""

    a: DraftAction
    id: int


class HeldCallback(CallbackData, prefix="dh1"):
    """Confirm or cancel an agent's reply held by a warning."""

    a: HeldAction
    id: int


class AiCallback(CallbackData, prefix="da2"):
    """/ai panel: auto-reply or one safe intent (``v``) set to ``on`` (1/0). A set, not a
    flip: a press handled twice leaves the same state."""

    a: AiAction
    id: int
    v: str = ""
    on: int = 1
