"""Marketplace accounts. The API key only ever passes through here encrypted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time

import asyncpg

from storage.errors import Conflict, NotFound
from storage.records import Seller
from storage.sla_defaults import DEFAULT_RULES, DEFAULT_TARGETS
from storage.sql import Executor, Repository, columns, to_record, to_records

_SELLER = columns(Seller)


async def seed_sla_defaults(conn: Executor, *, seller_id: int) -> None:
    """The default rules and targets of a new seller (inside the caller's transaction)."""
    for position, rule in enumerate(DEFAULT_RULES):
        await conn.execute(
            """
            INSERT INTO sla_rules (seller_id, position, kind, pattern, threshold, priority)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            seller_id,
            position,
            rule.kind,
            rule.pattern,
            rule.threshold,
            rule.priority,
        )
    for priority, (target, hard) in DEFAULT_TARGETS.items():
        await conn.execute(
            """
            INSERT INTO sla_targets (seller_id, priority, target_minutes, hard_limit_minutes)
            VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
            """,
            seller_id,
            priority,
            target,
            hard,
        )


class SellerRepo(Repository):
    async def create(
        self,
        *,
        workspace_id: int,
        marketplace: str,
        name: str,
        client_id: str,
        api_key_encrypted: bytes,
        created_by_tg_user_id: int | None = None,
    ) -> Seller:
        """Register a seller together with its empty sync state (one transaction)."""
        async with self._pool.acquire() as conn, conn.transaction():
            try:
                row = await conn.fetchrow(
                    f"""
                    INSERT INTO sellers (workspace_id, marketplace, name, client_id,
                                         api_key_encrypted, created_by_tg_user_id)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    RETURNING {_SELLER}
                    """,
                    workspace_id,
                    marketplace,
                    name,
                    client_id,
                    api_key_encrypted,
                    created_by_tg_user_id,
                )
            except asyncpg.UniqueViolationError:
                raise Conflict(f"{marketplace} seller {client_id} is already registered") from None
            assert row is not None
            await conn.execute("INSERT INTO sync_state (seller_id) VALUES ($1)", row["id"])
            await seed_sla_defaults(conn, seller_id=row["id"])
        return to_record(Seller, row)

    async def seed_missing_sla_defaults(self) -> int:
        """Give the defaults to sellers registered before SLA existed (no targets yet).

        Targets are never deleted, only changed, so "no targets" means "never seeded"; a
        seller whose admin removed every rule keeps an empty list. Returns sellers seeded.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            ids = await conn.fetch(
                """
                SELECT id FROM sellers s
                 WHERE NOT EXISTS (SELECT 1 FROM sla_targets t WHERE t.seller_id = s.id)
                   AND NOT EXISTS (SELECT 1 FROM sla_rules r WHERE r.seller_id = s.id)
                 FOR UPDATE
                """
            )
            for row in ids:
                await seed_sla_defaults(conn, seller_id=row["id"])
        return len(ids)

    async def get(self, *, seller_id: int, conn: Executor | None = None) -> Seller:
        row = await self._db(conn).fetchrow(
            f"SELECT {_SELLER} FROM sellers WHERE id = $1", seller_id
        )
        if row is None:
            raise NotFound(f"seller {seller_id}")
        return to_record(Seller, row)

    async def get_for_update(self, *, seller_id: int, conn: Executor) -> Seller:
        """The row locked until the caller's transaction ends (read-modify-write settings)."""
        row = await conn.fetchrow(
            f"SELECT {_SELLER} FROM sellers WHERE id = $1 FOR UPDATE", seller_id
        )
        if row is None:
            raise NotFound(f"seller {seller_id}")
        return to_record(Seller, row)

    async def find(
        self, *, marketplace: str, client_id: str, conn: Executor | None = None
    ) -> Seller | None:
        row = await self._db(conn).fetchrow(
            f"SELECT {_SELLER} FROM sellers WHERE marketplace = $1 AND client_id = $2",
            marketplace,
            client_id,
        )
        return None if row is None else to_record(Seller, row)

    async def list_all(
        self,
        *,
        workspace_id: int | None = None,
        states: Sequence[str] | None = None,
        conn: Executor | None = None,
    ) -> list[Seller]:
        """Sellers in these states; without ``states`` every one but removed (archived)
        shops, so lists, pickers and boards never show a disconnected shop."""
        rows = await self._db(conn).fetch(
            f"""
            SELECT {_SELLER} FROM sellers
             WHERE ($1::bigint IS NULL OR workspace_id = $1)
               AND (CASE WHEN $2::text[] IS NULL THEN state <> 'removed'
                         ELSE state = ANY($2::text[]) END)
             ORDER BY id
            """,
            workspace_id,
            None if states is None else list(states),
        )
        return to_records(Seller, rows)

    async def get_encrypted_key(self, *, seller_id: int, conn: Executor | None = None) -> bytes:
        value = await self._db(conn).fetchval(
            "SELECT api_key_encrypted FROM sellers WHERE id = $1", seller_id
        )
        if value is None:
            raise NotFound(f"seller {seller_id}")
        return bytes(value)

    async def replace_key(
        self, *, seller_id: int, api_key_encrypted: bytes, conn: Executor | None = None
    ) -> None:
        """New key: the seller becomes active again (the old failure was about the old key)."""
        status = await self._db(conn).execute(
            """
            UPDATE sellers
               SET api_key_encrypted = $2, state = 'active', state_reason = NULL,
                   updated_at = now()
             WHERE id = $1
            """,
            seller_id,
            api_key_encrypted,
        )
        if status.endswith(" 0"):
            raise NotFound(f"seller {seller_id}")

    async def set_state(
        self,
        *,
        seller_id: int,
        state: str,
        reason: str | None = None,
        conn: Executor | None = None,
    ) -> Seller:
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE sellers SET state = $2, state_reason = $3, updated_at = now()
             WHERE id = $1
            RETURNING {_SELLER}
            """,
            seller_id,
            state,
            reason,
        )
        if row is None:
            raise NotFound(f"seller {seller_id}")
        return to_record(Seller, row)

    async def update_ai(
        self,
        *,
        seller_id: int,
        instructions: str,
        tone: str,
        auto_reply_enabled: bool,
        auto_reply_intents: Sequence[str],
        conn: Executor | None = None,
    ) -> Seller:
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE sellers
               SET ai_instructions = $2, ai_tone = $3, auto_reply_enabled = $4,
                   auto_reply_intents = $5, updated_at = now()
             WHERE id = $1
            RETURNING {_SELLER}
            """,
            seller_id,
            instructions,
            tone,
            auto_reply_enabled,
            list(auto_reply_intents),
        )
        if row is None:
            raise NotFound(f"seller {seller_id}")
        return to_record(Seller, row)

    async def set_resolve_settings(
        self,
        *,
        seller_id: int,
        auto_reply_counts: bool,
        idle_close_days: int | None,
        conn: Executor | None = None,
    ) -> Seller:
        """Whether an automatic reply stops the SLA clock, and after how many idle days a
        chat is resolved (None: never)."""
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE sellers SET auto_reply_counts = $2, idle_close_days = $3, updated_at = now()
             WHERE id = $1
            RETURNING {_SELLER}
            """,
            seller_id,
            auto_reply_counts,
            idle_close_days,
        )
        if row is None:
            raise NotFound(f"seller {seller_id}")
        return to_record(Seller, row)

    async def update_business_hours(
        self,
        *,
        seller_id: int,
        enabled: bool,
        timezone: str,
        work_days: Sequence[int],
        work_start: time,
        work_end: time,
        conn: Executor | None = None,
    ) -> Seller:
        row = await self._db(conn).fetchrow(
            f"""
            UPDATE sellers
               SET business_hours_enabled = $2, timezone = $3, work_days = $4,
                   work_start = $5, work_end = $6, updated_at = now()
             WHERE id = $1
            RETURNING {_SELLER}
            """,
            seller_id,
            enabled,
            timezone,
            list(work_days),
            work_start,
            work_end,
        )
        if row is None:
            raise NotFound(f"seller {seller_id}")
        return to_record(Seller, row)

    async def archive(self, *, seller_id: int, conn: Executor) -> Seller:
        """Removal keeps everything the shop produced; only its key is dropped (nothing
        left to decrypt) and polling stops because the state is 'removed'."""
        row = await conn.fetchrow(
            f"""
            UPDATE sellers
               SET state = 'removed', state_reason = NULL, api_key_encrypted = NULL,
                   removed_at = now(), updated_at = now()
             WHERE id = $1
            RETURNING {_SELLER}
            """,
            seller_id,
        )
        if row is None:
            raise NotFound(f"seller {seller_id}")
        return to_record(Seller, row)

    async def reactivate(
        self, *, seller_id: int, name: str, api_key_encrypted: bytes, conn: Executor
    ) -> Seller:
        """A removed shop added again: the same row (chats, topics, cursors) with a new key.

        Its sync state restarts clean so the first poll runs at once."""
        row = await conn.fetchrow(
            f"""
            UPDATE sellers
               SET state = 'active', state_reason = NULL, api_key_encrypted = $2,
                   name = $3, removed_at = NULL, updated_at = now()
             WHERE id = $1 AND state = 'removed'
            RETURNING {_SELLER}
            """,
            seller_id,
            api_key_encrypted,
            name,
        )
        if row is None:
            raise NotFound(f"removed seller {seller_id}")
        await conn.execute(
            """
            UPDATE sync_state SET consecutive_failures = 0, next_attempt_at = NULL,
                   last_error = NULL, health_notice = 'ok', updated_at = now()
             WHERE seller_id = $1
            """,
            seller_id,
        )
        return to_record(Seller, row)

    async def fail_queued_replies(
        self, *, seller_id: int, reason: str, conn: Executor
    ) -> list[tuple[int, int | None, bool]]:
        """Refuse the shop's replies not yet known to be delivered; (chat id, agent's
        Telegram message id, whether it may have arrived) of each, so every topic can be
        told why. A reply in flight or unverified may have reached the buyer: with the key
        gone the history cannot be read, so its topic says exactly that."""
        rows = await conn.fetch(
            """
            WITH open AS (
                SELECT r.id, r.status IN ('sending', 'unverified') AS maybe_arrived
                  FROM reply_outbox r JOIN chats c ON c.id = r.chat_id
                 WHERE c.seller_id = $1 AND r.status IN ('pending', 'sending', 'unverified')
                 FOR UPDATE OF r)
            UPDATE reply_outbox r
               SET status = 'failed', error_code = $2, lease_until = NULL
              FROM open
             WHERE r.id = open.id
            RETURNING r.chat_id, r.tg_message_id, open.maybe_arrived
            """,
            seller_id,
            reason,
        )
        return [(row["chat_id"], row["tg_message_id"], row["maybe_arrived"]) for row in rows]

    async def chats_with_open_turn(self, *, seller_id: int, conn: Executor) -> list[int]:
        """Chats whose buyer is still waiting (an unanswered turn) and that have a topic."""
        rows = await conn.fetch(
            """
            SELECT DISTINCT c.id FROM chats c
              JOIN buyer_turns t ON t.chat_id = c.id AND t.answered_at IS NULL
             WHERE c.seller_id = $1 AND c.topic_thread_id IS NOT NULL
             ORDER BY c.id
            """,
            seller_id,
        )
        return [row["id"] for row in rows]

    async def delete(self, *, seller_id: int, conn: Executor | None = None) -> None:
        """Delete the row with everything under it (ON DELETE CASCADE). Not used for a shop
        an admin removes (that one is archived); only for rows nothing was mirrored for."""
        status = await self._db(conn).execute("DELETE FROM sellers WHERE id = $1", seller_id)
        if status.endswith(" 0"):
            raise NotFound(f"seller {seller_id}")

    async def reencrypt_keys(self, rotate: Callable[[bytes], bytes]) -> int:
        """Rewrite every stored key with ``rotate`` in one transaction; returns the count.

        All or nothing: if one key cannot be decrypted, nothing changes.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT id, api_key_encrypted FROM sellers"
                " WHERE api_key_encrypted IS NOT NULL FOR UPDATE"
            )
            for row in rows:
                await conn.execute(
                    "UPDATE sellers SET api_key_encrypted = $2 WHERE id = $1",
                    row["id"],
                    rotate(bytes(row["api_key_encrypted"])),
                )
        return len(rows)

    async def set_push_token(
        self,
        *,
        seller_id: int,
        token_hash: str,
        token_encrypted: bytes,
        only_if_missing: bool = False,
        conn: Executor | None = None,
    ) -> bool:
        """Store a new push token (its hash to look it up, the vault token to show it);
        the old one stops working at once. ``only_if_missing`` keeps an existing one (two
        first views at once issue one token). False when nothing was stored."""
        status = await self._db(conn).execute(
            """
            UPDATE sellers SET push_token_hash = $2, push_token_encrypted = $3
             WHERE id = $1 AND (NOT $4 OR push_token_hash IS NULL)
            """,
            seller_id,
            token_hash,
            token_encrypted,
            only_if_missing,
        )
        return not status.endswith(" 0")

    async def push_token_encrypted(
        self, *, seller_id: int, conn: Executor | None = None
    ) -> bytes | None:
        value = await self._db(conn).fetchval(
            "SELECT push_token_encrypted FROM sellers WHERE id = $1", seller_id
        )
        return None if value is None else bytes(value)

    async def find_by_push_token(
        self, *, token_hash: str, conn: Executor | None = None
    ) -> Seller | None:
        row = await self._db(conn).fetchrow(
            f"SELECT {_SELLER} FROM sellers WHERE push_token_hash = $1", token_hash
        )
        return None if row is None else to_record(Seller, row)
