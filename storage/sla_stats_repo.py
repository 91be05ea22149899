"""Report figures straight from stored buyer turns (one scan with grouping sets).

A turn is *decided* when it was answered or its deadline has passed by the end of the
period; compliance is answered-in-time over decided. Response times are wall-clock seconds
from the turn's first buyer message to the seller's reply; first response = ``first`` turns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from storage.sql import Executor, Repository

# Histogram edges in minutes (the last bucket is open-ended).
BUCKET_EDGES_MIN: tuple[int, ...] = (5, 15, 30, 60, 120, 240, 480, 1440, 2880)

# A turn resolved without a reply (/done, idle) is neither answered nor missed: it has no
# response time and is counted on its own (``resolved``).
_SCOPE = """
    SELECT priority, kind, CASE WHEN NOT resolved THEN agent_id END AS agent_id, seller_id,
           started_at, resolved, answered_at IS NOT NULL AND NOT resolved AS answered,
           (answered_at IS NOT NULL AND NOT resolved
            AND (deadline IS NULL OR answered_at <= deadline)) AS in_time,
           (NOT resolved AND (answered_at IS NOT NULL OR deadline < $3)) AS decided,
           CASE WHEN NOT resolved
                THEN extract(epoch FROM answered_at - started_at)::float8 END AS secs
      FROM (SELECT t.priority, t.kind, t.answered_by_agent_id AS agent_id, c.seller_id,
                   t.answered_at, t.deadline, t.started_at,
                   t.answered_via IS NOT DISTINCT FROM 'resolved' AS resolved
              FROM buyer_turns t JOIN chats c ON c.id = t.chat_id
             WHERE t.started_at >= $1 AND t.started_at < $2
               AND c.seller_id = ANY($4::bigint[])) turns
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
    frt_median: float | None  # seconds, first-response turns of the group only
    frt_p90: float | None
    resolved: int = 0  # closed without a reply: neither answered nor missed


@dataclass(frozen=True, slots=True)
class DayFigure:
    """One local day of the period: its turns decided, and how many of them in time."""

    day: date
    in_time: int
    decided: int


# Percentiles sort their input; in memory that is several times faster than spilling to
# disk at the default 4 MB. Set per transaction, only for these report statements.
_REPORT_WORK_MEM = "64MB"


class SlaStatsRepo(Repository):
    async def _fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            await conn.execute(f"SET LOCAL work_mem = '{_REPORT_WORK_MEM}'")
            return await conn.fetch(query, *args)

    async def aggregates(
        self,
        *,
        since: datetime,
        until: datetime,
        seller_ids: Sequence[int],
    ) -> tuple[list[Aggregate], list[int]]:
        """Figures per priority / agent / seller, and the response-time histogram.

        Two statements, run concurrently on separate connections: counts and histogram in
        one hash-aggregated scan; first-response percentiles (overall, per agent, per
        seller) in another, since each ordered-set aggregate sorts its input.
        """
        args = (since, until, until, list(seller_ids))
        counts, percentiles = await asyncio.gather(
            self._fetch(
                f"""
                SELECT grouping(priority) AS gp, grouping(agent_id) AS ga,
                       grouping(seller_id) AS gs, grouping(bucket) AS gb,
                       priority, agent_id, seller_id, bucket,
                       count(*) AS turns,
                       count(*) FILTER (WHERE answered) AS answered,
                       count(*) FILTER (WHERE in_time) AS in_time,
                       count(*) FILTER (WHERE decided) AS decided,
                       count(*) FILTER (WHERE resolved) AS resolved
                  FROM (SELECT *, width_bucket(secs / 60.0, $5::float8[]) AS bucket
                          FROM ({_SCOPE}) scope) scope
                 GROUP BY GROUPING SETS ((), (priority), (agent_id), (seller_id), (bucket))
                """,
                *args,
                [float(edge) for edge in BUCKET_EDGES_MIN],
            ),
            self._fetch(
                f"""
                SELECT grouping(agent_id) AS ga, grouping(seller_id) AS gs, agent_id,
                       seller_id,
                       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY secs) AS p
                  FROM ({_SCOPE}) scope
                 WHERE kind = 'first' AND answered
                 GROUP BY GROUPING SETS ((), (agent_id), (seller_id))
                """,
                *args,
            ),
        )
        frt: dict[tuple[str, Any], list[float]] = {}
        for row in percentiles:
            if not row["ga"]:
                frt[("agent", row["agent_id"])] = row["p"]
            elif not row["gs"]:
                frt[("seller", row["seller_id"])] = row["p"]
            else:
                frt[("all", None)] = row["p"]
        histogram = [0] * (len(BUCKET_EDGES_MIN) + 1)
        out: list[Aggregate] = []
        for row in counts:
            if not row["gb"]:
                if row["bucket"] is not None:
                    histogram[row["bucket"]] += row["turns"]
                continue
            if not row["gp"]:
                dimension, key = "priority", row["priority"]
            elif not row["ga"]:
                dimension, key = "agent", row["agent_id"]
            elif not row["gs"]:
                dimension, key = "seller", row["seller_id"]
            else:
                dimension, key = "all", None
            p50, p90 = frt.get((dimension, key)) or (None, None)
            out.append(
                Aggregate(
                    dimension,
                    key,
                    row["turns"],
                    row["answered"],
                    row["in_time"],
                    row["decided"],
                    p50,
                    p90,
                    row["resolved"],
                )
            )
        return out, histogram

    async def daily(
        self,
        *,
        since: datetime,
        until: datetime,
        seller_ids: Sequence[int],
        zone: str,
    ) -> list[DayFigure]:
        """Per local day (in ``zone``) of the turns' start: decided and in-time counts, for
        the chart's "in time per day" line. Days without turns are not returned."""
        rows = await self._fetch(
            f"""
            SELECT (started_at AT TIME ZONE $5)::date AS day,
                   count(*) FILTER (WHERE in_time) AS in_time,
                   count(*) FILTER (WHERE decided) AS decided
              FROM ({_SCOPE}) scope
             GROUP BY 1 ORDER BY 1
            """,
            since,
            until,
            until,
            list(seller_ids),
            zone,
        )
        return [DayFigure(r["day"], r["in_time"], r["decided"]) for r in rows]

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
