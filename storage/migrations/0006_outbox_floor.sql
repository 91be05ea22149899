-- Topic creation without a row lock across HTTP: a worker claims the right to create a
-- chat's topic with a short lease, calls Telegram outside any transaction, then records
-- the topic (which clears the claim). A second worker seeing a live claim waits.
ALTER TABLE chats ADD COLUMN topic_claimed_until timestamptz;

-- Posts of one chat go out in the buyer's order: only the oldest pending content row of a
-- chat may be claimed, which this index answers.
CREATE INDEX tg_outbox_chat_content_idx ON tg_outbox (chat_id, id)
    WHERE status = 'pending' AND kind IN ('buyer_message', 'cabinet_reply');
