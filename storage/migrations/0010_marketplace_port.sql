-- A chat's marketplace-specific fields (Wildberries' reply signature and goods card id,
-- Yandex Market's business and campaign ids), written and read only through the adapter
-- layer: one document per chat instead of a column per marketplace in shared queries.
ALTER TABLE chats ADD COLUMN marketplace_data jsonb NOT NULL DEFAULT '{}'::jsonb;
