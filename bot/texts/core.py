"""Texts of the core: /start, topic posts, reply failures, seller reasons."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "start": {
        "ru": (
            "Привет! Я переношу чаты покупателей с Ozon, Wildberries и Яндекс Маркета в темы "
            "Telegram-группы: у каждого покупателя своя тема с заказом, черновиком ответа и "
            "временем, к которому нужно ответить. Ответ, написанный в теме, уходит "
            "покупателю.\n\n"
            "Как начать:\n"
            "1. Создайте группу и включите в её настройках «Темы».\n"
            "2. Нажмите «➕ Добавить в группу» и выберите её — я попрошу нужные права и "
            "подключу группу.\n"
            "3. Нажмите «🏪 Подключить магазин» и следуйте подсказкам."
        ),
        "en": (
            "Hi! I bring buyer chats from Ozon, Wildberries and Yandex Market into topics of "
            "a Telegram group: one topic per buyer, with the order, a reply draft and the "
            "time to answer by. A reply written in the topic goes to the buyer.\n\n"
            "To get going:\n"
            "1. Create a group and turn on Topics in its settings.\n"
            "2. Tap “➕ Add to a group” and pick it: I will ask for the rights I need and "
            "connect the group.\n"
            "3. Tap “🏪 Connect a shop” and follow the steps."
        ),
    },
    # Topic names and posts (bot/bridge/render.py). Values are inserted already escaped.
    "topic.order": {"ru": "Заказ {order}", "en": "Order {order}"},
    "topic.buyer": {"ru": "Покупатель …{buyer}", "en": "Buyer …{buyer}"},
    "topic.chat": {"ru": "Чат с покупателем", "en": "Buyer chat"},
    "post.shop": {"ru": "🏪 Магазин: <b>{shop}</b>", "en": "🏪 Shop: <b>{shop}</b>"},
    "post.order": {"ru": "🧾 Заказ: <code>{order}</code>", "en": "🧾 Order: <code>{order}</code>"},
    "post.posting": {
        "ru": "📦 Отправление: <code>{posting}</code>",
        "en": "📦 Posting: <code>{posting}</code>",
    },
    "post.product": {"ru": "🔗 Товар на Ozon {sku}", "en": "🔗 Product on Ozon {sku}"},
    "author.buyer": {"ru": "👤 <b>Покупатель</b>", "en": "👤 <b>Buyer</b>"},
    # The buyer's public name, where the marketplace tells it (WB, Yandex Market).
    "author.buyer_named": {
        "ru": "👤 <b>{name}</b> · покупатель",
        "en": "👤 <b>{name}</b> · buyer",
    },
    "post.buyer": {"ru": "🙋 Покупатель: <b>{name}</b>", "en": "🙋 Buyer: <b>{name}</b>"},
    "author.support": {"ru": "🛟 <b>Поддержка Ozon</b>", "en": "🛟 <b>Ozon support</b>"},
    "author.courier": {"ru": "🚚 <b>Курьер</b>", "en": "🚚 <b>Courier</b>"},
    "author.cabinet": {
        "ru": "💼 <b>Ответ из кабинета Ozon</b>",
        "en": "💼 <b>Reply from the Ozon cabinet</b>",
    },
    "author.other": {"ru": "ℹ️ <b>Ozon</b>", "en": "ℹ️ <b>Ozon</b>"},
    # The buyer's file not shown: its name, a link to it at the marketplace when https.
    "post.attachment_file": {"ru": "📎 Файл: {file}", "en": "📎 File: {file}"},
    "post.attachment_missing": {
        "ru": "⚠️ Ozon не отдал вложение; откройте чат в кабинете Ozon, чтобы его увидеть.",
        "en": "⚠️ Ozon would not hand over the attachment; open the chat in the Ozon cabinet.",
    },
    # Replies that could not reach the buyer (bot/bridge/replies.py, agent_messages.py).
    "reply_failed.too_long": {
        "ru": (
            "⚠️ Не отправлено: в сообщении {length} {length:plural:символ|символа|символов}, а "
            "Ozon принимает не больше "
            "1000. Сократите текст и отправьте снова."
        ),
        "en": (
            "⚠️ Not sent: the message has {length} {length:plural:character|characters} and Ozon "
            "accepts at most "
            "1000. Shorten it and send again."
        ),
    },
    "reply_failed.window_closed": {
        "ru": (
            "⚠️ Не отправлено: Ozon разрешает отвечать только 48 часов после последнего "
            "сообщения покупателя, это время прошло. Если покупатель напишет снова, "
            "ответить можно будет здесь же."
        ),
        "en": (
            "⚠️ Not sent: Ozon allows replies only within 48 hours of the buyer's last "
            "message, and that time is over. If the buyer writes again, you can answer here."
        ),
    },
    "reply_failed.chat_closed": {
        "ru": "⚠️ Не отправлено: этот чат закрыт на стороне Ozon.",
        "en": "⚠️ Not sent: Ozon has closed this chat.",
    },
    "reply_failed.chat_not_found": {
        "ru": "⚠️ Не отправлено: Ozon больше не находит этот чат.",
        "en": "⚠️ Not sent: Ozon no longer finds this chat.",
    },
    "reply_failed.seller_paused": {
        "ru": (
            "⚠️ Не отправлено: магазин «{shop}» на паузе. Администратор может возобновить "
            "его командой /sellers, после этого отправьте ответ снова."
        ),
        "en": (
            "⚠️ Not sent: the shop “{shop}” is paused. An admin can resume it with "
            "/sellers; then send the reply again."
        ),
    },
    "reply_failed.seller_key": {
        "ru": (
            "⚠️ Не отправлено: Ozon не принимает ключ API магазина «{shop}». Администратор "
            "может заменить ключ командой /sellers."
        ),
        "en": (
            "⚠️ Not sent: Ozon rejects the API key of “{shop}”. An admin can replace the "
            "key with /sellers."
        ),
    },
    "reply_failed.rejected": {
        "ru": "⚠️ Не отправлено: Ozon отклонил сообщение ({detail}).",
        "en": "⚠️ Not sent: Ozon refused the message ({detail}).",
    },
    "reply_failed.not_allowed": {
        "ru": (
            "⚠️ Вам не разрешено отвечать покупателям в этой группе. Обратитесь к администратору."
        ),
        "en": "⚠️ You are not allowed to answer buyers in this group. Ask an admin.",
    },
    "reply_failed.not_member": {
        "ru": (
            "⚠️ Не отправлено покупателю: по данным Telegram вы не участник этой группы. "
            "Покупателям отвечают только участники группы."
        ),
        "en": (
            "⚠️ Not sent to the buyer: Telegram says you are not a member of this group. "
            "Only the group's members answer buyers."
        ),
    },
    "agent.anonymous": {
        "ru": (
            "⚠️ Сообщения от имени группы (анонимный администратор) не отправляются "
            "покупателю: непонятно, кто отвечает. Отключите «Анонимность» в своих правах "
            "администратора и отправьте сообщение снова."
        ),
        "en": (
            "⚠️ Messages sent as the group (anonymous admin) are not relayed to the buyer: "
            "nobody can tell who answered. Turn off “Remain anonymous” in your admin "
            "rights and send the message again."
        ),
    },
    "agent.unsupported": {
        "ru": "⚠️ Такое сообщение нельзя передать покупателю: отправьте текст, фото или файл.",
        "en": "⚠️ This kind of message cannot reach the buyer: send text, a photo or a file.",
    },
    "agent.edit_not_relayed": {
        "ru": (
            "✏️ Исправления не доходят до покупателя: он видит первый вариант. Чтобы "
            "поправить ответ, отправьте новое сообщение."
        ),
        "en": (
            "✏️ Edits do not reach the buyer: they see the first version. To correct "
            "the answer, send a new message."
        ),
    },
    # Why a seller is failing (sellers.state_reason codes written by bot/sync/runner.py).
    "seller_reason.auth_failed": {
        "ru": (
            "Ozon не принимает ключ API (неверный или отозван). Создайте новый ключ "
            "в кабинете Ozon и замените его через /sellers."
        ),
        "en": (
            "Ozon rejects the API key (wrong or revoked). Create a new key in the Ozon "
            "seller cabinet and replace it in the bot."
        ),
    },
    "seller_reason.premium_required": {
        "ru": (
            "Чаты с покупателями доступны только с подпиской Premium Plus или Premium Pro. "
            "После продления я подключусь сам (проверяю раз в 30 минут)."
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
