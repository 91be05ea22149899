"""Texts of push notifications: self-registration with Ozon, the subscription's health as
Ozon rates it, and the Yandex Market push URL to paste in the cabinet."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "push.registered": {
        "ru": (
            "📡 Push-уведомления Ozon для «{shop}» подключены автоматически: новые сообщения "
            "покупателей будут появляться сразу, опрос остаётся подстраховкой."
        ),
        "en": (
            "📡 Ozon push notifications for “{shop}” were set up automatically: new buyer "
            "messages will show up at once, polling stays as a safety net."
        ),
    },
    "push.refused": {
        "ru": (
            "Ozon не дал подключить push-уведомления для «{shop}» автоматически (эта "
            "функция Ozon пока в бете). Вставьте адрес в кабинете вручную — кнопка ниже. "
            "Без push сообщения всё равно приходят, только с задержкой опроса."
        ),
        "en": (
            "Ozon did not let the bot set up push notifications for “{shop}” (the feature "
            "is still in beta at Ozon). Paste the URL in the cabinet by hand: the button "
            "below. Without push, messages still arrive, only at the polling delay."
        ),
    },
    "push.health.title": {"ru": "Push от Ozon: {status}", "en": "Push from Ozon: {status}"},
    "push.health.GREEN": {"ru": "🟢 работает", "en": "🟢 healthy"},
    "push.health.YELLOW": {
        "ru": "🟡 с перебоями (часть уведомлений не доходит)",
        "en": "🟡 degraded (some notifications fail)",
    },
    "push.health.RED": {
        "ru": "🔴 не работает (Ozon приостановил отправку)",
        "en": "🔴 failing (Ozon suspended sending)",
    },
    "push.health.UNKNOWN": {"ru": "⚪ неизвестно", "en": "⚪ unknown"},
    "push.health.off": {
        "ru": "⏸ выключена в кабинете Ozon",
        "en": "⏸ switched off in the Ozon cabinet",
    },
    "push.health.missing": {
        "ru": "не подключён (подписки с моим адресом нет — вставьте адрес вручную)",
        "en": "not set up (no subscription with the bot's URL; paste the URL by hand)",
    },
    "push.health.error": {
        "ru": "Ozon не ответил, в каком состоянии push",
        "en": "Ozon did not say how push is doing",
    },
    "push.health.reason": {"ru": "Причина: {reason}", "en": "Reason: {reason}"},
    # Ozon's codes for a failing receiver (its URL check uses the same words).
    "push.reason.REQUEST_ERROR": {
        "ru": "Ozon не смог со мной соединиться",
        "en": "Ozon could not connect to the bot",
    },
    "push.reason.REQUEST_TIMEOUT": {
        "ru": "я отвечал дольше 5 секунд",
        "en": "the bot took longer than 5 seconds to answer",
    },
    "push.reason.SERVER_FAULT": {
        "ru": "я ответил ошибкой сервера",
        "en": "the bot answered with a server error",
    },
    "push.reason.STATUS_CODE_NOT_OK": {
        "ru": "я ответил не кодом 200",
        "en": "the bot answered with a status other than 200",
    },
    "push.reason.EMPTY_BODY": {"ru": "мой ответ был пустым", "en": "the bot's answer was empty"},
    "push.reason.INVALID_BODY": {
        "ru": "мой ответ не в формате JSON",
        "en": "the bot's answer was not JSON",
    },
    "push.reason.INVALID_JSON": {
        "ru": "мой ответ — испорченный JSON",
        "en": "the bot's answer was broken JSON",
    },
    "push.reason.WRONG_RESULT_FIELD": {
        "ru": "в моём ответе нет нужного поля <code>result</code>",
        "en": "the bot's answer lacked the result field",
    },
    "push.reason.WRONG_RESULT_TIME_FIELD": {
        "ru": "в моём ответе на проверку неверное время",
        "en": "the bot's answer to the check had a wrong time",
    },
    "push.ym_url.text": {
        "ru": (
            "🔗 Адрес API-уведомлений кабинета «{shop}» на Яндекс Маркете — ваш HTTPS-адрес, "
            "по которому я доступен, и путь\n<code>{path}</code>\n"
            "Подключите его в кабинете: Настройки → API и модули → API-уведомления → "
            "«Подключить», область — кабинет, типы — новый чат, новое сообщение, начало и "
            "завершение спора. Это секрет; если адрес мог утечь, выпустите новый — старый "
            "сразу перестанет работать."
        ),
        "en": (
            "🔗 The API notification URL of the Yandex Market cabinet “{shop}” is your bot's "
            "HTTPS address plus the path\n<code>{path}</code>\n"
            "Connect it in the cabinet: Settings → API and modules → API notifications → "
            "Connect, scope: the cabinet, types: new chat, new message, dispute started and "
            "finished. It is a secret; if it may have leaked, issue a new one and the old one "
            "stops working at once."
        ),
    },
    "push.ym_url.rotated": {
        "ru": "Новый адрес выпущен, старый больше не работает. Замените его в кабинете Маркета.",
        "en": (
            "A new URL is issued; the old one no longer works. Replace it in the Market cabinet."
        ),
    },
    "push.reregistered": {
        "ru": "Новый адрес выпущен и уже передан Ozon; старый больше не работает.",
        "en": "A new URL is issued and already registered with Ozon; the old one no longer works.",
    },
    # ------------------------------------------------------------ Yandex Market disputes
    "ym.arbitrage.started": {
        "ru": (
            "⚖️ Покупатель открыл спор на Яндекс Маркете: чат теперь срочный, ответ "
            "увидит и арбитр Маркета. {admins}"
        ),
        "en": (
            "⚖️ The buyer opened a dispute on Yandex Market: the chat is urgent now, and "
            "Market's arbiter will see the answer. {admins}"
        ),
    },
    "ym.arbitrage.finished": {
        "ru": "⚖️ Спор на Яндекс Маркете завершён. {admins}",
        "en": "⚖️ The Yandex Market dispute is over. {admins}",
    },
}
