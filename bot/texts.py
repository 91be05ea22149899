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
    # Why a seller is failing (sellers.state_reason codes written by bot/sync/runner.py).
    "seller_reason.auth_failed": {
        "ru": (
            "Ozon не принимает ключ API (неверный или отозван). Создайте новый ключ "
            "в кабинете Ozon и замените его в боте."
        ),
        "en": (
            "Ozon rejects the API key (wrong or revoked). Create a new key in the Ozon "
            "seller cabinet and replace it in the bot."
        ),
    },
    "seller_reason.premium_required": {
        "ru": (
            "Чаты с покупателями доступны только с подпиской Premium Plus или Premium Pro. "
            "После продления бот подключится сам (проверка раз в 30 минут)."
        ),
        "en": (
            "Buyer chats need a Premium Plus or Premium Pro subscription. Once it is "
            "renewed the bot reconnects by itself (it checks every 30 minutes)."
        ),
    },
    "seller_reason.key_undecryptable": {
        "ru": (
            "Сохранённый ключ не расшифровывается текущими FERNET_KEYS. Верните прежний "
            "ключ шифрования в FERNET_KEYS или замените ключ API."
        ),
        "en": (
            "The stored key cannot be decrypted with the current FERNET_KEYS. Put the "
            "previous encryption key back into FERNET_KEYS or replace the API key."
        ),
    },
}


def text(key: str, locale: Locale, **values: object) -> str:
    template = TEXTS[key][locale]
    return template.format(**values) if values else template
