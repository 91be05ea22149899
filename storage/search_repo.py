"""/find in one statement: chats of some shops matching an order or posting number, a SKU,
a buyer's name (exact or prefix) or words of their messages (full-text, Russian stemming).

Bounded by ``limit``: the most recently active matching chats come back with the total
count, a snippet of the newest matching message (or the chat's last one) and the chat's
latest internal notes, so one /find costs one round trip whatever it matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.sql import Executor, Repository

#: Marks around the matched words in a snippet (``ts_headline``); control characters a
#: marketplace message cannot carry into Telegram, so the renderer can bold them safely.
MATCH_START = "\x01"
MATCH_END = "\x02"

_HEADLINE = (
    f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=14, MinWords=6, "
    "MaxFragments=1, FragmentDelimiter=…"
)

_SEARCH = """
WITH q AS (SELECT websearch_to_tsquery('russian', $2) AS ts),
hits AS (
    SELECT m.chat_id
      FROM messages m JOIN chats c ON c.id = m.chat_id
      JOIN sellers s ON s.id = c.seller_id, q
     WHERE s.workspace_id = ANY($1::bigint[]) AND to_tsvector('russian', m.text) @@ q.ts
    UNION
    SELECT c.id
      FROM chats c JOIN sellers s ON s.id = c.seller_id
     WHERE s.workspace_id = ANY($1::bigint[])
       AND (lower(c.order_number) LIKE $3 ESCAPE '\\'
            OR lower(c.posting_number) LIKE $3 ESCAPE '\\'
            OR lower(c.sku) LIKE $3 ESCAPE '\\'
            OR lower(c.buyer_name) LIKE $3 ESCAPE '\\'
            OR lower(c.buyer_name) LIKE '% ' || $3 ESCAPE '\\')
),
found AS (
    SELECT c.id AS chat_id, coalesce(c.last_message_at, c.created_at) AS at,
           count(*) OVER () AS total
      FROM hits h JOIN chats c ON c.id = h.chat_id
     ORDER BY 2 DESC, c.id DESC
     LIMIT $4
)
SELECT f.total, f.at, c.id AS chat_id, s.name AS shop, s.marketplace, c.buyer_name,
       c.order_number, c.posting_number, c.sku, w.tg_chat_id, c.topic_thread_id,
       coalesce(hit.snippet, last.text, '') AS snippet,
       coalesce(notes.texts, '{}') AS note_texts,
       coalesce(notes.authors, '{}') AS note_authors
  FROM found f
  JOIN chats c ON c.id = f.chat_id
  JOIN sellers s ON s.id = c.seller_id
  LEFT JOIN workspaces w ON w.id = c.topic_workspace_id
  LEFT JOIN LATERAL (
      SELECT ts_headline('russian', m.text, q.ts, $5) AS snippet
        FROM messages m, q
       WHERE m.chat_id = c.id AND to_tsvector('russian', m.text) @@ q.ts
       ORDER BY m.sent_at DESC, m.id DESC LIMIT 1
  ) hit ON true
  LEFT JOIN LATERAL (
      SELECT m.text FROM messages m
       WHERE m.chat_id = c.id AND m.text <> ''
       ORDER BY m.sent_at DESC, m.id DESC LIMIT 1
  ) last ON true
  LEFT JOIN LATERAL (
      SELECT array_agg(n.text ORDER BY n.created_at DESC, n.id DESC) AS texts,
             array_agg(n.author ORDER BY n.created_at DESC, n.id DESC) AS authors
        FROM (SELECT i.id, i.text, i.created_at,
                     coalesce(nullif(a.display_name, ''), a.username, '') AS author
                FROM internal_notes i LEFT JOIN agents a ON a.id = i.agent_id
               WHERE i.chat_id = c.id AND i.text <> ''
               ORDER BY i.created_at DESC, i.id DESC LIMIT $6) n
  ) notes ON true
 ORDER BY f.at DESC, c.id DESC
"""


@dataclass(frozen=True, slots=True)
class NoteLine:
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class FoundChat:
    """One matching chat: where it is, what it is about, and why it matched."""

    chat_id: int
    shop: str
    marketplace: str
    buyer_name: str
    order_number: str | None
    posting_number: str | None
    sku: str | None
    tg_chat_id: int | None  # the topic's group; None before the topic exists
    thread_id: int | None
    at: datetime
    snippet: str  # matched words between MATCH_START and MATCH_END
    notes: list[NoteLine]  # newest first


@dataclass(frozen=True, slots=True)
class SearchResult:
    chats: list[FoundChat]
    total: int  # every matching chat, shown or not


def like_prefix(value: str) -> str:
    """``value`` as a LIKE prefix pattern (lower case), its wildcards taken literally."""
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


class SearchRepo(Repository):
    async def find(
        self,
        *,
        workspace_ids: Sequence[int],
        query: str,
        limit: int,
        notes: int = 2,
        conn: Executor | None = None,
    ) -> SearchResult:
        """The newest ``limit`` chats of the workspaces' shops (archived ones too: their
        topics stay) matching ``query``."""
        rows = await self._db(conn).fetch(
            _SEARCH, list(workspace_ids), query, like_prefix(query), limit, _HEADLINE, notes
        )
        chats = [
            FoundChat(
                chat_id=row["chat_id"],
                shop=row["shop"],
                marketplace=row["marketplace"],
                buyer_name=row["buyer_name"],
                order_number=row["order_number"],
                posting_number=row["posting_number"],
                sku=row["sku"],
                tg_chat_id=row["tg_chat_id"],
                thread_id=row["topic_thread_id"],
                at=row["at"],
                snippet=row["snippet"],
                notes=[
                    NoteLine(author=a, text=t)
                    for a, t in zip(row["note_authors"], row["note_texts"], strict=True)
                ],
            )
            for row in rows
        ]
        return SearchResult(chats=chats, total=int(rows[0]["total"]) if rows else 0)
