-- Canned replies (issue 15): templates admins keep per shop or for the whole group, inserted
-- by agents through inline mode. A template may carry one attachment (a photo or a PDF), kept
-- as the Telegram file_id the admin's upload got, so inline results can show it cached.
-- seller_id NULL means every shop of the group. Names are unique per scope, ignoring case.
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

-- A reply whose template variables the bot filled in: its receipt quotes the text the buyer
-- got, since the agent's message in the topic still shows the placeholders.
ALTER TABLE reply_outbox ADD COLUMN filled boolean NOT NULL DEFAULT false;
ALTER TABLE held_replies ADD COLUMN filled boolean NOT NULL DEFAULT false;
