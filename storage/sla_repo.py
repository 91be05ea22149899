"""Per-seller SLA configuration: ordered priority rules and response targets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from storage.errors import NotFound
from storage.records import SlaRule, SlaTarget
from storage.sql import Executor, Repository, columns, to_record, to_records

_RULE = columns(SlaRule)
_TARGET = columns(SlaTarget)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule to store (no id or position yet)."""

    kind: str
    priority: str
    pattern: str | None = None
    threshold: int | None = None
    enabled: bool = True


class SlaRepo(Repository):
    @asynccontextmanager
    async def _transaction(
        self, conn: asyncpg.Connection | None
    ) -> AsyncIterator[asyncpg.Connection]:
        """The caller's transaction (a savepoint inside it, so a service can write its audit
        record in the same commit) or one of our own."""
        if conn is not None:
            async with conn.transaction():
                yield conn
            return
        async with self._pool.acquire() as own, own.transaction():
            yield own

    async def list_rules(self, *, seller_id: int, conn: Executor | None = None) -> list[SlaRule]:
        rows = await self._db(conn).fetch(
            f"SELECT {_RULE} FROM sla_rules WHERE seller_id = $1 ORDER BY position",
            seller_id,
        )
        return to_records(SlaRule, rows)

    async def add_rule(
        self,
        *,
        seller_id: int,
        rule: RuleSpec,
        position: int | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> SlaRule:
        """Insert a rule at ``position`` (0-based, clamped), shifting the ones from there
        down; after the existing ones when ``position`` is None."""
        async with self._transaction(conn) as tx:
            count: int = await tx.fetchval(
                "SELECT count(*) FROM sla_rules WHERE seller_id = $1", seller_id
            )
            at = count if position is None else max(0, min(position, count))
            await tx.execute("SET CONSTRAINTS ALL DEFERRED")
            await tx.execute(
                "UPDATE sla_rules SET position = position + 1 "
                "WHERE seller_id = $1 AND position >= $2",
                seller_id,
                at,
            )
            row = await tx.fetchrow(
                f"""
                INSERT INTO sla_rules (seller_id, position, kind, pattern, threshold, priority,
                                       enabled)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                RETURNING {_RULE}
                """,
                seller_id,
                at,
                rule.kind,
                rule.pattern,
                rule.threshold,
                rule.priority,
                rule.enabled,
            )
            assert row is not None
            return to_record(SlaRule, row)

    async def replace_rules(
        self,
        *,
        seller_id: int,
        rules: Sequence[RuleSpec],
        conn: asyncpg.Connection | None = None,
    ) -> list[SlaRule]:
        """Swap the whole list at once (defaults for a new seller, or a reset)."""
        async with self._transaction(conn) as tx:
            await tx.execute("DELETE FROM sla_rules WHERE seller_id = $1", seller_id)
            await tx.executemany(
                """
                INSERT INTO sla_rules (seller_id, position, kind, pattern, threshold, priority,
                                       enabled)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    (seller_id, position, r.kind, r.pattern, r.threshold, r.priority, r.enabled)
                    for position, r in enumerate(rules)
                ],
            )
            return await self.list_rules(seller_id=seller_id, conn=tx)

    async def remove_rule(
        self, *, seller_id: int, rule_id: int, conn: asyncpg.Connection | None = None
    ) -> None:
        """Delete a rule and close the gap, so positions stay 0..n-1."""
        async with self._transaction(conn) as tx:
            position = await tx.fetchval(
                "DELETE FROM sla_rules WHERE id = $1 AND seller_id = $2 RETURNING position",
                rule_id,
                seller_id,
            )
            if position is None:
                raise NotFound(f"rule {rule_id} of seller {seller_id}")
            await tx.execute("SET CONSTRAINTS ALL DEFERRED")
            await tx.execute(
                "UPDATE sla_rules SET position = position - 1 "
                "WHERE seller_id = $1 AND position > $2",
                seller_id,
                position,
            )

    async def move_rule(
        self,
        *,
        seller_id: int,
        rule_id: int,
        to_position: int,
        conn: asyncpg.Connection | None = None,
    ) -> list[SlaRule]:
        """Move a rule to ``to_position`` (clamped), shifting the others; returns the list."""
        async with self._transaction(conn) as tx:
            rules = await self.list_rules(seller_id=seller_id, conn=tx)
            moving = next((r for r in rules if r.id == rule_id), None)
            if moving is None:
                raise NotFound(f"rule {rule_id} of seller {seller_id}")
            order = [r.id for r in rules if r.id != rule_id]
            order.insert(max(0, min(to_position, len(order))), rule_id)
            await tx.execute("SET CONSTRAINTS ALL DEFERRED")
            await tx.executemany(
                "UPDATE sla_rules SET position = $2 WHERE id = $1",
                list(zip(order, range(len(order)), strict=True)),
            )
            return await self.list_rules(seller_id=seller_id, conn=tx)

    async def get_targets(
        self, *, seller_id: int, conn: Executor | None = None
    ) -> dict[str, SlaTarget]:
        rows = await self._db(conn).fetch(
            f"SELECT {_TARGET} FROM sla_targets WHERE seller_id = $1", seller_id
        )
        return {row["priority"]: to_record(SlaTarget, row) for row in rows}

    async def set_target(
        self,
        *,
        seller_id: int,
        priority: str,
        target_minutes: int,
        hard_limit_minutes: int,
        conn: Executor | None = None,
    ) -> SlaTarget:
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO sla_targets (seller_id, priority, target_minutes, hard_limit_minutes)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (seller_id, priority) DO UPDATE
               SET target_minutes = EXCLUDED.target_minutes,
                   hard_limit_minutes = EXCLUDED.hard_limit_minutes
            RETURNING {_TARGET}
            """,
            seller_id,
            priority,
            target_minutes,
            hard_limit_minutes,
        )
        assert row is not None
        return to_record(SlaTarget, row)
