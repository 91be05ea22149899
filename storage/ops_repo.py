"""What an operator's monitoring reads: queue depths and ages, SLA and draft counts.

Read-only aggregates, each bounded by a partial index or a time window, so a scrape costs
a few milliseconds however big the tables grow. Numbers come from the shared database, so
every instance reports the same figures (monitor them with ``max``, not ``sum``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.sql import Repository

RECENT = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class QueueDepth:
    queue: str  # tg_updates, tg_outbox, reply_outbox, drafts
    kind: str  # the outbox kind or reply status ('' where the queue has no kinds)
    depth: int
    oldest: datetime | None


@dataclass(frozen=True, slots=True)
class OpsFigures:
    queues: list[QueueDepth]
    sla: dict[str, int]  # turns of the last 24 h warned / escalated / past the hard limit
    drafts: dict[str, int]  # drafts of the last 24 h by outcome
    draft_latency_ms: dict[str, float]  # p50 / p90 of the last 24 h's model latency
    accounts: dict[tuple[str, str], int]  # (marketplace, account id) → seller id


_QUEUES = """
SELECT 'tg_updates' AS queue, '' AS kind, count(*) AS depth, min(received_at) AS oldest
  FROM tg_updates WHERE status = 'pending'
UNION ALL
SELECT 'tg_outbox', kind, count(*), min(created_at)
  FROM tg_outbox WHERE status = 'pending' GROUP BY kind
UNION ALL
SELECT 'reply_outbox', status, count(*), min(created_at)
  FROM reply_outbox WHERE status IN ('pending', 'sending', 'unverified') GROUP BY status
UNION ALL
SELECT 'drafts', '', count(*), min(t.started_at)
  FROM buyer_turns t
 WHERE t.answered_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM ai_suggestions a
                    WHERE a.turn_id = t.id AND a.buyer_message_count = t.buyer_message_count)
"""


class OpsRepo(Repository):
    async def figures(self, *, now: datetime, drafts: bool = True) -> OpsFigures:
        since = now - RECENT
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_QUEUES)
            sla = await conn.fetchrow(
                """
                SELECT count(warned_at) AS warned, count(escalated_at) AS escalated,
                       count(hard_breached_at) AS hard_breached
                  FROM buyer_turns WHERE started_at >= $1
                """,
                since,
            )
            outcomes = await conn.fetch(
                """
                SELECT outcome, count(*) AS n FROM ai_suggestions
                 WHERE created_at >= $1 GROUP BY outcome
                """,
                since,
            )
            latency = await conn.fetchrow(
                """
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY latency_ms) AS p90
                  FROM ai_suggestions WHERE created_at >= $1 AND latency_ms IS NOT NULL
                """,
                since,
            )
            accounts = await conn.fetch("SELECT id, marketplace, client_id FROM sellers")
        queues = [
            QueueDepth(r["queue"], r["kind"], int(r["depth"]), r["oldest"])
            for r in rows
            if r["queue"] != "drafts" or drafts
        ]
        assert sla is not None and latency is not None
        return OpsFigures(
            queues=queues,
            sla={key: int(sla[key]) for key in ("warned", "escalated", "hard_breached")},
            drafts={r["outcome"]: int(r["n"]) for r in outcomes},
            draft_latency_ms={
                key: float(latency[key]) for key in ("p50", "p90") if latency[key] is not None
            },
            accounts={(r["marketplace"], r["client_id"]): int(r["id"]) for r in accounts},
        )

    async def ping(self) -> None:
        await self._pool.fetchval("SELECT 1")

    async def applied_migrations(self) -> set[int]:
        rows = await self._pool.fetch("SELECT version FROM schema_migrations")
        return {int(r["version"]) for r in rows}
