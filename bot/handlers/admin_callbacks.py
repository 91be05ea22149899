"""Typed callback data of the admin features (prefixes start with "a"); ids only, and
every handler looks the object up and checks the presser's role before acting."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class SellerAction(CallbackData, prefix="as"):
    action: str  # open, pause, resume, key, rm, rmok, list
    seller_id: int


class PickMarketplace(CallbackData, prefix="am"):
    marketplace: str


class PickWorkspace(CallbackData, prefix="aw"):
    workspace_id: int


class KeepName(CallbackData, prefix="an"):
    keep: int = 1


class CancelWizard(CallbackData, prefix="ac"):
    what: str = "add"
