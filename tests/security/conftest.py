"""The admin world (both emulators, the real bot, an owner in ADMIN_IDS) for security tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from tests.admin.conftest import AdminWorld, open_admin_world


@pytest.fixture
async def aw(db: Database) -> AsyncIterator[AdminWorld]:
    async with open_admin_world(db) as opened:
        yield opened
