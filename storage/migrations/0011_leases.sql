-- Several instances on one database (issue 17).
-- A seller's poll runs on one instance at a time: the poller holds the seller's lease row
-- (held_by an instance id, renewed while it polls). A lease is free when released (NULL),
-- expired, or held by an instance without a live lock (instances, 0004). rerun asks the
-- holder to poll once more when it finishes (a push arrived meanwhile); polled_at is when
-- the last poll ended, so instances do not poll the same seller one after another.
CREATE TABLE seller_leases (
    seller_id   bigint PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
    held_by     text,
    lease_until timestamptz,
    rerun       boolean NOT NULL DEFAULT false,
    polled_at   timestamptz
);

-- Telegram's budget spent from one place whatever the number of instances: per scope (a
-- group's Telegram chat id, or 0 for the bot as a whole) the times of the units spent within
-- its window, updated atomically by each send.
CREATE TABLE tg_budget (
    scope bigint PRIMARY KEY,
    spent timestamptz[] NOT NULL DEFAULT '{}'
);
