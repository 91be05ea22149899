"""Everything the bot says, in Russian (default) and English.

Kept as data so wording is reviewed in one place and a missing translation is caught by
a test rather than by a user.
"""

from __future__ import annotations

from typing import Literal

Locale = Literal["ru", "en"]

TEXTS: dict[str, dict[Locale, str]] = {
    "start": {
        "ru": (
            "Привет! Я переношу чаты покупателей с Ozon в темы Telegram-группы: "
            "каждый покупатель — своя тема, с заказом, черновиком ответа и таймером SLA. "
            "Ответ, написанный в теме, уходит покупателю.\n\n"
            "Как начать:\n"
            "1. Создайте группу, включите в ней «Темы» и добавьте меня администратором.\n"
            "2. Отправьте в группе /setup.\n"
            "3. Подключите магазин: /add_seller в личном чате со мной."
        ),
        "en": (
            "Hi! I bring Ozon buyer chats into a Telegram group: one topic per buyer, "
            "with the order, a reply draft and an SLA timer. A reply written in the topic "
            "goes to the buyer.\n\n"
            "To get going:\n"
            "1. Create a group, turn on Topics and add me as an administrator.\n"
            "2. Send /setup in the group.\n"
            "3. Connect a shop: /add_seller in a private chat with me."
        ),
    },
    "help": {
        "ru": (
            "/start — что я умею и как начать\n"
            "/help — эта справка\n\n"
            "Чтобы ответить покупателю, просто напишите сообщение в его теме."
        ),
        "en": (
            "/start — what I do and how to begin\n"
            "/help — this help\n\n"
            "To answer a buyer, just write a message in their topic."
        ),
    },
}


def text(key: str, locale: Locale, **values: object) -> str:
    template = TEXTS[key][locale]
    return template.format(**values) if values else template
