"""Buyer chats and their mapping to forum topics."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from storage.errors import Conflict, NotFound
from storage.records import Chat, ChatSyncFailure, ChatWithSeller, Seller
from storage.sql import Executor, Repository, columns, field_names, to_record, to_records

_CHAT = columns(Chat)
_SYNC_FAILURE = columns(ChatSyncFailure)
_CHAT_FIELDS = field_names(Chat)
_SELLER_FIELDS = field_names(Seller)
_WITH_SELLER = (
    f"{columns(Chat, 'c.')}, "
    + ", ".join(f"s.{name} AS s_{name}" for name in _SELLER_FIELDS)
    + ", s.api_key_encrypted AS s_api_key_encrypted, c.marketplace_data AS c_marketplace_data"
)


class ChatRepo(Repository):
    async def upsert(
        self,
        *,
        seller_id: int,
        external_id: str,
        chat_type: str = "BUYER_SELLER",
        status: str = "open",
        buyer_external_id: str | None = None,
        order_number: str | None = None,
        posting_number: str | None = None,
        sku: str | None = None,
        product_url: str | None = None,
        conn: Executor | None = None,
    ) -> tuple[Chat, bool]:
        """Insert the chat or refresh what the marketplace says about it.

        Context fields only fill gaps (a later message without an order number must not
        erase the one we know). Returns the chat and whether it was created now.
        """
        row = await self._db(conn).fetchrow(
            f"""
            INSERT INTO chats (seller_id, external_id, chat_type, status, buyer_external_id,
                               order_number, posting_number, sku, product_url)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (seller_id, external_id) DO UPDATE
               SET chat_type = EXCLUDED.chat_type,
                   status = EXCLUDED.status,
                   buyer_external_id = coalesce(chats.buyer_external_id,
                                                EXCLUDED.buyer_external_id),
                   order_number = coalesce(chats.order_number, EXCLUDED.order_number),
                   posting_number = coalesce(chats.posting_number, EXCLUDED.posting_number),
                   sku = coalesce(chats.sku, EXCLUDED.sku),
                   product_url = coalesce(chats.product_url, EXCLUDED.product_url),
                   updated_at = now()
            RETURNING {_CHAT}, (xmax = 0) AS inserted
            """,
            seller_id,
            external_id,
            chat_type,
            status,
            buyer_external_id,
            order_number,
            posting_number,
            sku,
            product_url,
        )
        assert row is not None
        values = dict(row)
        inserted = values.pop("inserted")
        return Chat(**values), inserted

    async def get(self, *, chat_id: int, conn: Executor | None = None) -> Chat:
        row = await self._db(conn).fetchrow(f"SELECT {_CHAT} FROM chats WHERE id = $1", chat_id)
        if row is None:
            raise NotFound(f"chat {chat_id}")
        return to_record(Chat, row)

    async def with_seller(
        self, *, chat_id: int, workspace_id: int | None = None, conn: Executor | None = None
    ) -> ChatWithSeller:
        """The chat with its seller, key, marketplace fields and what the shops of the
        group ``workspace_id`` (default: the seller's) are: one read for a delivery that
        posts there, names the shop and calls the marketplace."""
        row = await self._db(conn).fetchrow(
            f"""
            SELECT {_WITH_SELLER}, g.shops, g.marketplaces
              FROM chats c JOIN sellers s ON s.id = c.seller_id
                   CROSS JOIN LATERAL (
                       SELECT count(*) AS shops, count(DISTINCT marketplace) AS marketplaces
                         FROM sellers
                        WHERE workspace_id = coalesce($2, s.workspace_id)
                          AND state <> 'removed') g
             WHERE c.id = $1
            """,
            chat_id,
            workspace_id,
        )
        if row is None:
            raise NotFound(f"chat {chat_id}")
        key = row["s_api_key_encrypted"]
        return ChatWithSeller(
            chat=Chat(**{name: row[name] for name in _CHAT_FIELDS}),
            seller=Seller(**{name: row[f"s_{name}"] for name in _SELLER_FIELDS}),
            api_key_encrypted=None if key is None else bytes(key),
            marketplace_data={str(k): str(v) for k, v in dict(row["c_marketplace_data"]).items()},
            shops_in_group=int(row["shops"]),
            marketplaces_in_group=int(row["marketplaces"]),
        )

    async def get_for_update(self, *, chat_id: int, conn: asyncpg.Connection) -> Chat:
        """Lock the chat row for the caller's transaction (e.g. creating its topic once)."""
        row = await conn.fetchrow(f"SELECT {_CHAT} FROM chats WHERE id = $1 FOR UPDATE", chat_id)
        if row is None:
            raise NotFound(f"chat {chat_id}")
        return to_record(Chat, row)

    async def get_by_external(
        self, *, seller_id: int, external_id: str, conn: Executor | None = None
    ) -> Chat:
        row = await self._db(conn).fetchrow(
            f"SELECT {_CHAT} FROM chats WHERE seller_id = $1 AND external_id = $2",
            seller_id,
            external_id,
        )
        if row is None:
            raise NotFound(f"chat {external_id} of seller {seller_id}")
        return to_record(Chat, row)

    async def get_by_topic(
        self, *, workspace_id: int, thread_id: int, conn: Executor | None = None
    ) -> Chat:
        row = await self._db(conn).fetchrow(
            f"SELECT {_CHAT} FROM chats WHERE topic_workspace_id = $1 AND topic_thread_id = $2",
            workspace_id,
            thread_id,
        )
        if row is None:
            raise NotFound(f"chat for topic {thread_id} in workspace {workspace_id}")
        return to_record(Chat, row)

    async def last_message_ids(
        self, *, seller_id: int, external_ids: list[str], conn: Executor | None = None
    ) -> dict[str, str | None]:
        """external chat id → stored cursor, for the given chats (one listed page at a time:
        a poll never loads every chat of a seller)."""
        rows = await self._db(conn).fetch(
            """
            SELECT external_id, last_message_external_id FROM chats
             WHERE seller_id = $1 AND external_id = ANY($2::text[])
            """,
            seller_id,
            external_ids,
        )
        return {row["external_id"]: row["last_message_external_id"] for row in rows}

    async def remember(
        self,
        *,
        seller_id: int,
        chats: list[tuple[str, str, str, str]],
        conn: Executor | None = None,
    ) -> None:
        """Bulk-record chats by cursor only: (external id, type, status, last message id).

        Used by a seller's first sync for chats older than the reply window: known, so an
        idle poll skips them, but not mirrored (no messages, no topic).
        """
        if not chats:
            return
        external_ids, types, statuses, last_ids = (
            list(column) for column in zip(*chats, strict=True)
        )
        await self._db(conn).execute(
            """
            INSERT INTO chats (seller_id, external_id, chat_type, status,
                               last_message_external_id)
            SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
            ON CONFLICT (seller_id, external_id) DO UPDATE
               SET last_message_external_id = EXCLUDED.last_message_external_id,
                   status = EXCLUDED.status, updated_at = now()
            """,
            seller_id,
            external_ids,
            types,
            statuses,
            last_ids,
        )

    async def record_activity(
        self,
        *,
        chat_id: int,
        last_message_external_id: str,
        last_message_at: datetime,
        last_buyer_message_at: datetime | None,
        last_seller_message_at: datetime | None,
        waiting_since: datetime | None,
        unanswered_count: int,
        reply_window_ends_at: datetime | None,
        conn: Executor | None = None,
    ) -> None:
        """Write the conversation state computed by ingestion (caller holds the row lock)."""
        await self._db(conn).execute(
            """
            UPDATE chats
               SET last_message_external_id = $2, last_message_at = $3,
                   last_buyer_message_at = $4, last_seller_message_at = $5,
                   waiting_since = $6, unanswered_count = $7, reply_window_ends_at = $8,
                   sla_deadline = CASE WHEN $6::timestamptz IS NULL THEN NULL
                                       ELSE sla_deadline END,
                   updated_at = now()
             WHERE id = $1
            """,
            chat_id,
            last_message_external_id,
            last_message_at,
            last_buyer_message_at,
            last_seller_message_at,
            waiting_since,
            unanswered_count,
            reply_window_ends_at,
        )

    async def mark_answered(
        self, *, chat_id: int, at: datetime, conn: Executor | None = None
    ) -> None:
        """A reply went out through the bot: the chat stops waiting at once (sync confirms
        it later when the reply shows up in the marketplace's history)."""
        await self._db(conn).execute(
            """
            UPDATE chats
               SET waiting_since = NULL, unanswered_count = 0, sla_deadline = NULL,
                   last_seller_message_at = greatest(last_seller_message_at, $2),
                   updated_at = now()
             WHERE id = $1
            """,
            chat_id,
            at,
        )

    async def set_last_message(
        self,
        *,
        chat_id: int,
        external_id: str,
        at: datetime,
        conn: Executor | None = None,
    ) -> None:
        """Advance the per-chat cursor; never moves it backwards (ids grow with time)."""
        await self._db(conn).execute(
            """
            UPDATE chats
               SET last_message_external_id = $2, last_message_at = $3, updated_at = now()
             WHERE id = $1
               AND (last_message_external_id IS NULL
                    OR length(last_message_external_id) < length($2)
                    OR (length(last_message_external_id) = length($2)
                        AND last_message_external_id < $2))
            """,
            chat_id,
            external_id,
            at,
        )

    async def set_topic(
        self,
        *,
        chat_id: int,
        workspace_id: int,
        thread_id: int,
        name: str,
        conn: Executor | None = None,
    ) -> None:
        try:
            await self._db(conn).execute(
                """
                UPDATE chats
                   SET topic_workspace_id = $2, topic_thread_id = $3, topic_name = $4,
                       topic_closed = false, topic_resolved = false, context_posted = false,
                       topic_claimed_until = NULL, updated_at = now()
                 WHERE id = $1
                """,
                chat_id,
                workspace_id,
                thread_id,
                name,
            )
        except asyncpg.UniqueViolationError:
            raise Conflict(f"topic {thread_id} already belongs to another chat") from None

    async def claim_topic_creation(
        self,
        *,
        chat_id: int,
        workspace_id: int,
        until: datetime,
        claimed_by: str | None = None,
        conn: Executor | None = None,
    ) -> bool:
        """Take the short right to create the chat's topic in ``workspace_id``.

        False when the chat already has a topic there or another worker holds a live
        claim. The caller calls Telegram outside any transaction, then :meth:`set_topic`
        (which ends the claim) or :meth:`release_topic_claim`.
        """
        claimed = await self._db(conn).fetchval(
            """
            UPDATE chats SET topic_claimed_until = $3, topic_claimed_by = $4
             WHERE id = $1
               AND NOT (topic_thread_id IS NOT NULL AND topic_workspace_id IS NOT DISTINCT FROM $2)
               AND (topic_claimed_until IS NULL OR topic_claimed_until <= now())
            RETURNING id
            """,
            chat_id,
            workspace_id,
            until,
            claimed_by,
        )
        return claimed is not None

    async def release_topic_claim(self, *, chat_id: int, conn: Executor | None = None) -> None:
        await self._db(conn).execute(
            "UPDATE chats SET topic_claimed_until = NULL WHERE id = $1", chat_id
        )

    async def clear_topic(self, *, chat_id: int, conn: Executor | None = None) -> None:
        """Forget a topic Telegram no longer has; the next delivery creates a new one."""
        await self._db(conn).execute(
            """
            UPDATE chats
               SET topic_thread_id = NULL, topic_name = NULL, topic_icon = NULL,
                   topic_closed = false, topic_resolved = false, context_posted = false,
                   updated_at = now()
             WHERE id = $1
            """,
            chat_id,
        )

    async def set_topic_appearance(
        self,
        *,
        chat_id: int,
        name: str | None = None,
        icon: str | None = None,
        closed: bool | None = None,
        conn: Executor | None = None,
    ) -> None:
        await self._db(conn).execute(
            """
            UPDATE chats
               SET topic_name = coalesce($2, topic_name),
                   topic_icon = coalesce($3, topic_icon),
                   topic_closed = coalesce($4, topic_closed),
                   updated_at = now()
             WHERE id = $1
            """,
            chat_id,
            name,
            icon,
            closed,
        )

    async def mark_context_posted(self, *, chat_id: int, conn: Executor | None = None) -> None:
        await self._db(conn).execute(
            "UPDATE chats SET context_posted = true, updated_at = now() WHERE id = $1", chat_id
        )

    async def set_status(self, *, chat_id: int, status: str, conn: Executor | None = None) -> None:
        await self._db(conn).execute(
            "UPDATE chats SET status = $2, updated_at = now() WHERE id = $1", chat_id, status
        )

    async def set_owner(
        self, *, chat_id: int, agent_id: int | None, conn: Executor | None = None
    ) -> None:
        status = await self._db(conn).execute(
            "UPDATE chats SET owner_agent_id = $2, updated_at = now() WHERE id = $1",
            chat_id,
            agent_id,
        )
        if status.endswith(" 0"):
            raise NotFound(f"chat {chat_id}")

    async def set_sla(
        self,
        *,
        chat_id: int,
        priority: str,
        waiting_since: datetime | None,
        sla_deadline: datetime | None,
        reply_window_ends_at: datetime | None,
        unanswered_count: int,
        conn: Executor | None = None,
    ) -> None:
        await self._db(conn).execute(
            """
            UPDATE chats
               SET priority = $2, waiting_since = $3, sla_deadline = $4,
                   reply_window_ends_at = $5, unanswered_count = $6, updated_at = now()
             WHERE id = $1
            """,
            chat_id,
            priority,
            waiting_since,
            sla_deadline,
            reply_window_ends_at,
            unanswered_count,
        )

    async def set_priority(
        self,
        *,
        chat_id: int,
        priority: str,
        sla_deadline: datetime | None,
        live_again: bool = False,
        conn: Executor | None = None,
    ) -> None:
        """The open turn's priority and response deadline, copied for the board and /queue;
        ``live_again``: the buyer opened a new turn, so a resolved chat is live again (its
        topic reopens with the next post), in the same write."""
        await self._db(conn).execute(
            """
            UPDATE chats SET priority = $2, sla_deadline = $3, updated_at = now(),
                             resolved_at = CASE WHEN $4 THEN NULL ELSE resolved_at END
             WHERE id = $1
            """,
            chat_id,
            priority,
            sla_deadline,
            live_again,
        )

    async def list_waiting(
        self,
        *,
        seller_ids: list[int] | None = None,
        limit: int = 1000,
        conn: Executor | None = None,
    ) -> list[Chat]:
        """Open chats whose last word is the buyer's, most urgent deadline first."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_CHAT} FROM chats
             WHERE waiting_since IS NOT NULL AND status = 'open'
               AND ($1::bigint[] IS NULL OR seller_id = ANY($1::bigint[]))
             ORDER BY sla_deadline NULLS LAST, waiting_since
             LIMIT $2
            """,
            seller_ids,
            limit,
        )
        return to_records(Chat, rows)

    async def count_waiting(
        self, *, seller_ids: list[int], conn: Executor | None = None
    ) -> dict[int, int]:
        """Open chats whose last word is the buyer's, per seller (sellers with none: absent)."""
        rows = await self._db(conn).fetch(
            """
            SELECT seller_id, count(*) AS waiting FROM chats
             WHERE waiting_since IS NOT NULL AND status = 'open'
               AND seller_id = ANY($1::bigint[])
             GROUP BY seller_id
            """,
            seller_ids,
        )
        return {row["seller_id"]: row["waiting"] for row in rows}

    # ------------------------------------------------------------ per-chat sync failures

    async def sync_failures(
        self, *, seller_id: int, external_ids: list[str], conn: Executor | None = None
    ) -> dict[str, ChatSyncFailure]:
        """The failing ones among these chats (healthy chats are absent)."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_SYNC_FAILURE} FROM chats
             WHERE seller_id = $1 AND external_id = ANY($2::text[]) AND sync_failures > 0
            """,
            seller_id,
            external_ids,
        )
        return {row["external_id"]: to_record(ChatSyncFailure, row) for row in rows}

    async def record_sync_failure(
        self,
        *,
        seller_id: int,
        external_id: str,
        chat_type: str,
        status: str,
        error: str,
        conn: Executor,
    ) -> ChatSyncFailure:
        """Count one more failure (creating the chat row if it was never stored, cursor
        empty so it is read from scratch once it works); the caller sets the retry time."""
        row = await conn.fetchrow(
            f"""
            INSERT INTO chats (seller_id, external_id, chat_type, status,
                               sync_failures, sync_error)
            VALUES ($1, $2, $3, $4, 1, $5)
            ON CONFLICT (seller_id, external_id) DO UPDATE
               SET sync_failures = chats.sync_failures + 1, sync_error = $5,
                   updated_at = now()
            RETURNING {_SYNC_FAILURE}
            """,
            seller_id,
            external_id,
            chat_type,
            status,
            error,
        )
        assert row is not None
        return to_record(ChatSyncFailure, row)

    async def set_sync_retry(
        self, *, chat_id: int, retry_at: datetime, reported: bool, conn: Executor
    ) -> None:
        await conn.execute(
            """
            UPDATE chats SET sync_retry_at = $2, sync_reported = sync_reported OR $3
             WHERE id = $1
            """,
            chat_id,
            retry_at,
            reported,
        )

    async def clear_sync_failure(self, *, chat_id: int, conn: Executor) -> bool | None:
        """Forget the chat's failures; None if it had none, else whether they were reported."""
        return await conn.fetchval(
            """
            UPDATE chats c
               SET sync_failures = 0, sync_retry_at = NULL, sync_error = NULL,
                   sync_reported = false
              FROM (SELECT id, sync_reported FROM chats WHERE id = $1 FOR UPDATE) old
             WHERE c.id = old.id AND c.sync_failures > 0
            RETURNING old.sync_reported
            """,
            chat_id,
        )

    # ------------------------------------------------------------ resolving (issue 15)

    async def mark_resolved(self, *, chat_id: int, at: datetime, conn: Executor) -> bool:
        """The chat is done without a reply: it leaves the queue. False when it already was
        resolved (the caller holds the row lock, so two presses cannot both win)."""
        status = await conn.execute(
            """
            UPDATE chats
               SET resolved_at = $2, waiting_since = NULL, unanswered_count = 0,
                   sla_deadline = NULL, updated_at = now()
             WHERE id = $1 AND resolved_at IS NULL
            """,
            chat_id,
            at,
        )
        return not status.endswith(" 0")

    async def set_topic_resolved(
        self, *, chat_id: int, resolved: bool, conn: Executor | None = None
    ) -> None:
        """Whether the topic's name in Telegram carries the ✅ (recorded right after the
        rename, so a retry does not rename again)."""
        await self._db(conn).execute(
            "UPDATE chats SET topic_resolved = $2, updated_at = now() WHERE id = $1",
            chat_id,
            resolved,
        )

    async def idle_to_resolve(
        self, *, now: datetime, limit: int = 200, conn: Executor | None = None
    ) -> list[Chat]:
        """Chats with a topic, not resolved, of active shops with an idle limit, whose last
        message (either side; else creation) is older than that many days."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {columns(Chat, "c.")} FROM chats c
              JOIN sellers s ON s.id = c.seller_id
              JOIN workspaces w ON w.id = c.topic_workspace_id AND w.state = 'active'
             WHERE s.idle_close_days IS NOT NULL AND s.state IN ('active', 'failing')
               AND c.resolved_at IS NULL AND c.topic_thread_id IS NOT NULL
               AND coalesce(greatest(c.last_message_at, c.last_buyer_message_at,
                                     c.last_seller_message_at), c.created_at)
                   <= $1::timestamptz - make_interval(days => s.idle_close_days)
             ORDER BY c.id
             LIMIT $2
            """,
            now,
            limit,
        )
        return to_records(Chat, rows)
