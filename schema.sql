-- AgentIQ Chat Center: the full current database schema, for readers and DBAs.
--
-- This file is documentation, kept identical in effect to what the numbered migrations in
-- storage/migrations/ produce (tests/storage/test_schema_file.py compares the two through
-- the PostgreSQL catalog). The program never executes it: it applies the migrations.
-- When you add a migration, update this file to show the resulting schema.


-- People who talk to the bot (agents, admins, owners). Roles live per workspace.
CREATE TABLE agents (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tg_user_id   bigint NOT NULL UNIQUE,
    display_name text   NOT NULL DEFAULT '',
    username     text,
    locale       text   CHECK (locale IN ('ru', 'en')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz
);

-- A bound Telegram forum supergroup. Data is kept when the bot is removed (state 'detached');
-- 'pending' is a group the bot knows that has not passed /setup yet (not a forum, no rights).
CREATE TABLE workspaces (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tg_chat_id             bigint NOT NULL UNIQUE,
    title                  text   NOT NULL DEFAULT '',
    state                  text   NOT NULL DEFAULT 'active'
                           CHECK (state IN ('pending', 'active', 'detached')),
    locale                 text   NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
    mark_read_in_marketplace boolean NOT NULL DEFAULT true,
    queue_board_message_id bigint,
    queue_board_hash       text,
    queue_board_edited_at  timestamptz,
    bound_by_tg_user_id    bigint,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Who may do what in a workspace. 'admin' is refreshed from Telegram's administrator list
-- (role_checked_at is the cache stamp); can_reply lets admins decide who answers buyers.
CREATE TABLE workspace_members (
    workspace_id    bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_id        bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    role            text   NOT NULL DEFAULT 'agent' CHECK (role IN ('admin', 'agent')),
    can_reply       boolean NOT NULL DEFAULT true,
    role_checked_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    left_at         timestamptz,  -- Telegram reported them gone; the row (and can_reply) stays
    can_send        boolean NOT NULL DEFAULT true,  -- false: restricted without can_send_messages
    PRIMARY KEY (workspace_id, agent_id)
);
CREATE INDEX workspace_members_agent_idx ON workspace_members (agent_id);

-- A marketplace account. The API key is a Fernet token (MultiFernet, rotatable); the
-- plaintext key never touches the database.
CREATE TABLE sellers (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint NOT NULL REFERENCES workspaces (id) ON DELETE RESTRICT,
    marketplace       text   NOT NULL CHECK (marketplace IN ('ozon', 'wildberries', 'ym')),
    name              text   NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    client_id         text   NOT NULL,
    api_key_encrypted bytea,
    state             text   NOT NULL DEFAULT 'active'
                      CHECK (state IN ('active', 'paused', 'failing', 'removed')),
    state_reason      text,
    ai_instructions   text   NOT NULL DEFAULT '',
    ai_tone           text   NOT NULL DEFAULT '',
    auto_reply_enabled boolean NOT NULL DEFAULT false,
    auto_reply_intents text[] NOT NULL DEFAULT '{}',
    business_hours_enabled boolean NOT NULL DEFAULT false,
    timezone          text   NOT NULL DEFAULT 'Europe/Moscow',
    work_days         smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
    work_start        time   NOT NULL DEFAULT '09:00',
    work_end          time   NOT NULL DEFAULT '21:00',
    created_by_tg_user_id bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    removed_at        timestamptz,
    push_token_hash   text UNIQUE,  -- SHA-256 of the secret in the seller's push URL
    push_token_encrypted bytea,     -- the same token, Fernet-encrypted, to show in /sellers
    -- an automatic reply stops the SLA clock like a person's (/ai; default: it does not)
    auto_reply_counts boolean NOT NULL DEFAULT false,
    -- chats with no activity for this many days are resolved by the SLA tick (NULL: never)
    idle_close_days   integer CHECK (idle_close_days IS NULL OR idle_close_days BETWEEN 1 AND 365),
    UNIQUE (marketplace, client_id),
    CHECK (work_start < work_end),
    CONSTRAINT sellers_removed_key_check CHECK (state = 'removed' OR api_key_encrypted IS NOT NULL)
);
CREATE INDEX sellers_workspace_idx ON sellers (workspace_id);

-- Poll bookkeeping, one row per seller. health_notice is the last health state announced in
-- the workspace so that a failing seller produces one notice, not one per poll.
CREATE TABLE sync_state (
    seller_id            bigint PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
    cursor               text,
    last_attempt_at      timestamptz,
    last_success_at      timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    last_error           text,
    next_attempt_at      timestamptz,
    full_scan_at         timestamptz,
    initial_sync_done_at timestamptz,
    health_notice        text NOT NULL DEFAULT 'ok' CHECK (health_notice IN ('ok', 'failing')),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- A buyer conversation mirrored into one forum topic of the seller's workspace.
CREATE TABLE chats (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seller_id              bigint NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    external_id            text   NOT NULL,
    chat_type              text   NOT NULL DEFAULT 'BUYER_SELLER',
    status                 text   NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    buyer_external_id      text,
    buyer_name             text   NOT NULL DEFAULT '',
    order_number           text,
    posting_number         text,
    sku                    text,
    product_title          text,
    product_url            text,
    priority               text   NOT NULL DEFAULT 'normal'
                           CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    sla_deadline           timestamptz,
    reply_window_ends_at   timestamptz,
    waiting_since          timestamptz,
    unanswered_count       integer NOT NULL DEFAULT 0 CHECK (unanswered_count >= 0),
    last_message_external_id text,
    last_message_at        timestamptz,
    last_buyer_message_at  timestamptz,
    last_seller_message_at timestamptz,
    owner_agent_id         bigint REFERENCES agents (id) ON DELETE SET NULL,
    topic_workspace_id     bigint REFERENCES workspaces (id) ON DELETE SET NULL,
    topic_thread_id        bigint,
    topic_name             text,
    topic_icon             text,
    topic_closed           boolean NOT NULL DEFAULT false,
    context_posted         boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    -- a worker creating the topic holds this short lease instead of a row lock across HTTP
    topic_claimed_until    timestamptz,
    sync_failures          integer NOT NULL DEFAULT 0 CHECK (sync_failures >= 0),
    sync_retry_at          timestamptz,
    sync_error             text,
    sync_reported          boolean NOT NULL DEFAULT false,
    topic_claimed_by       text,  -- the instance holding topic_claimed_until
    -- marketplace-specific fields (WB reply signature, goods card id), adapter-owned
    marketplace_data       jsonb  NOT NULL DEFAULT '{}'::jsonb,
    -- resolved without a reply (/done, idle): cleared when the buyer opens a new turn
    resolved_at            timestamptz,
    -- the topic's name carries the ✅ in Telegram (topic_name is kept without it)
    topic_resolved         boolean NOT NULL DEFAULT false,
    UNIQUE (seller_id, external_id),
    UNIQUE (topic_workspace_id, topic_thread_id)
);
-- The SLA tick and the queue board read waiting chats by deadline.
CREATE INDEX chats_waiting_idx ON chats (sla_deadline) WHERE waiting_since IS NOT NULL;
CREATE INDEX chats_owner_idx ON chats (owner_agent_id) WHERE owner_agent_id IS NOT NULL;
CREATE INDEX chats_sync_failing_idx ON chats (seller_id) WHERE sync_failures > 0;

-- A buyer turn: consecutive buyer messages answered by one seller reply. It carries the
-- priority and deadlines decided when it opened, and which SLA notices were already sent,
-- so reports come from stored events and every notice fires once per turn.
CREATE TABLE buyer_turns (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id             bigint NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    kind                text   NOT NULL CHECK (kind IN ('first', 'next')),
    started_at          timestamptz NOT NULL,
    priority            text   NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    matched_rule_id     bigint,
    deadline            timestamptz,
    hard_deadline       timestamptz,
    buyer_message_count integer NOT NULL DEFAULT 1 CHECK (buyer_message_count >= 1),
    answered_at         timestamptz,
    answered_via        text CHECK (answered_via IN ('bot', 'cabinet', 'auto', 'resolved')),
    answered_by_agent_id bigint REFERENCES agents (id) ON DELETE SET NULL,
    warned_at           timestamptz,
    escalated_at        timestamptz,
    hard_breached_at    timestamptz,
    -- an automatic reply that does not count as an answer: open at low priority, unwarned
    auto_answered_at    timestamptz,
    -- The stored message that carried the turn's header and the Telegram post of its
    -- [✋ Взять] keyboard (later messages of the turn are plain posts).
    header_message_id    bigint,
    header_tg_message_id bigint,
    CHECK ((answered_at IS NULL) = (answered_via IS NULL))
);
-- At most one open turn per chat.
CREATE UNIQUE INDEX buyer_turns_open_idx ON buyer_turns (chat_id) WHERE answered_at IS NULL;
CREATE INDEX buyer_turns_started_idx ON buyer_turns (started_at);

-- Every message of a mirrored chat, either direction, stored once per marketplace id.
-- Replies sent through the bot get their marketplace id when history shows them.
CREATE TABLE messages (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id            bigint NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    external_id        text   NOT NULL,
    direction          text   NOT NULL CHECK (direction IN ('in', 'out')),
    author_type        text   NOT NULL
                       CHECK (author_type IN ('customer', 'seller', 'support', 'system',
                                              'courier', 'crm', 'chatbot', 'unknown')),
    author_external_id text,
    source             text   NOT NULL DEFAULT 'marketplace'
                       CHECK (source IN ('marketplace', 'bot', 'cabinet')),
    agent_id           bigint REFERENCES agents (id) ON DELETE SET NULL,
    turn_id            bigint REFERENCES buyer_turns (id) ON DELETE SET NULL,
    text               text   NOT NULL DEFAULT '',
    attachments        jsonb  NOT NULL DEFAULT '[]'::jsonb,
    sent_at            timestamptz NOT NULL,
    tg_message_id      bigint,
    created_at         timestamptz NOT NULL DEFAULT now(),
    unreadable         boolean NOT NULL DEFAULT false,
    UNIQUE (chat_id, external_id)
);
CREATE INDEX messages_chat_sent_idx ON messages (chat_id, sent_at);
-- Grounding drafts on the seller's own earlier answers (full-text search).
CREATE INDEX messages_answers_fts_idx ON messages
    USING gin (to_tsvector('russian', text)) WHERE direction = 'out';
-- /find: every message, either direction (0016).
CREATE INDEX messages_text_fts_idx ON messages USING gin (to_tsvector('russian', text));

-- Durable queue toward Telegram. One row per unit of work (a buyer message to post, a topic
-- to create or rename, a notice, a queue-board edit). Lower priority numbers go first:
-- buyer content before drafts, drafts before notices, notices before cosmetic edits.
-- dedup_key makes enqueueing idempotent; lease_until lets a crashed worker's rows return.
CREATE TABLE tg_outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    chat_id       bigint REFERENCES chats (id) ON DELETE CASCADE,
    message_id    bigint REFERENCES messages (id) ON DELETE CASCADE,
    kind          text   NOT NULL,
    priority      smallint NOT NULL DEFAULT 50,
    payload       jsonb  NOT NULL DEFAULT '{}'::jsonb,
    dedup_key     text   UNIQUE,
    status        text   NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'done', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    not_before    timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    last_error    text,
    result        jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    done_at       timestamptz,
    claimed_by    text  -- the instance holding lease_until (instances, 0004)
);
CREATE INDEX tg_outbox_ready_idx ON tg_outbox (workspace_id, priority, id)
    WHERE status = 'pending';
-- only the oldest pending content row of a chat is claimable (posts keep the buyer's order)
CREATE INDEX tg_outbox_chat_content_idx ON tg_outbox (chat_id, id)
    WHERE status = 'pending' AND kind IN ('buyer_message', 'cabinet_reply');

-- AI reply drafts and their fate, for the accept-rate report.
CREATE TABLE ai_suggestions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id           bigint NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    turn_id           bigint REFERENCES buyer_turns (id) ON DELETE SET NULL,
    text              text   NOT NULL,
    source            text   NOT NULL CHECK (source IN ('llm', 'template')),
    model             text   NOT NULL DEFAULT '',
    intent            text,
    latency_ms        integer CHECK (latency_ms >= 0),
    guardrail_findings jsonb NOT NULL DEFAULT '[]'::jsonb,
    outcome           text   NOT NULL DEFAULT 'pending'
                      CHECK (outcome IN ('pending', 'sent', 'edited', 'regenerated',
                                         'dismissed', 'ignored', 'auto_sent')),
    tg_message_id     bigint,
    decided_by_agent_id bigint REFERENCES agents (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    decided_at        timestamptz,
    -- 0003: one draft per burst of a turn, the regeneration chain, the Edit prompt, a
    -- scheduled automatic send, and why a template stood in for the model.
    buyer_message_count    integer CHECK (buyer_message_count >= 1),
    regenerated_from       bigint REFERENCES ai_suggestions (id) ON DELETE SET NULL,
    edit_prompt_message_id bigint,
    auto_send_at           timestamptz,
    fallback_reason        text
);
CREATE INDEX ai_suggestions_chat_idx ON ai_suggestions (chat_id, created_at);
CREATE INDEX ai_suggestions_created_idx ON ai_suggestions (created_at);
CREATE UNIQUE INDEX ai_suggestions_burst_idx ON ai_suggestions (turn_id, buyer_message_count)
    WHERE regenerated_from IS NULL;
CREATE UNIQUE INDEX ai_suggestions_successor_idx ON ai_suggestions (regenerated_from)
    WHERE regenerated_from IS NOT NULL;
CREATE INDEX ai_suggestions_auto_idx ON ai_suggestions (auto_send_at)
    WHERE outcome = 'pending' AND auto_send_at IS NOT NULL;

-- Durable queue toward the marketplace: agents' replies, sent drafts and auto-replies.
-- idempotency_key (e.g. the agent's Telegram message, or the draft) makes a double submit
-- one row; status 'sending' survives a crash so the outcome is checked before a resend.
-- One chat's rows go out one at a time in id order (its head row only); a file that cannot
-- be verified after an unknown outcome waits as 'unverified' until a person decides.
CREATE TABLE reply_outbox (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id           bigint NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    idempotency_key   text   NOT NULL UNIQUE,
    origin            text   NOT NULL CHECK (origin IN ('agent', 'draft', 'auto')),
    agent_id          bigint REFERENCES agents (id) ON DELETE SET NULL,
    suggestion_id     bigint REFERENCES ai_suggestions (id) ON DELETE SET NULL,
    tg_chat_id        bigint,
    tg_message_id     bigint,
    kind              text   NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'file')),
    text              text   NOT NULL DEFAULT '',
    file              jsonb,
    status            text   NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sending', 'unverified', 'sent', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    not_before        timestamptz NOT NULL DEFAULT now(),
    lease_until       timestamptz,
    error_code        text,
    error_detail      text,
    marketplace_message_id text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz,
    attempt_started_at timestamptz,
    claimed_by        text,  -- the instance holding lease_until (instances, 0004)
    filled            boolean NOT NULL DEFAULT false,  -- template variables filled (0014)
    CHECK (kind = 'file' OR length(text) > 0)
);
CREATE INDEX reply_outbox_open_idx ON reply_outbox (chat_id, id)
    WHERE status IN ('pending', 'sending', 'unverified');
CREATE INDEX reply_outbox_chat_idx ON reply_outbox (chat_id);

-- Ordered priority rules per seller; the first enabled match decides.
CREATE TABLE sla_rules (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seller_id  bigint NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    kind       text    NOT NULL
               CHECK (kind IN ('keyword', 'regex', 'first_message', 'has_order', 'no_order',
                               'unanswered_at_least', 'outside_hours')),
    pattern    text,
    threshold  integer,
    priority   text    NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    enabled    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (seller_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    CHECK (kind NOT IN ('keyword', 'regex') OR coalesce(length(pattern), 0) > 0),
    CHECK (kind <> 'unanswered_at_least' OR coalesce(threshold, 0) >= 1)
);

-- Response targets per seller and priority, in minutes of (business) time.
CREATE TABLE sla_targets (
    seller_id          bigint NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    priority           text   NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    target_minutes     integer NOT NULL CHECK (target_minutes > 0),
    hard_limit_minutes integer NOT NULL CHECK (hard_limit_minutes > 0),
    PRIMARY KEY (seller_id, priority),
    CHECK (hard_limit_minutes >= target_minutes)
);

-- Who did what, when. Details never contain a key.
CREATE TABLE audit_log (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at                timestamptz NOT NULL DEFAULT now(),
    actor_tg_user_id  bigint NOT NULL,
    action            text   NOT NULL,
    workspace_id      bigint REFERENCES workspaces (id) ON DELETE SET NULL,
    seller_id         bigint REFERENCES sellers (id) ON DELETE SET NULL,
    details           jsonb  NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- An agent's own reply that a warning guardrail holds until the agent confirms it (0003).
CREATE TABLE held_replies (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    chat_id           bigint NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    agent_id          bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    tg_chat_id        bigint NOT NULL,
    tg_message_id     bigint NOT NULL,
    text              text   NOT NULL DEFAULT '',
    file              jsonb,
    suggestion_id     bigint REFERENCES ai_suggestions (id) ON DELETE SET NULL,
    findings          jsonb  NOT NULL DEFAULT '[]'::jsonb,
    status            text   NOT NULL DEFAULT 'held'
                      CHECK (status IN ('held', 'confirmed', 'cancelled')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    decided_at        timestamptz,
    filled            boolean NOT NULL DEFAULT false,  -- template variables filled (0014)
    UNIQUE (tg_chat_id, tg_message_id)
);

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

-- A seller's poll runs on one instance at a time: the poller holds the seller's lease row
-- (held_by an instance id, renewed while it polls). A lease is free when released (NULL),
-- expired, or held by an instance without a live lock. rerun asks the holder to poll once
-- more when it finishes (a push arrived meanwhile); polled_at is when the last poll ended.
CREATE TABLE seller_leases (
    seller_id   bigint PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
    held_by     text,
    lease_until timestamptz,
    rerun       boolean NOT NULL DEFAULT false,
    polled_at   timestamptz
);

-- Telegram's budget spent from one place whatever the number of instances: per scope (a
-- group's Telegram chat id, or 0 for the bot as a whole) the times of the units spent
-- within its window, updated atomically by each send.
CREATE TABLE tg_budget (
    scope bigint PRIMARY KEY,
    spent timestamptz[] NOT NULL DEFAULT '{}'
);

-- Push notifications (Ozon, Yandex Market), stored before they are answered and processed
-- after, by whichever instance claims them (0013). Ids only, never a payload's text.
CREATE TABLE push_inbox (
    id           bigserial PRIMARY KEY,
    marketplace  text NOT NULL,
    account      text NOT NULL,
    kind         text NOT NULL,
    chat_id      text NOT NULL DEFAULT '',
    event_key    text NOT NULL DEFAULT '',
    seller_id    bigint NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    not_before   timestamptz NOT NULL DEFAULT now(),
    claimed_by   text,
    lease_until  timestamptz,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    last_error   text,
    UNIQUE (marketplace, account, kind, chat_id, event_key)
);
CREATE INDEX push_inbox_pending ON push_inbox (not_before, id) WHERE status = 'pending';
CREATE INDEX push_inbox_seller_received ON push_inbox (seller_id, received_at DESC);
CREATE INDEX push_inbox_processed ON push_inbox (processed_at) WHERE status <> 'pending';

-- The weekly digest of a workspace (0016): when it is posted (weekday 1 = Monday, local time
-- in timezone; NULL timezone = the zone of the workspace's first shop) and the local date of
-- the last one sent, so each week's digest goes out once. No row means on, Monday 09:00.
CREATE TABLE workspace_digests (
    workspace_id bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    enabled      boolean  NOT NULL DEFAULT true,
    weekday      smallint NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 1 AND 7),
    send_at      time     NOT NULL DEFAULT '09:00',
    timezone     text,
    last_sent_on date,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A command waiting for the shop it is about (0018): the "which shop?" buttons carry only
-- this row's id; pressing one reads the command's words here and deletes the row.
CREATE TABLE pending_commands (
    id          bigserial PRIMARY KEY,
    tg_user_id  bigint NOT NULL,
    command     text NOT NULL,
    args        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_commands_created ON pending_commands (created_at);

-- Canned replies (0014): per shop (seller_id) or for the whole group (NULL), with at most one
-- attachment kept as the Telegram file_id of the admin's upload; inserted via inline mode.
CREATE TABLE canned_replies (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    seller_id    bigint REFERENCES sellers (id) ON DELETE CASCADE,
    name         text   NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    body         text   NOT NULL DEFAULT '',
    file_kind    text   CHECK (file_kind IN ('photo', 'document')),
    file_id      text,
    file_name    text,
    created_by   bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((file_kind IS NULL) = (file_id IS NULL)),
    CHECK (file_id IS NOT NULL OR length(body) > 0)
);
CREATE UNIQUE INDEX canned_replies_name_idx
    ON canned_replies (workspace_id, COALESCE(seller_id, 0), lower(name));
