-- Push notifications (Ozon, Yandex Market) stored before they are answered, processed after.
-- The receiver does one insert and answers at once; whichever instance claims a row does the
-- work (fetch the message, poll the shop, escalate an arbitration) and marks it done.
-- Marketplaces send duplicates on purpose, so the natural key makes a repeat a no-op:
-- (marketplace, the seller's account on it, the push type, the chat, the message id — or
-- the event's time for a type without one). No payload text is kept: ids only.
CREATE TABLE push_inbox (
    id           bigserial PRIMARY KEY,
    marketplace  text NOT NULL,
    account      text NOT NULL,
    kind         text NOT NULL,
    chat_id      text NOT NULL DEFAULT '',
    event_key    text NOT NULL DEFAULT '',
    seller_id    bigint NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    not_before   timestamptz NOT NULL DEFAULT now(),
    claimed_by   text,
    lease_until  timestamptz,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    last_error   text,
    UNIQUE (marketplace, account, kind, chat_id, event_key)
);
CREATE INDEX push_inbox_pending ON push_inbox (not_before, id) WHERE status = 'pending';
CREATE INDEX push_inbox_seller_received ON push_inbox (seller_id, received_at DESC);
CREATE INDEX push_inbox_processed ON push_inbox (processed_at) WHERE status <> 'pending';
