-- Security and tenancy.
-- A member Telegram reports gone keeps their row (and an admin's "forbidden") with a
-- left_at stamp instead of being deleted; can_send mirrors a restriction without
-- can_send_messages (such a member is not relayed).
ALTER TABLE workspace_members ADD COLUMN left_at timestamptz;
ALTER TABLE workspace_members ADD COLUMN can_send boolean NOT NULL DEFAULT true;

-- A seller's push URL carries a secret token: its SHA-256 (to find the seller) and the
-- token encrypted with the vault (to show it again in /sellers); never in clear.
ALTER TABLE sellers ADD COLUMN push_token_hash text UNIQUE;
ALTER TABLE sellers ADD COLUMN push_token_encrypted bytea;

-- A non-owner's /setup asks the owners: one row per group, so two racing /setup make one
-- request; a decided request can be asked again (state back to pending).
CREATE TABLE group_requests (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tg_chat_id              bigint NOT NULL UNIQUE,
    title                   text   NOT NULL DEFAULT '',
    requested_by_tg_user_id bigint NOT NULL,
    state                   text   NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by_tg_user_id   bigint,
    created_at              timestamptz NOT NULL DEFAULT now(),
    decided_at              timestamptz
);

-- Internal notes written in a topic (// …, /note …, a reply to a colleague): never sent to
-- the buyer, kept with the chat, given to the AI draft as internal context.
CREATE TABLE internal_notes (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id       bigint NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    agent_id      bigint REFERENCES agents (id) ON DELETE SET NULL,
    tg_chat_id    bigint NOT NULL,
    tg_message_id bigint NOT NULL,
    text          text   NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tg_chat_id, tg_message_id)
);
CREATE INDEX internal_notes_chat_idx ON internal_notes (chat_id, created_at);
