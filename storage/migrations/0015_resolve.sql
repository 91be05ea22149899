-- Resolve and reopen (issue 15): a chat closed without a reply (/done, the button on an SLA
-- notice, or idle for the shop's number of days) records its open turn as 'resolved' (the
-- moment of resolving is answered_at); the buyer's next message reopens the topic.
ALTER TABLE buyer_turns DROP CONSTRAINT buyer_turns_answered_via_check;
ALTER TABLE buyer_turns ADD CONSTRAINT buyer_turns_answered_via_check
    CHECK (answered_via IN ('bot', 'cabinet', 'auto', 'resolved'));
-- An automatic reply went out but does not count as a person's answer (the shop's /ai
-- setting): the turn stays open at low priority, never warned or escalated.
ALTER TABLE buyer_turns ADD COLUMN auto_answered_at timestamptz;
-- resolved_at: when the chat was resolved (cleared by the buyer's next turn);
-- topic_resolved: the topic's name carries the ✅ in Telegram (topic_name stays without it).
ALTER TABLE chats ADD COLUMN resolved_at timestamptz;
ALTER TABLE chats ADD COLUMN topic_resolved boolean NOT NULL DEFAULT false;
-- auto_reply_counts: an automatic reply stops the SLA clock like a person's (default no);
-- idle_close_days: resolve chats with no activity for this many days (NULL: never).
ALTER TABLE sellers ADD COLUMN auto_reply_counts boolean NOT NULL DEFAULT false;
ALTER TABLE sellers ADD COLUMN idle_close_days integer
    CHECK (idle_close_days IS NULL OR idle_close_days BETWEEN 1 AND 365);
