"""Texts of /find: searching chats by order, SKU, buyer or words. Values are inserted
already escaped (``text()``), except the :class:`~bot.texts.Html` pieces the renderer
builds (links, the bolded snippet)."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "command.find": {
        "ru": "Найти чат: заказ, артикул, покупатель, слова",
        "en": "Find a chat: order, SKU, buyer, words",
    },
    "find.usage": {
        "ru": (
            "Что искать? Напишите после /find номер заказа или отправления, артикул, имя "
            "покупателя или слова из переписки, например: <code>/find доставка</code>"
        ),
        "en": (
            "What should I look for? Put an order or posting number, a SKU, a buyer's name "
            "or words from the chat after /find, e.g. <code>/find delivery</code>"
        ),
    },
    "find.too_long": {
        "ru": (
            "Запрос слишком длинный: можно {limit} "
            "{limit:plural:символ|символа|символов}, не длиннее."
        ),
        "en": "The query is too long: {limit} {limit:plural:character|characters} at most.",
    },
    "find.forbidden": {
        "ru": (
            "Искать по чатам могут сотрудники группы, а в личке со мной — администраторы "
            "её магазинов."
        ),
        "en": "Group members may search its chats; in a private chat with me, its admins.",
    },
    "find.nothing": {
        "ru": (
            "По запросу «{query}» ничего не нашёл: ни заказа, ни артикула, ни покупателя, "
            "ни таких слов в переписке."
        ),
        "en": (
            "Nothing found for “{query}”: no such order, SKU or buyer, and no such words "
            "in the chats."
        ),
    },
    "find.head": {
        "ru": (
            "🔎 «{query}»: {total:plural:нашёлся|нашлись|нашлось} {total} "
            "{total:plural:чат|чата|чатов}"
        ),
        "en": "🔎 “{query}”: {total} {total:plural:chat|chats} found",
    },
    "find.row": {"ru": "{n}. {title}", "en": "{n}. {title}"},
    "find.title": {"ru": "{shop} · {buyer}", "en": "{shop} · {buyer}"},
    "find.buyer_unknown": {"ru": "покупатель", "en": "buyer"},
    "find.order": {"ru": "заказ {order}", "en": "order {order}"},
    "find.posting": {"ru": "отправление {posting}", "en": "posting {posting}"},
    "find.sku": {"ru": "арт. {sku}", "en": "SKU {sku}"},
    "find.details": {"ru": "   {details}", "en": "   {details}"},
    "find.snippet": {"ru": "   «{snippet}»", "en": "   “{snippet}”"},
    "find.note": {"ru": "   🙈 {author}: {note}", "en": "   🙈 {author}: {note}"},
    "find.note_anonymous": {"ru": "   🙈 {note}", "en": "   🙈 {note}"},
    "find.more": {
        "ru": "…и ещё {count}: уточните запрос, чтобы увидеть их",
        "en": "…and {count} more: narrow the query to see them",
    },
}
