"""The audit log of admin actions: who, when, what — never a key."""

from __future__ import annotations

import re
from typing import Any

from storage.records import AuditEntry
from storage.sql import Executor, Repository, columns, to_records

_ENTRY = columns(AuditEntry)

# Detail names that would mean a secret is about to be written; refused outright so a
# careless caller fails loudly in tests instead of leaking into the log table.
_SECRET_NAME = re.compile(r"(key|token|secret|password)", re.IGNORECASE)


def _secret_names(value: Any) -> list[str]:
    """Secret-looking names anywhere in ``value``, nested dicts and lists included."""
    if isinstance(value, dict):
        found = [str(name) for name in value if _SECRET_NAME.search(str(name))]
        for item in value.values():
            found.extend(_secret_names(item))
        return found
    if isinstance(value, list | tuple):
        return [name for item in value for name in _secret_names(item)]
    return []


class AuditRepo(Repository):
    async def record(
        self,
        *,
        actor_tg_user_id: int,
        action: str,
        workspace_id: int | None = None,
        seller_id: int | None = None,
        details: dict[str, Any] | None = None,
        conn: Executor | None = None,
    ) -> None:
        details = details or {}
        forbidden = _secret_names(details)
        if forbidden:
            raise ValueError(f"audit details must not carry secrets: {forbidden}")
        await self._db(conn).execute(
            """
            INSERT INTO audit_log (actor_tg_user_id, action, workspace_id, seller_id, details)
            VALUES ($1, $2, $3, $4, $5)
            """,
            actor_tg_user_id,
            action,
            workspace_id,
            seller_id,
            details,
        )

    async def list_recent(
        self,
        *,
        workspace_id: int | None = None,
        limit: int = 50,
        conn: Executor | None = None,
    ) -> list[AuditEntry]:
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_ENTRY} FROM audit_log
             WHERE $1::bigint IS NULL OR workspace_id = $1
             ORDER BY at DESC, id DESC
             LIMIT $2
            """,
            workspace_id,
            limit,
        )
        return to_records(AuditEntry, rows)
