"""Texts of handing a chat over (/assign, an admin's take-over, the agent buttons) and the
duration part added with them."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    # bot.sla.format.duration: days and hours together («2 дня 3 ч»); see "dur.day".
    "dur.day_hour": {
        "ru": "{d} {d:plural:день|дня|дней} {h} ч",
        "en": "{d} {d:plural:day|days} {h} h",
    },
}
