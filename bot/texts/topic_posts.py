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
    # The topic's context header: what the order is about, where the marketplace tells it.
    "post.product_name": {"ru": "🛍 {name}", "en": "🛍 {name}"},
    "post.delivery_on": {"ru": "🚚 Доставка: {date}", "en": "🚚 Delivery: {date}"},
    "post.delivery_between": {
        "ru": "🚚 Доставка: {start} – {end}",
        "en": "🚚 Delivery: {start} – {end}",
    },
    "order.status.processing": {"ru": "📦 Заказ в обработке", "en": "📦 Order is being processed"},
    "order.status.awaiting_shipment": {
        "ru": "📦 Заказ собран и ждёт отгрузки",
        "en": "📦 Order is packed, awaiting shipment",
    },
    "order.status.delivering": {"ru": "📦 Заказ в пути", "en": "📦 Order is on its way"},
    "order.status.at_pickup_point": {
        "ru": "📦 Заказ ждёт в пункте выдачи",
        "en": "📦 Order is waiting at the pickup point",
    },
    "order.status.delivered": {"ru": "📦 Заказ доставлен", "en": "📦 Order delivered"},
    "order.status.cancelled": {"ru": "📦 Заказ отменён", "en": "📦 Order cancelled"},
    "order.status.dispute": {"ru": "📦 По заказу идёт спор", "en": "📦 Order is in dispute"},
    "order.status.other": {"ru": "📦 Статус заказа: {code}", "en": "📦 Order status: {code}"},
}
