-- A turn's header («👤 Покупатель», the SLA line, [✋ Взять]) is posted once, on its first
-- buyer message; the turn remembers which stored message carried it and the Telegram post
-- whose keyboard shows the owner, so later messages of the turn are plain posts and a take
-- or release edits that one keyboard. No foreign key to messages: the two tables already
-- point the other way (messages.turn_id), and a lost message only means a new header.
ALTER TABLE buyer_turns
    ADD COLUMN header_message_id    bigint,
    ADD COLUMN header_tg_message_id bigint;
