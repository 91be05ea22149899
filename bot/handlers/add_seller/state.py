"""The wizard's FSM states and its data, typed.

FSM data can live in any aiogram storage, so it holds plain JSON values only, and never a
raw key: the key is sealed with the vault (``bot.admin.wizard_secret``) and opened at the
moment it is checked or saved. :class:`WizardData` is the one place that knows the field
names; a field missing from older data reads as empty rather than failing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import SecretStr

from bot.admin.cabinets import Cabinet
from bot.admin.onboarding import SellerDraft
from bot.admin.wizard_secret import SEALED_FIELD, open_key, seal_key
from storage.vault import Vault


class AddSeller(StatesGroup):
    marketplace = State()
    client_id = State()
    api_key = State()
    name = State()
    workspace = State()
    cabinet = State()


@dataclass(frozen=True, slots=True)
class WizardData:
    """What the wizard has gathered so far (the key only sealed)."""

    marketplace: str = ""
    client_id: str = ""
    sealed_key: str = ""
    name: str = ""
    workspace_id: int | None = None  # chosen already, while a cabinet is being picked
    cabinets: tuple[Cabinet, ...] = ()  # offered for the key, while one is being picked

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> WizardData:
        workspace_id = data.get("workspace_id")
        return cls(
            marketplace=str(data.get("marketplace", "")),
            client_id=str(data.get("client_id", "")),
            sealed_key=str(data.get(SEALED_FIELD, "")),
            name=str(data.get("name", "")),
            workspace_id=int(workspace_id) if workspace_id is not None else None,
            cabinets=tuple(Cabinet(str(a), str(n)) for a, n in data.get("cabinets", ())),
        )

    def dump(self) -> dict[str, Any]:
        return {
            "marketplace": self.marketplace,
            "client_id": self.client_id,
            SEALED_FIELD: self.sealed_key,
            "name": self.name,
            "workspace_id": self.workspace_id,
            "cabinets": [[c.account_id, c.name] for c in self.cabinets],
        }

    @classmethod
    def of_draft(cls, draft: SellerDraft, vault: Vault) -> WizardData:
        return cls(
            marketplace=draft.marketplace,
            client_id=draft.client_id,
            sealed_key=seal_key(vault, draft.api_key),
            name=draft.name,
        )

    def with_key(self, api_key: SecretStr, vault: Vault, *, client_id: str) -> WizardData:
        return dataclasses.replace(self, sealed_key=seal_key(vault, api_key), client_id=client_id)

    def draft(self, vault: Vault) -> SellerDraft | None:
        """The draft with its key opened just now; None when the sealed key expired (or
        was never there)."""
        api_key = open_key(vault, self.sealed_key) if self.sealed_key else None
        if api_key is None:
            return None
        return SellerDraft(self.marketplace, self.client_id, api_key, self.name)

    def offered(self, account_id: str) -> Cabinet | None:
        return next((c for c in self.cabinets if c.account_id == account_id), None)


async def read(state: FSMContext) -> WizardData:
    return WizardData.load(await state.get_data())


async def write(state: FSMContext, data: WizardData) -> None:
    await state.set_data(data.dump())
