-- Queue claims name the instance that holds them, so a restarted (or surviving) process
-- takes a dead process's claims back at once (instances + advisory locks, 0004) instead of
-- waiting out their lease, and never takes a live one's.
ALTER TABLE tg_outbox ADD COLUMN claimed_by text;
ALTER TABLE reply_outbox ADD COLUMN claimed_by text;
ALTER TABLE chats ADD COLUMN topic_claimed_by text;
