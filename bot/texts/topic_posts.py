"""Texts of the buyer topic's controls and order context (issue 16: quiet topics, live
controls, what the order is about)."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    # The Take button once someone owns the chat (the owner's press releases it).
    "topic.take.owned": {
        "ru": "✋ Ведёт {agent} · отпустить",
        "en": "✋ {agent} has it · release",
    },
    # Someone else pressed it: who owns the chat, and who may change that.
    "topic.take.owned_by": {
        "ru": "Чат ведёт {agent}. Забрать его может администратор группы.",
        "en": "{agent} owns this chat. A group admin can take it over.",
    },
    # The owner pressed their own button: the chat is free again.
    "topic.take.released": {"ru": "Чат свободен", "en": "The chat is free"},
}
