-- /find: full-text search over every message of a chat, buyer's and agents' alike, with
-- Russian stemming ("доставкой" finds "доставка"). The older partial index (seller answers
-- only) stays for grounding drafts, where the planner prefers the smaller one.
CREATE INDEX messages_text_fts_idx ON messages USING gin (to_tsvector('russian', text));

-- The weekly digest of a workspace: when it is posted (weekday 1 = Monday, local time in
-- timezone; NULL timezone = the zone of the workspace's first shop) and the local date of
-- the last one sent, so each week's digest goes out once, across restarts and instances.
-- No row means the defaults: on, Monday 09:00.
CREATE TABLE workspace_digests (
    workspace_id bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    enabled      boolean  NOT NULL DEFAULT true,
    weekday      smallint NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 1 AND 7),
    send_at      time     NOT NULL DEFAULT '09:00',
    timezone     text,
    last_sent_on date,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
