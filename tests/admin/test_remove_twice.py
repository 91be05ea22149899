"""Two confirmations of one removal at once (a double tap, or two admins): the seller is
removed once, audited once, and neither press fails."""

from __future__ import annotations

import asyncio

from bot.admin.sellers import SellerAdmin
from storage.database import Database
from tests.admin.test_services import _NoSync
from tests.storage.factories import make_seller, make_workspace


async def test_concurrent_removals_remove_and_audit_once(db: Database) -> None:
    seller = await make_seller(db, await make_workspace(db), client_id="1001")
    admin = SellerAdmin(db=db, vault=None, marketplaces=None, sync=_NoSync())  # type: ignore[arg-type]
    results = await asyncio.gather(
        admin.remove(actor_tg_user_id=1, seller=seller),
        admin.remove(actor_tg_user_id=2, seller=seller),
    )
    assert sorted(results) == [False, True]
    assert await db.sellers.list_all() == []
    removals = await db.pool.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'seller.remove'"
    )
    assert removals == 1
