-- Yandex Market sellers (issue 14): marketplace code 'ym'; client_id holds the cabinet's
-- businessId. Chat fields of YM (store, order, return, buyer public id, arbitration) live in
-- chats.marketplace_data (0010).
ALTER TABLE sellers DROP CONSTRAINT sellers_marketplace_check;
ALTER TABLE sellers ADD CONSTRAINT sellers_marketplace_check
    CHECK (marketplace IN ('ozon', 'wildberries', 'ym'));
