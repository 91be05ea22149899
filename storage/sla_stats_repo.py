"""Report figures straight from stored buyer turns (one scan with grouping sets).

A turn is *decided* when it was answered or its deadline has passed by the end of the
period; compliance is answered-in-time over decided. Response times are wall-clock seconds
from the turn's first buyer message to the seller's reply; first response = ``first`` turns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.sql import Executor, Repository

# Histogram edges in minutes (the last bucket is open-ended).
BUCKET_EDGES_MIN: tuple[int, ...] = (5, 15, 30, 60, 120, 240, 480, 1440, 2880)

_SCOPE = """
    SELECT t.priority, t.kind, t.answered_by_agent_id AS agent_id, c.seller_id,
           t.answered_at IS NOT NULL AS answered,
           (t.answered_at IS NOT NULL
            AND (t.deadline IS NULL OR t.answered_at <= t.deadline)) AS in_time,
           (t.answered_at IS NOT NULL OR t.deadline < $3) AS decided,
           extract(epoch FROM t.answered_at - t.started_at)::float8 AS secs
      FROM buyer_turns t JOIN chats c ON c.id = t.chat_id
     WHERE t.started_at >= $1 AND t.started_at < $2 AND c.seller_id = ANY($4::bigint[])
"""


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One row of the report: everything, or one priority / agent / seller."""

    dimension: str  # "all", "priority", "agent", "seller"
    key: str | int | None
    turns: int
    answered: int
    in_time: int
    decided: int
    frt_median: float | None  # seconds, first-response turns only
    frt_p90: float | None
    median: float | None  # seconds, every answered turn of the group


class SlaStatsRepo(Repository):
    async def aggregates(
        self,
        *,
        since: datetime,
        until: datetime,
        seller_ids: Sequence[int],
        conn: Executor | None = None,
    ) -> list[Aggregate]:
        rows = await self._db(conn).fetch(
            f"""
            WITH scope AS MATERIALIZED ({_SCOPE})
            SELECT grouping(priority) AS gp, grouping(agent_id) AS ga,
                   grouping(seller_id) AS gs, priority, agent_id, seller_id,
                   count(*) AS turns,
                   count(*) FILTER (WHERE answered) AS answered,
                   count(*) FILTER (WHERE in_time) AS in_time,
                   count(*) FILTER (WHERE decided) AS decided,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY secs)
                       FILTER (WHERE kind = 'first') AS frt_median,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY secs)
                       FILTER (WHERE kind = 'first') AS frt_p90,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median
              FROM scope
             GROUP BY GROUPING SETS ((), (priority), (agent_id), (seller_id))
            """,
            since,
            until,
            until,
            list(seller_ids),
        )
        out: list[Aggregate] = []
        for row in rows:
            if not row["gp"] and row["ga"] and row["gs"]:
                dimension, key = "priority", row["priority"]
            elif not row["ga"] and row["gp"] and row["gs"]:
                dimension, key = "agent", row["agent_id"]
            elif not row["gs"] and row["gp"] and row["ga"]:
                dimension, key = "seller", row["seller_id"]
            else:
                dimension, key = "all", None
            out.append(
                Aggregate(
                    dimension,
                    key,
                    row["turns"],
                    row["answered"],
                    row["in_time"],
                    row["decided"],
                    row["frt_median"],
                    row["frt_p90"],
                    row["median"],
                )
            )
        return out

    async def histogram(
        self,
        *,
        since: datetime,
        until: datetime,
        seller_ids: Sequence[int],
        conn: Executor | None = None,
    ) -> list[int]:
        """Answered turns per response-time bucket (len(BUCKET_EDGES_MIN) + 1 buckets)."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT width_bucket(secs / 60.0, $5::float8[]) AS bucket, count(*) AS n
              FROM ({_SCOPE}) scope
             WHERE answered
             GROUP BY bucket
            """,
            since,
            until,
            until,
            list(seller_ids),
            [float(edge) for edge in BUCKET_EDGES_MIN],
        )
        counts = [0] * (len(BUCKET_EDGES_MIN) + 1)
        for row in rows:
            counts[row["bucket"]] += row["n"]
        return counts

    async def waiting_now(self, *, seller_ids: Sequence[int], conn: Executor | None = None) -> int:
        value = await self._db(conn).fetchval(
            """
            SELECT count(*) FROM chats
             WHERE seller_id = ANY($1::bigint[]) AND waiting_since IS NOT NULL
               AND status = 'open'
            """,
            list(seller_ids),
        )
        return int(value)

    async def agent_names(
        self, *, agent_ids: Sequence[int], conn: Executor | None = None
    ) -> dict[int, str]:
        rows = await self._db(conn).fetch(
            "SELECT id, display_name, username FROM agents WHERE id = ANY($1::bigint[])",
            list(agent_ids),
        )
        return {r["id"]: r["display_name"] or r["username"] or str(r["id"]) for r in rows}
