-- Telegram updates stored durably before their offset is confirmed, then processed from
-- here: one chat_key at a time in update_id order, different keys in parallel.
CREATE TABLE tg_updates (
    update_id    bigint PRIMARY KEY,
    chat_key     text   NOT NULL,
    payload      jsonb  NOT NULL,
    status       text   NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    not_before   timestamptz NOT NULL DEFAULT now(),
    claimed_by   text,
    lease_until  timestamptz,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    last_error   text
);
CREATE INDEX tg_updates_pending_idx ON tg_updates (chat_key, update_id)
    WHERE status = 'pending';

-- Running processes. Each holds a session-level advisory lock on (namespace, lock_key) for
-- its whole life on one dedicated connection; a dead process's lock vanishes with its
-- connection, so queue rows it claimed can be taken back at once.
CREATE TABLE instances (
    id         text    PRIMARY KEY,
    lock_key   integer GENERATED ALWAYS AS IDENTITY UNIQUE,
    started_at timestamptz NOT NULL DEFAULT now()
);
