"""Texts of resolving chats without a reply (/done, the notice button, the idle close) and
of the two shop settings around it (bot/sla/resolve.py, the /ai panel)."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "command.done": {
        "ru": "Закрыть чат без ответа (в теме)",
        "en": "Close this chat without a reply (in its topic)",
    },
    "command.idle_close": {
        "ru": "Закрывать чаты, где давно нет сообщений",
        "en": "Close chats that have been quiet for days",
    },
    "resolve.not_a_topic": {
        "ru": "/done закрывает чат покупателя: отправьте команду в теме этого чата.",
        "en": "/done closes a buyer's chat: send it in that chat's topic.",
    },
    "resolve.not_allowed": {
        "ru": (
            "Закрыть чат могут только те, кто отвечает покупателям. "
            "Если это ошибка, напишите администратору группы."
        ),
        "en": (
            "Only people who answer buyers can close a chat. "
            "If this is a mistake, ask the group's admin."
        ),
    },
    "resolve.already": {
        "ru": "Этот чат уже закрыт. Когда покупатель напишет снова, я открою его.",
        "en": "This chat is already closed. I will reopen it when the buyer writes again.",
    },
    "resolve.done": {
        "ru": "Чат закрыт без ответа ✅",
        "en": "Chat closed without a reply ✅",
    },
    "resolve.no_rights": {
        "ru": (
            "Чат закрыт без ответа, но тему закрыть не получается: у меня нет права "
            "«Управление темами». Когда оно вернётся, я закрою тему."
        ),
        "en": (
            "The chat is closed without a reply, but I cannot close the topic: I lack the "
            "“Manage topics” right. Give it back and I will close the topic."
        ),
    },
    "resolve.button": {"ru": "✅ Ответ не нужен", "en": "✅ No reply needed"},
    "resolve.stats": {
        "ru": "Закрыто без ответа: {count}",
        "en": "Closed without a reply: {count}",
    },
    "resolve.ai_counts": {
        "ru": (
            "Автоответ считается ответом: {counts}\n"
            "Закрывать чаты без сообщений: {idle}\n"
            "<code>/idle_close {shop} 14</code> — закрывать через 14 дней, "
            "<code>/idle_close {shop} выкл</code> — не закрывать"
        ),
        "en": (
            "An auto-reply counts as an answer: {counts}\n"
            "Close chats with no messages: {idle}\n"
            "<code>/idle_close {shop} 14</code> closes them after 14 days, "
            "<code>/idle_close {shop} off</code> never"
        ),
    },
    "resolve.yes": {"ru": "да", "en": "yes"},
    "resolve.no": {
        "ru": "нет (чат ждёт в очереди, пока его не посмотрит человек)",
        "en": "no (the chat waits in the queue until a person looks)",
    },
    "resolve.idle_days": {
        "ru": "через {days} {days:plural:день|дня|дней}",
        "en": "after {days} {days:plural:day|days}",
    },
    "resolve.idle_never": {"ru": "нет", "en": "never"},
    "resolve.button.counts_on": {
        "ru": "Считать автоответ ответом",
        "en": "Count auto-replies as answers",
    },
    "resolve.button.counts_off": {
        "ru": "Не считать автоответ ответом",
        "en": "Do not count auto-replies as answers",
    },
    "resolve.no_shop": {
        "ru": "Этого магазина больше нет в группе: проверьте список в /sellers.",
        "en": "This shop is no longer in the group: see the list in /sellers.",
    },
    "resolve.idle_usage": {
        "ru": (
            "Напишите магазин и число дней: <code>/idle_close {shop} 14</code>; "
            "<code>/idle_close {shop} выкл</code> выключает. Магазины: {shops}."
        ),
        "en": (
            "Send the shop and the days: <code>/idle_close {shop} 14</code>; "
            "<code>/idle_close {shop} off</code> turns it off. Shops: {shops}."
        ),
    },
    "resolve.idle_set": {
        "ru": (
            "Готово: я буду закрывать чаты магазина «{shop}», в которых "
            "{days} {days:plural:день|дня|дней} нет сообщений."
        ),
        "en": (
            "Done: I will close the chats of “{shop}” that have no messages "
            "for {days} {days:plural:day|days}."
        ),
    },
    "resolve.idle_off": {
        "ru": "Готово: чаты магазина «{shop}» больше не закрываются сами.",
        "en": "Done: I no longer close the chats of “{shop}” myself.",
    },
}
