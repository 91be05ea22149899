"""Yandex Market wording: ``.ym`` variants of onboarding and key-check texts (picked by
``for_marketplace``), and the cabinet choice."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "add.usage.token.ym": {
        "ru": (
            "Формат: <code>/add_seller ym Api-Key [название]</code> — API-ключ Яндекс Маркета "
            "(Настройки → API и модули) с доступом «Общение с покупателями» или ко всем "
            "методам. Кабинет я найду по ключу сам."
        ),
        "en": (
            "Format: <code>/add_seller ym Api-Key [name]</code> — a Yandex Market API key "
            "(Settings → API and modules) with the “Buyer communication” or all-methods "
            "access. I find the cabinet from the key."
        ),
    },
    "add.checking.ym": {
        "ru": "🔎 Проверяю ключ кабинета «{shop}» в Яндекс Маркете…",
        "en": "🔎 Checking the key of “{shop}” with Yandex Market…",
    },
    "key.ok.ym": {
        "ru": "✅ Яндекс Маркет принял ключ.",
        "en": "✅ Yandex Market accepted the key.",
    },
    "key.read_only": {
        "ru": (
            "❌ Ключ только для чтения: с ним я видел бы покупателей, но не мог бы "
            "ответить. Выпустите ключ с доступом «Общение с покупателями» (или ко всем "
            "методам) без ограничения «только чтение» и отправьте его."
        ),
        "en": (
            "❌ The key is read-only: the bot would see buyers but could not answer them. "
            "Issue a key with “Buyer communication” (or all-methods) access that is not "
            "read-only and send it."
        ),
    },
    "key.missing_scope.ym": {
        "ru": (
            "❌ У ключа нет доступа к чатам с покупателями. Выпустите ключ с доступом "
            "«Общение с покупателями» или ко всем методам (Настройки → API и модули)."
        ),
        "en": (
            "❌ The key has no access to buyer chats. Issue a key with “Buyer communication” "
            "or all-methods access (Settings → API and modules)."
        ),
    },
    "key.invalid_key.ym": {
        "ru": (
            "❌ Яндекс Маркет не принял ключ: он неверный или отозван. Скопируйте его заново "
            "(Настройки → API и модули)."
        ),
        "en": (
            "❌ Yandex Market refused the key: it is wrong or revoked. Copy it again "
            "(Settings → API and modules)."
        ),
    },
    "key.unreachable.ym": {
        "ru": "❌ Яндекс Маркет сейчас не отвечает. Попробуйте ещё раз через минуту.",
        "en": "❌ Yandex Market is not answering now. Try again in a minute.",
    },
    "key.no_cabinet": {
        "ru": (
            "❌ Ключ рабочий, но ни к одному кабинету с магазинами не ведёт. Проверьте, что "
            "ключ выпущен в нужном кабинете."
        ),
        "en": (
            "❌ The key works but reaches no cabinet with stores. Check that it was issued "
            "in the right cabinet."
        ),
    },
    "key.bad_client_id.ym": {
        "ru": "❌ Ключ не даёт доступа к выбранному кабинету. Начните заново: /add_seller",
        "en": "❌ The key does not reach the chosen cabinet. Start again: /add_seller",
    },
    "add.ask_cabinet": {
        "ru": "Ключ ведёт в несколько кабинетов Яндекс Маркета. Какой подключить?",
        "en": "The key reaches several Yandex Market cabinets. Which one should I connect?",
    },
    "add.cabinet_gone": {
        "ru": "Этот выбор устарел. Начните заново: /add_seller",
        "en": "This choice is out of date. Start again: /add_seller",
    },
    "add.ask_token.ym": {
        "ru": (
            "Отправьте API-ключ Яндекс Маркета (Настройки → API и модули) с доступом "
            "«Общение с покупателями» или ко всем методам. Сообщение с ключом я сразу удалю, "
            "а храню его только в зашифрованном виде. Кабинет я найду по ключу."
        ),
        "en": (
            "Send the Yandex Market API key (Settings → API and modules) with “Buyer "
            "communication” or all-methods access. I delete the message with the key at once "
            "and keep it only encrypted. I find the cabinet from the key."
        ),
    },
    "add.checking_key.ym": {
        "ru": "🔎 Проверяю ключ в Яндекс Маркете…",
        "en": "🔎 Checking the key with Yandex Market…",
    },
    "add.key_ok.ym": {
        "ru": "✅ Яндекс Маркет принял ключ.",
        "en": "✅ Yandex Market accepted the key.",
    },
    # How messages not from the buyer are labelled in a YM topic.
    "author.support.ym": {
        "ru": "🛟 <b>Поддержка Яндекс Маркета</b>",
        "en": "🛟 <b>Yandex Market support</b>",
    },
    "author.cabinet.ym": {
        "ru": "🏪 <b>Ответ из кабинета Маркета</b>",
        "en": "🏪 <b>Reply from the Market cabinet</b>",
    },
    "author.other.ym": {"ru": "ℹ️ <b>Яндекс Маркет</b>", "en": "ℹ️ <b>Yandex Market</b>"},
    "post.attachment_missing.ym": {
        "ru": "⚠️ Яндекс Маркет не отдал вложение; откройте чат в кабинете Маркета.",
        "en": "⚠️ Yandex Market would not hand over the attachment; open the chat in the cabinet.",
    },
    # Replies beyond the marketplace's hourly send budget wait for its reset (one notice).
    "reply_waits.budget": {
        "ru": (
            "⏳ Лимит отправки сообщений маркетплейса на этот час исчерпан. Ответы ждут в "
            "очереди и уйдут по порядку примерно через {n} {n:plural:минуту|минуты|минут}."
        ),
        "en": (
            "⏳ The marketplace's hourly sending limit is spent. Replies wait in the queue "
            "and go in order in about {n} {n:plural:minute|minutes}."
        ),
    },
    "reply_waits.budget.ym": {
        "ru": (
            "⏳ Лимит Яндекс Маркета на отправку сообщений в этот час исчерпан (1000 в час). "
            "Ответы ждут в очереди и уйдут по порядку примерно через {n} "
            "{n:plural:минуту|минуты|минут}."
        ),
        "en": (
            "⏳ Yandex Market's hourly sending limit is spent (1,000 an hour). Replies wait in "
            "the queue and go in order in about {n} {n:plural:minute|minutes}."
        ),
    },
}
