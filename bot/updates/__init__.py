"""Telegram → the product: updates stored durably before their offset is confirmed, then
processed from the table, one chat (topic) at a time in Telegram order."""
