"""Typed callback data of the admin features: sellers, the add-seller wizard, push URLs,
groups and agents. Ids only: every handler looks the object up again and checks the
presser's role before acting.

Each prefix ends in a version digit; when a field changes meaning, the digit goes up, so
a button sent before the upgrade no longer unpacks and is answered "out of date"
(``bot/handlers/stale_buttons.py``) instead of doing something else.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class SellerOp(StrEnum):
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    KEY = "key"
    REMOVE = "rm"
    REMOVE_CONFIRMED = "rmok"
    LIST = "list"


class SellerAction(CallbackData, prefix="as1"):
    action: SellerOp
    seller_id: int


class PickMarketplace(CallbackData, prefix="am1"):
    marketplace: str  # a code of the marketplace registry (data, not an action)


class PickWorkspace(CallbackData, prefix="aw1"):
    workspace_id: int


class KeepName(CallbackData, prefix="an1"):
    keep: int = 1


class Cancelled(StrEnum):
    """What a Cancel button ends: the add-seller wizard or a key replacement."""

    ADD = "add"
    KEY = "key"


class CancelWizard(CallbackData, prefix="ac1"):
    what: Cancelled = Cancelled.ADD


class PushUrlOp(StrEnum):
    SHOW = "show"
    ROTATE = "rotate"


class PushUrl(CallbackData, prefix="pu1"):
    action: PushUrlOp
    seller_id: int


class GroupAccess(CallbackData, prefix="ga1"):
    """An owner's answer to a group request (``approve`` is 1 or 0)."""

    request_id: int
    approve: int


class UnbindGroup(CallbackData, prefix="gu1"):
    workspace_id: int


class AgentToggle(CallbackData, prefix="ag2"):
    """Sets (``allow`` 1/0), never flips: a press handled twice (a restart between the
    handler and its "done" mark) leaves the same state, not the previous one."""

    workspace_id: int
    agent_id: int
    allow: int


class PickCabinet(CallbackData, prefix="cb1"):
    """A cabinet button in /add_seller (the draft waits in the admin's FSM data)."""

    account_id: str
