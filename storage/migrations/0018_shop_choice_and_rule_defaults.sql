-- 1. A command waiting for its shop: an admin with several shops typed, say,
--    "/targets срочный 30м 1ч" without a shop name; the bot answers with one button per
--    shop, and the button (its callback data holds only this row's id and the shop's id)
--    finds the command's words here. A row is used once (deleted when pressed) and rows
--    older than a day are dropped whenever a new one is written.
CREATE TABLE pending_commands (
    id          bigserial PRIMARY KEY,
    tg_user_id  bigint NOT NULL,
    command     text NOT NULL,
    args        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_commands_created ON pending_commands (created_at);

-- 2. The default priority rules changed (storage/sla_defaults.py): thanks without a question
--    now comes before "first message" (so «Спасибо большое, всё отлично!» in a new chat is
--    low, not high), and a wrong colour or size counts as a wrong item (urgent). Sellers
--    whose rules are still exactly the previous defaults never chose them, so they get the
--    new ones; a seller whose list an admin changed in any way keeps it as it is.
CREATE TEMPORARY TABLE old_default_rules (position, kind, priority, pattern, threshold) AS
VALUES
    (0, 'keyword', 'urgent', 'брак, бракован, сломан, разбит, порван, поврежд, дефект, трещин, треснул, не работает, не включается, не тот товар, другой товар, перепутали, роспотребнадзор, суд, претензи, жалоб, мошенн, обман', NULL::integer),
    (1, 'keyword', 'high', 'не пришел, не пришёл, не доставили, доставк, где заказ, потерял, возврат, вернуть, верните, деньги, некомплект, не хватает, отсутствует', NULL),
    (2, 'unanswered_at_least', 'high', NULL, 3),
    (3, 'first_message', 'high', NULL, NULL),
    (4, 'regex', 'low', '^[^?]*(спасибо|благодар|вс[её] отлично)[^?]*$', NULL);

CREATE TEMPORARY TABLE new_default_rules (position, kind, priority, pattern, threshold) AS
VALUES
    (0, 'keyword', 'urgent', 'брак, бракован, сломан, разбит, порван, поврежд, дефект, трещин, треснул, не работает, не включается, не тот товар, другой товар, перепутали, не тот цвет, не того цвета, не тот размер, не того размера, цвет не тот, размер не тот, пришел друг, пришла друг, пришло друг, прислали друг, привезли друг, роспотребнадзор, суд, претензи, жалоб, мошенн, обман', NULL::integer),
    (1, 'keyword', 'high', 'не пришел, не пришёл, не доставили, доставк, где заказ, потерял, возврат, вернуть, верните, деньги, некомплект, не хватает, отсутствует', NULL),
    (2, 'unanswered_at_least', 'high', NULL, 3),
    (3, 'regex', 'low', '^[^?]*(спасибо|благодар|вс[её] отлично)[^?]*$', NULL),
    (4, 'first_message', 'high', NULL, NULL);

CREATE TEMPORARY TABLE untouched_sellers AS
SELECT r.seller_id
  FROM sla_rules r
  LEFT JOIN old_default_rules o
    ON o.position = r.position AND o.kind = r.kind AND o.priority = r.priority
   AND o.pattern IS NOT DISTINCT FROM r.pattern
   AND o.threshold IS NOT DISTINCT FROM r.threshold
 GROUP BY r.seller_id
HAVING count(*) = (SELECT count(*) FROM old_default_rules)
   AND count(o.position) = count(*)
   AND bool_and(r.enabled);

DELETE FROM sla_rules WHERE seller_id IN (SELECT seller_id FROM untouched_sellers);
INSERT INTO sla_rules (seller_id, position, kind, pattern, threshold, priority)
SELECT u.seller_id, n.position, n.kind, n.pattern, n.threshold, n.priority
  FROM untouched_sellers u CROSS JOIN new_default_rules n;

DROP TABLE untouched_sellers;
DROP TABLE new_default_rules;
DROP TABLE old_default_rules;
