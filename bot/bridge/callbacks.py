"""Typed callback data of the relay's buttons: the "could not verify" notice under a held
reply (send anyway / drop). The prefix ends in a version digit (see stale buttons)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class ReplyCheckAction(StrEnum):
    SEND_ANYWAY = "s"
    DROP = "d"


class ReplyCheckCallback(CallbackData, prefix="rc1"):
    """A button under a "could not verify" notice: the action and the reply row's id."""

    a: ReplyCheckAction
    id: int
