-- Sync isolation and shop archives.
-- A removed shop is archived, not deleted: its chats, messages, turns and statistics stay,
-- its key is dropped (nothing to decrypt, nothing kept in clear), and re-adding the same
-- Client-Id in the same group reactivates this row.
ALTER TABLE sellers DROP CONSTRAINT sellers_state_check;
ALTER TABLE sellers ADD CONSTRAINT sellers_state_check
    CHECK (state IN ('active', 'paused', 'failing', 'removed'));
ALTER TABLE sellers ALTER COLUMN api_key_encrypted DROP NOT NULL;
ALTER TABLE sellers ADD COLUMN removed_at timestamptz;
ALTER TABLE sellers ADD CONSTRAINT sellers_removed_key_check
    CHECK (state = 'removed' OR api_key_encrypted IS NOT NULL);

-- One chat's persistent history failure is backed off per chat, so the seller's other chats
-- keep syncing. sync_reported: the failure was announced in General (once; and once more
-- when the chat recovers).
ALTER TABLE chats
    ADD COLUMN sync_failures integer NOT NULL DEFAULT 0 CHECK (sync_failures >= 0),
    ADD COLUMN sync_retry_at timestamptz,
    ADD COLUMN sync_error    text,
    ADD COLUMN sync_reported boolean NOT NULL DEFAULT false;
CREATE INDEX chats_sync_failing_idx ON chats (seller_id) WHERE sync_failures > 0;

-- A history item Ozon sent that we could not read: stored as a placeholder in its place (so
-- order and the cursor hold) and shown in the topic as "look in the Ozon cabinet".
ALTER TABLE messages ADD COLUMN unreadable boolean NOT NULL DEFAULT false;
