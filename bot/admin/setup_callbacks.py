"""Typed callback data of onboarding's buttons (ids only; every press is checked again).

A group's "check again" carries nothing: the pressed message's chat is the group, and the
presser's role is asked from Telegram at the press. See bot/admin/callbacks.py for the
version digit at the end of each prefix.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class RecheckGroup(CallbackData, prefix="rg1"):
    """«🔄 Проверить снова» under a group's list of what is missing."""


class OpenAddSeller(CallbackData, prefix="os1"):
    """«🏪 Подключить магазин» in the private chat: starts the add-seller wizard."""


class ShowHelp(CallbackData, prefix="sh1"):
    """«❓ Справка» under /start."""
