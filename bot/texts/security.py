"""Texts of security and tenancy: group binding requests, /groups, internal notes, push
tokens, refusals of muted members."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "security.reply_failed.restricted": {
        "ru": (
            "⚠️ Не отправлено покупателю: в этой группе вам запрещено писать. "
            "Попросите администратора снять ограничение."
        ),
        "en": (
            "⚠️ Not sent to the buyer: you are muted in this group. "
            "Ask an admin to lift the restriction."
        ),
    },
}
