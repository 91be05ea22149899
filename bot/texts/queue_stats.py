"""Texts of /queue's filters and buttons and of the /stats chart and caption (issue 16):
what a filter showed and how many wait in all, the filter names in each language, the
chart's axes, legend and empty priorities."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    # Durations and time left (bot.sla.format), shared by the board, /queue and notices.
    "dur.days": {"ru": "{d} {d:plural:день|дня|дней}", "en": "{d} {d:plural:day|days}"},
    "sla.left_under": {"ru": "осталось меньше {step}", "en": "under {step} left"},
    "sla.overdue_under": {
        "ru": "просрочен меньше чем на {step}",
        "en": "overdue by under {step}",
    },
    # /queue: the filters as shown (titles, buttons, the list after an unknown word).
    "queue.view.all": {"ru": "Все", "en": "All"},
    "queue.view.urgent": {"ru": "Срочные", "en": "Urgent"},
    "queue.view.overdue": {"ru": "Просроченные", "en": "Overdue"},
    "queue.view.unclaimed": {"ru": "Без ответственного", "en": "Unclaimed"},
    "queue.view.mine": {"ru": "Мои", "en": "Mine"},
    "queue.view.seller": {"ru": "«{shop}»", "en": "“{shop}”"},
    "queue.button.current": {"ru": "✓ {label}", "en": "✓ {label}"},
    "queue.title_view": {
        "ru": "📋 {view}: {count} · всего ждут ответа: {total}",
        "en": "📋 {view}: {count} · waiting in all: {total}",
    },
    "queue.total": {
        "ru": (
            "Всего {total:plural:ждёт|ждут|ждут} ответа {total} {total:plural:чат|чата|чатов}."
        ),
        "en": "In all, {total} {total:plural:chat is|chats are} waiting for an answer.",
    },
    "queue.none.urgent": {"ru": "Срочных чатов нет.", "en": "No urgent chats."},
    "queue.none.overdue": {"ru": "Просроченных чатов нет.", "en": "No overdue chats."},
    "queue.none.unclaimed": {
        "ru": "Чатов без ответственного нет: все ждущие кто-то ведёт.",
        "en": "No unclaimed chats: someone owns every waiting one.",
    },
    "queue.none.mine": {
        "ru": "Вы не ведёте ни одного ждущего чата.",
        "en": "You own none of the waiting chats.",
    },
    "queue.none.seller": {
        "ru": "В магазине «{shop}» никто не ждёт ответа.",
        "en": "Nobody is waiting in “{shop}”.",
    },
    "queue.unknown": {
        "ru": "Не знаю фильтра «{word}». Есть такие: {views}.",
        "en": "I don't know the filter “{word}”. There are: {views}.",
    },
    "queue.unknown.shops": {
        "ru": "Или название магазина: {shops}.",
        "en": "Or a shop's name: {shops}.",
    },
    "queue.unknown.guess": {"ru": "Может быть, «{guess}»?", "en": "Did you mean “{guess}”?"},
    "queue.button_stale": {
        "ru": "Этот список устарел, отправьте /queue ещё раз.",
        "en": "This list is out of date, send /queue again.",
    },
    # /stats text.
    "stats.more": {"ru": "…и ещё {count}", "en": "…and {count} more"},
    "stats.prio_name.urgent": {"ru": "🔴 Срочные", "en": "🔴 Urgent"},
    "stats.prio_name.high": {"ru": "🟠 Высокий приоритет", "en": "🟠 High priority"},
    "stats.prio_name.normal": {"ru": "🟢 Обычные", "en": "🟢 Normal"},
    "stats.prio_name.low": {"ru": "⚪ Низкий приоритет", "en": "⚪ Low priority"},
    # /stats chart (plain text: matplotlib draws it as it is).
    "chart.prio.urgent": {"ru": "срочный", "en": "urgent"},
    "chart.prio.high": {"ru": "высокий", "en": "high"},
    "chart.prio.normal": {"ru": "обычный", "en": "normal"},
    "chart.prio.low": {"ru": "низкий", "en": "low"},
    "chart.no_chats": {"ru": "нет чатов", "en": "no chats"},
    "chart.daily": {"ru": "В срок по дням, %", "en": "In time per day, %"},
    "chart.no_days": {
        "ru": "За эти дни нет решённых обращений",
        "en": "No decided turns on these days",
    },
    "chart.unit.min": {"ru": "{n} мин", "en": "{n} min"},
    "chart.unit.hour": {"ru": "{n} ч", "en": "{n} h"},
    "chart.unit.day": {"ru": "{n} сут", "en": "{n} d"},
    "chart.bucket.first": {"ru": "до {edge}", "en": "under {edge}"},
    "chart.bucket.last": {"ru": "больше {edge}", "en": "over {edge}"},
}
