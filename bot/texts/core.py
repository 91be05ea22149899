"""Texts of the core: /start, /help, topic posts, reply failures, seller reasons."""

from __future__ import annotations

from bot.texts.locale import Locale

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
            "/help — эта справка\n"
            "/add_seller — подключить магазин Ozon (по шагам или одной строкой: "
            "<code>/add_seller ozon Client-Id Api-Key [название]</code>)\n"
            "/sellers — магазины: состояние, пауза, замена ключа, удаление\n"
            "/agents — кто может отвечать покупателям\n"
            "/cancel — прервать начатое\n"
            "/setup — в группе: подключить её и проверить мои права\n"
            "/queue — ждущие ответа чаты (urgent, overdue, unread, mine или магазин)\n"
            "/take, /release — взять чат себе или отпустить (в теме)\n"
            "/assign @агент — передать чат\n"
            "/rules, /targets, /hours — правила приоритета, сроки ответа, рабочие часы\n"
            "/stats [today|7d|30d] — отчёт с графиком\n"
            "/ai — ИИ-черновики: тон, инструкции, автоответ\n"
            "/templates — шаблоны ответов; в теме наберите @ и моё имя, затем начало "
            "названия шаблона; несколько названий через пробел вставят шаблоны вместе\n\n"
            "Чтобы ответить покупателю, просто напишите сообщение в его теме "
            "или нажмите «Отправить» под черновиком."
        ),
        "en": (
            "/start — what I do and how to begin\n"
            "/help — this help\n"
            "/add_seller — connect an Ozon shop (step by step or in one line: "
            "<code>/add_seller ozon Client-Id Api-Key [name]</code>)\n"
            "/sellers — shops: state, pause, key replacement, removal\n"
            "/agents — who may answer buyers\n"
            "/cancel — stop what was started\n"
            "/setup — in a group: connect it and check my rights\n"
            "/queue — chats waiting for an answer (urgent, overdue, unread, mine or a shop)\n"
            "/take, /release — take a chat or let it go (in its topic)\n"
            "/assign @agent — hand a chat over\n"
            "/rules, /targets, /hours — priority rules, response targets, business hours\n"
            "/stats [today|7d|30d] — a report with a chart\n"
            "/ai — AI drafts: tone, instructions, auto-reply\n"
            "/templates — canned replies; in a topic type @ and my name, then the start of "
            "a template's name; several names with spaces insert them together\n\n"
            "To answer a buyer, just write a message in their topic "
            "or tap Send under the draft."
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
