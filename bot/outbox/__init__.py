"""The Telegram queue, below every feature: its kinds and payloads, the worker that
posts them within budget, forum topics, and the one loop and backoff workers share."""
