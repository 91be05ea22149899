-- Agents' replies toward the marketplace, one at a time per buyer chat in queue order.
-- 'unverified': a file whose earlier attempt may have reached the buyer but cannot be told
-- apart in the chat's history; it waits (holding back the chat's later replies) until a
-- person chooses "send anyway" or "drop". attempt_started_at: when the current attempt
-- began, so a history check looks only at seller messages after it.
ALTER TABLE reply_outbox DROP CONSTRAINT reply_outbox_status_check;
ALTER TABLE reply_outbox ADD CONSTRAINT reply_outbox_status_check
    CHECK (status IN ('pending', 'sending', 'unverified', 'sent', 'failed'));
ALTER TABLE reply_outbox ADD COLUMN attempt_started_at timestamptz;
DROP INDEX reply_outbox_ready_idx;
-- The head of each chat's queue (the oldest row not final) is found through this index.
CREATE INDEX reply_outbox_open_idx ON reply_outbox (chat_id, id)
    WHERE status IN ('pending', 'sending', 'unverified');
