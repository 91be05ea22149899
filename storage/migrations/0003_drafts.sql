-- AI reply drafts: which burst of a buyer turn a draft answers (one draft per burst, even
-- across restarts), its regeneration chain, the Edit prompt it was copied into, a scheduled
-- automatic send, and why the model was not used when a template stood in.
ALTER TABLE ai_suggestions
    ADD COLUMN buyer_message_count    integer CHECK (buyer_message_count >= 1),
    ADD COLUMN regenerated_from       bigint REFERENCES ai_suggestions (id) ON DELETE SET NULL,
    ADD COLUMN edit_prompt_message_id bigint,
    ADD COLUMN auto_send_at           timestamptz,
    ADD COLUMN fallback_reason        text;
CREATE UNIQUE INDEX ai_suggestions_burst_idx ON ai_suggestions (turn_id, buyer_message_count)
    WHERE regenerated_from IS NULL;
CREATE UNIQUE INDEX ai_suggestions_successor_idx ON ai_suggestions (regenerated_from)
    WHERE regenerated_from IS NOT NULL;
CREATE INDEX ai_suggestions_auto_idx ON ai_suggestions (auto_send_at)
    WHERE outcome = 'pending' AND auto_send_at IS NOT NULL;

-- An agent's own reply that a warning guardrail holds until the agent confirms it (or
-- writes it again). One row per Telegram message; the text never leaves without a tap.
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
    UNIQUE (tg_chat_id, tg_message_id)
);
