"""Texts of security and tenancy: group binding requests, /groups, internal notes, push
tokens, refusals of muted members."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "security.reply_failed.restricted": {
        "ru": (
            "⚠️ Не отправлено покупателю: в этой группе вам запрещено писать. "
            "Попросите администратора снять ограничение."
        ),
        "en": (
            "⚠️ Not sent to the buyer: you are muted in this group. "
            "Ask an admin to lift the restriction."
        ),
    },
    "security.wizard_key_expired": {
        "ru": (
            "⌛ Мастер ждал слишком долго, и введённый ключ забыт. Ничего не сохранено. "
            "Начните заново: /add_seller"
        ),
        "en": (
            "⌛ The wizard waited too long and forgot the key you entered. Nothing was "
            "saved. Start again: /add_seller"
        ),
    },
    # ------------------------------------------------------------ binding a group
    "security.setup.no_owners": {
        "ru": (
            "⛔ Подключать группы некому: у меня не задан владелец. Впишите свой Telegram id "
            "в ADMIN_IDS (файл .env или переменная окружения), перезапустите меня и "
            "отправьте /setup снова."
        ),
        "en": (
            "⛔ Nobody may connect groups: the bot has no owner. Put your Telegram id in "
            "ADMIN_IDS (the .env file or the environment), restart the bot and send /setup "
            "again."
        ),
    },
    "security.setup.asked": {
        "ru": (
            "📨 Подключить группу может только мой владелец. Я отправил владельцу запрос; "
            "когда он одобрит, здесь появится сообщение."
        ),
        "en": (
            "📨 Only the bot's owner can connect a group. I sent them a request; a message "
            "appears here once they approve."
        ),
    },
    "security.setup.already_asked": {
        "ru": "⏳ Запрос владельцу уже отправлен и ждёт ответа. Повторять /setup не нужно.",
        "en": "⏳ The request to the owner is already sent and waiting. No need to repeat /setup.",
    },
    "security.setup.owners_unreachable": {
        "ru": (
            "📨 Подключить группу может только мой владелец, но написать владельцу я не смог: "
            "попросите его открыть личный чат со мной (/start) и посмотреть /groups."
        ),
        "en": (
            "📨 Only the bot's owner can connect a group, but I could not message them: ask "
            "them to open a private chat with me (/start) and look at /groups."
        ),
    },
    "security.request.text": {
        "ru": (
            "🔐 {person} просит подключить группу «{group}» (id {chat_id}). Подключённая "
            "группа получает чаты покупателей, опрос магазинов и черновики ИИ за ваш счёт."
        ),
        "en": (
            "🔐 {person} asks to connect the group “{group}” (id {chat_id}). A connected "
            "group gets buyer chats, shop polling and AI drafts at your expense."
        ),
    },
    "security.button.approve": {"ru": "✅ Подключить", "en": "✅ Approve"},
    "security.button.reject": {"ru": "✖️ Отклонить", "en": "✖️ Reject"},
    "security.button.unbind": {"ru": "🔌 Отключить «{group}»", "en": "🔌 Unbind “{group}”"},
    "security.request.approved": {
        "ru": "✅ Группа «{group}» подключена по вашему решению.",
        "en": "✅ The group “{group}” is connected, as you decided.",
    },
    "security.request.rejected": {
        "ru": "✖️ Запрос группы «{group}» отклонён.",
        "en": "✖️ The request of the group “{group}” was rejected.",
    },
    "security.request.already_decided": {
        "ru": "Этот запрос уже решён. Текущее состояние — в /groups.",
        "en": "This request is already decided. See /groups for the current state.",
    },
    "security.request.group_rejected": {
        "ru": "✖️ Мой владелец отклонил подключение этой группы.",
        "en": "✖️ The bot's owner declined to connect this group.",
    },
    "security.owners_only": {
        "ru": "Это может только мой владелец (ADMIN_IDS).",
        "en": "Only the bot's owner (ADMIN_IDS) can do this.",
    },
    "security.groups.title": {
        "ru": "<b>Подключённые группы</b>",
        "en": "<b>Connected groups</b>",
    },
    "security.groups.none": {
        "ru": "Подключённых групп нет.",
        "en": "No group is connected.",
    },
    "security.groups.line": {
        "ru": "• «{group}» (id {chat_id}), магазинов: {shops}",
        "en": "• “{group}” (id {chat_id}), shops: {shops}",
    },
    "security.groups.pending_title": {
        "ru": "<b>Ждут решения</b>",
        "en": "<b>Waiting for a decision</b>",
    },
    "security.groups.pending_line": {
        "ru": "• «{group}» (id {chat_id}) — просит {person}",
        "en": "• “{group}” (id {chat_id}) — asked by {person}",
    },
    "security.groups.unbound": {
        "ru": (
            "🔌 Группа «{group}» отключена: опрос её магазинов приостановлен, черновики "
            "не готовятся, данные сохранены. Вернуть — /setup в группе."
        ),
        "en": (
            "🔌 The group “{group}” is unbound: its shops' polling is paused, no drafts are "
            "made, the data is kept. To bring it back, send /setup in the group."
        ),
    },
    "security.groups.already_unbound": {
        "ru": "Эта группа уже отключена.",
        "en": "This group is already unbound.",
    },
    "security.group.unbound_notice": {
        "ru": (
            "🔌 Мой владелец отключил эту группу: новые чаты покупателей сюда не придут. "
            "Данные сохранены."
        ),
        "en": (
            "🔌 The bot's owner unbound this group: no new buyer chats arrive here. The data "
            "is kept."
        ),
    },
    # ------------------------------------------------------------ push URLs
    "security.button.push_url": {"ru": "🔗 Адрес для push", "en": "🔗 Push URL"},
    "security.button.rotate_push_url": {
        "ru": "🔄 Выпустить новый адрес",
        "en": "🔄 Issue a new URL",
    },
    "security.push_url.text": {
        "ru": (
            "🔗 Адрес push-уведомлений магазина «{shop}» — ваш HTTPS-адрес, по которому я "
            "доступен, и путь\n"
            "<code>{path}</code>\n"
            "Вставьте его в кабинете Ozon: Настройки → Уведомления → Push. Это секрет: "
            "по нему Ozon будит опрос магазина. Если адрес мог утечь, выпустите новый — "
            "старый сразу перестанет работать."
        ),
        "en": (
            "🔗 The push URL of the shop “{shop}” is your bot's HTTPS address plus the path\n"
            "<code>{path}</code>\n"
            "Paste it in the Ozon cabinet: Settings → Notifications → Push. It is a secret: "
            "it makes the bot poll the shop. If it may have leaked, issue a new one; the old "
            "one stops working at once."
        ),
    },
    "security.push_url.rotated": {
        "ru": "Новый адрес выпущен, старый больше не работает. Замените его в кабинете Ozon.",
        "en": "A new URL is issued; the old one no longer works. Replace it in the Ozon cabinet.",
    },
    "security.push_url.disabled": {
        "ru": "Сейчас push-уведомления выключены: задайте OZON_PUSH_PORT, чтобы я их принимал.",
        "en": "Push is off now: set OZON_PUSH_PORT for the bot to accept pushes.",
    },
    # ------------------------------------------------------------ internal notes
    "security.hint.to_buyer": {
        "ru": (
            "💬 Всё, что вы пишете в теме покупателя, уходит покупателю. Заметка для коллег: "
            "начните с // (или /note), либо ответьте на сообщение коллеги."
        ),
        "en": (
            "💬 Everything you write in a buyer's topic goes to the buyer. A note for "
            "colleagues: start it with // (or /note), or reply to a colleague's message."
        ),
    },
}
