"""The durable queue toward the marketplace (agents' replies, sent drafts, auto-replies).

A reply is sent to a buyer at most once: the ``idempotency_key`` turns a double submit
into one row, and a row is switched to ``sending`` (committed) before the marketplace
call, so after a crash or a timeout the worker knows the outcome is unknown and checks
the chat history before it sends again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from storage.errors import NotFound
from storage.records import ReplyItem
from storage.sql import Executor, Repository, columns, to_record, to_records

_ITEM = columns(ReplyItem)

MAX_ERROR_LENGTH = 500


class ReplyOutboxRepo(Repository):
    async def enqueue(
        self,
        *,
        chat_id: int,
        idempotency_key: str,
        origin: str,
        text: str = "",
        kind: str = "text",
        file: dict[str, Any] | None = None,
        agent_id: int | None = None,
        suggestion_id: int | None = None,
        tg_chat_id: int | None = None,
        tg_message_id: int | None = None,
        filled: bool = False,
        conn: Executor | None = None,
    ) -> tuple[ReplyItem, bool]:
        """Queue a reply; on a repeated key return the existing row and ``False``.
        ``filled``: the bot filled template variables into ``text`` (the receipt quotes it)."""
        db = self._db(conn)
        row = await db.fetchrow(
            f"""
            INSERT INTO reply_outbox (chat_id, idempotency_key, origin, text, kind, file,
                                      agent_id, suggestion_id, tg_chat_id, tg_message_id,
                                      filled)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING {_ITEM}
            """,
            chat_id,
            idempotency_key,
            origin,
            text,
            kind,
            file,
            agent_id,
            suggestion_id,
            tg_chat_id,
            tg_message_id,
            filled,
        )
        if row is not None:
            return to_record(ReplyItem, row), True
        existing = await db.fetchrow(
            f"SELECT {_ITEM} FROM reply_outbox WHERE idempotency_key = $1", idempotency_key
        )
        assert existing is not None
        return to_record(ReplyItem, existing), False

    async def get(self, *, item_id: int, conn: Executor | None = None) -> ReplyItem:
        row = await self._db(conn).fetchrow(
            f"SELECT {_ITEM} FROM reply_outbox WHERE id = $1", item_id
        )
        if row is None:
            raise NotFound(f"reply {item_id}")
        return to_record(ReplyItem, row)

    async def text_of_suggestion(
        self, *, suggestion_id: int, conn: Executor | None = None
    ) -> str | None:
        """The text actually queued for the buyer as a draft's version (an agent's edit of
        it), or None when none was: the draft's post then shows what was really sent."""
        value = await self._db(conn).fetchval(
            """
            SELECT text FROM reply_outbox
             WHERE suggestion_id = $1 AND kind = 'text'
             ORDER BY id DESC LIMIT 1
            """,
            suggestion_id,
        )
        return None if value is None else str(value)

    async def claim(
        self,
        *,
        now: datetime,
        limit: int = 10,
        lease: timedelta = timedelta(seconds=60),
        claimed_by: str | None = None,
        conn: Executor | None = None,
    ) -> list[ReplyItem]:
        """Take the ready head row of each chat: at most one row per chat, so one chat's
        replies go out one at a time in queue (id) order while chats send in parallel.

        A chat's head is its oldest row that is not final (``pending``, ``sending`` or
        ``unverified``); while it waits (backoff, a lease, a person's decision) the chat's
        later rows wait too. ``sending`` heads are taken too: their outcome is unknown and
        the worker checks history before it sends again. A concurrent claim skips a locked
        head and, since that head is still not final, every later row of its chat.
        """
        rows = await self._db(conn).fetch(
            f"""
            UPDATE reply_outbox SET lease_until = $2, attempts = attempts + 1, claimed_by = $4
             WHERE id IN (
                SELECT r.id FROM reply_outbox r
                 WHERE r.status IN ('pending', 'sending') AND r.not_before <= $1
                   AND (r.lease_until IS NULL OR r.lease_until <= $1)
                   AND NOT EXISTS (
                       SELECT 1 FROM reply_outbox e
                        WHERE e.chat_id = r.chat_id AND e.id < r.id
                          AND e.status IN ('pending', 'sending', 'unverified'))
                 ORDER BY r.id
                 LIMIT $3
                 FOR UPDATE OF r SKIP LOCKED)
            RETURNING {_ITEM}
            """,
            now,
            now + lease,
            limit,
            claimed_by,
        )
        return sorted(to_records(ReplyItem, rows), key=lambda item: item.id)

    async def mark_sending(
        self, *, item_id: int, at: datetime | None = None, conn: Executor | None = None
    ) -> None:
        """Called (and committed) right before each marketplace call; ``at`` (default: the
        database's now) bounds the history a later check looks at."""
        await self._db(conn).execute(
            """
            UPDATE reply_outbox SET status = 'sending', attempt_started_at = coalesce($2, now())
             WHERE id = $1 AND status IN ('pending', 'sending')
            """,
            item_id,
            at,
        )

    async def mark_sent(
        self,
        *,
        item_id: int,
        at: datetime,
        marketplace_message_id: str | None = None,
        conn: Executor | None = None,
    ) -> bool:
        """False when the row was already sent (a second worker must not report twice) or
        had failed for good (a final refusal is not overturned)."""
        status = await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = 'sent', sent_at = $2, lease_until = NULL, error_code = NULL,
                   error_detail = NULL,
                   marketplace_message_id = coalesce($3, marketplace_message_id)
             WHERE id = $1 AND status IN ('pending', 'sending')
            """,
            item_id,
            at,
            marketplace_message_id,
        )
        return not status.endswith(" 0")

    async def retry_later(
        self,
        *,
        item_id: int,
        not_before: datetime,
        error_code: str,
        outcome_unknown: bool,
        count_attempt: bool = True,
        conn: Executor | None = None,
    ) -> None:
        """Back off; an unknown outcome stays ``sending`` so the next try checks first.
        ``count_attempt=False``: this try does not count toward the cap (a budget wait)."""
        await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = CASE WHEN $4 THEN 'sending' ELSE 'pending' END,
                   not_before = $2, error_code = $3, lease_until = NULL,
                   attempts = CASE WHEN $5 THEN attempts ELSE greatest(attempts - 1, 0) END
             WHERE id = $1 AND status IN ('pending', 'sending')
            """,
            item_id,
            not_before,
            error_code,
            outcome_unknown,
            count_attempt,
        )

    async def mark_failed(
        self,
        *,
        item_id: int,
        error_code: str,
        error_detail: str | None = None,
        conn: Executor | None = None,
    ) -> bool:
        """Final: a refusal, the attempt cap, a person's "drop". False when the row was
        already final (its explanation must not be queued twice)."""
        status = await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = 'failed', error_code = $2, error_detail = $3, lease_until = NULL
             WHERE id = $1 AND status IN ('pending', 'sending', 'unverified')
            """,
            item_id,
            error_code,
            None if error_detail is None else error_detail[:MAX_ERROR_LENGTH],
        )
        return not status.endswith(" 0")

    async def mark_unverified(
        self, *, item_id: int, error_code: str, conn: Executor | None = None
    ) -> bool:
        """An earlier attempt may have reached the buyer and history cannot tell: wait for a
        person. False when the row had moved on meanwhile."""
        status = await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = 'unverified', error_code = $2, lease_until = NULL
             WHERE id = $1 AND status = 'sending'
            """,
            item_id,
            error_code,
        )
        return not status.endswith(" 0")

    async def send_anyway(
        self, *, item_id: int, now: datetime, conn: Executor | None = None
    ) -> bool:
        """A person accepted the risk of a duplicate: send without a history check, with a
        fresh attempt budget. False unless the row was waiting as ``unverified``."""
        status = await self._db(conn).execute(
            """
            UPDATE reply_outbox
               SET status = 'pending', not_before = $2, attempts = 0, lease_until = NULL,
                   error_code = NULL
             WHERE id = $1 AND status = 'unverified'
            """,
            item_id,
            now,
        )
        return not status.endswith(" 0")

    async def drop_unverified(self, *, item_id: int, conn: Executor | None = None) -> bool:
        """A person chose not to risk a duplicate: final, and the chat's next reply goes.
        False unless the row was waiting as ``unverified``."""
        status = await self._db(conn).execute(
            """
            UPDATE reply_outbox SET status = 'failed', error_code = 'dropped', lease_until = NULL
             WHERE id = $1 AND status = 'unverified'
            """,
            item_id,
        )
        return not status.endswith(" 0")

    async def set_marketplace_id(
        self, *, item_id: int, marketplace_message_id: str, conn: Executor | None = None
    ) -> None:
        await self._db(conn).execute(
            "UPDATE reply_outbox SET marketplace_message_id = $2 WHERE id = $1",
            item_id,
            marketplace_message_id,
        )

    async def list_unmatched_sent(
        self,
        *,
        chat_id: int,
        message_ids: Sequence[str] = (),
        conn: Executor | None = None,
    ) -> list[ReplyItem]:
        """Replies sent (or being sent) not yet matched to a history message, so sync can
        tell our own replies from ones typed in the marketplace cabinet. ``sending`` and
        ``unverified`` count: Ozon may have stored the message before the worker recorded
        the outcome. Rows already matched to one of ``message_ids`` (the worker found them in
        history) are included too, so sync recognises those messages as ours."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_ITEM} FROM reply_outbox
             WHERE chat_id = $1 AND status IN ('sending', 'unverified', 'sent')
               AND (marketplace_message_id IS NULL
                    OR marketplace_message_id = ANY($2::text[]))
             ORDER BY id
            """,
            chat_id,
            list(message_ids),
        )
        return to_records(ReplyItem, rows)

    async def matched_message_ids(
        self, *, chat_id: int, except_item_id: int, conn: Executor | None = None
    ) -> set[str]:
        """Marketplace messages already known as our other replies (so a history check for
        an unnamed image does not take one of them for this reply)."""
        rows = await self._db(conn).fetch(
            """
            SELECT marketplace_message_id FROM reply_outbox
             WHERE chat_id = $1 AND id <> $2 AND marketplace_message_id IS NOT NULL
            """,
            chat_id,
            except_item_id,
        )
        return {row["marketplace_message_id"] for row in rows}
