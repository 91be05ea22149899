"""The long-lived dependencies handlers receive by parameter name (Dispatcher workflow data)."""

from __future__ import annotations

from typing import TypedDict

from bot.access import AccessControl
from bot.admin.onboarding import Onboarding
from bot.admin.sellers import SellerAdmin
from bot.bridge.service import Bridge
from bot.settings import Settings
from bot.sla.service import SlaService
from bot.sync.scheduler import SyncScheduler
from connectors.ozon.client import OzonClient
from storage.database import Database
from storage.vault import Vault


class Deps(TypedDict):
    settings: Settings
    db: Database
    vault: Vault
    ozon: OzonClient
    sync: SyncScheduler
    bridge: Bridge
    access: AccessControl
    onboarding: Onboarding
    seller_admin: SellerAdmin
    sla: SlaService
