"""Order statuses Yandex Market has and Ozon does not (the rest are in ``topic_posts``):
shown in the topic's context header, keys ``order.status.<OrderStatus value>``."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "order.status.awaiting_payment": {
        "ru": "📦 Заказ оформлен, но ещё не оплачен",
        "en": "📦 Order placed, not paid yet",
    },
    "order.status.partially_returned": {
        "ru": "📦 Часть заказа возвращена",
        "en": "📦 Order partially returned",
    },
    "order.status.returned": {"ru": "📦 Заказ возвращён", "en": "📦 Order returned"},
}
