"""A chat's marketplace-specific fields (``chats.marketplace_data``), for the adapter layer.

Shared queries never read this document; the core hands it to the adapter as
``ChatRef.extra`` and stores what the adapter reports in ``ChatInfo.extra``.
"""

from __future__ import annotations

from collections.abc import Mapping

from storage.errors import NotFound
from storage.sql import Executor, Repository


class MarketplaceDataRepo(Repository):
    async def get(self, *, chat_id: int, conn: Executor | None = None) -> dict[str, str]:
        value = await self._db(conn).fetchval(
            "SELECT marketplace_data FROM chats WHERE id = $1", chat_id
        )
        if value is None:
            raise NotFound(f"chat {chat_id}")
        return {str(k): str(v) for k, v in dict(value).items()}

    async def merge(
        self,
        *,
        chat_id: int,
        data: Mapping[str, str],
        buyer_name: str | None = None,
        conn: Executor | None = None,
    ) -> None:
        """Add or replace the given keys (keys not given are kept), and the buyer's name
        when the marketplace tells it (Ozon does not)."""
        if not data and not buyer_name:
            return
        await self._db(conn).execute(
            """
            UPDATE chats SET marketplace_data = marketplace_data || $2::jsonb,
                             buyer_name = coalesce(nullif($3, ''), buyer_name)
             WHERE id = $1
            """,
            chat_id,
            dict(data),
            buyer_name or "",
        )
