"""Texts of sync isolation and shop archives: an unreadable message from Ozon, one chat that
cannot be read, a removed (archived) shop. Values are inserted already escaped."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "sync.unreadable_message": {
        "ru": "⚠️ Сообщение от Ozon не удалось прочитать. Откройте чат в кабинете Ozon.",
        "en": "⚠️ A message from Ozon could not be read. Open the chat in the Ozon cabinet.",
    },
    "sync.chat_failing": {
        "ru": (
            "⚠️ {shop}: чат {chat} не обновляется — {why}. Остальные чаты магазина "
            "работают. Я пробую снова сам; пока смотрите этот чат в кабинете Ozon."
        ),
        "en": (
            "⚠️ {shop}: chat {chat} is not updating — {why}. The shop's other chats "
            "work. The bot keeps retrying; meanwhile check this chat in the Ozon cabinet."
        ),
    },
    "sync.chat_recovered": {
        "ru": "✅ {shop}: чат {chat} снова обновляется.",
        "en": "✅ {shop}: chat {chat} is updating again.",
    },
    "sync.chat_name.order": {"ru": "по заказу {order}", "en": "for order {order}"},
    "sync.chat_name.topic": {
        "ru": '<a href="{link}">{title}</a>',
        "en": '<a href="{link}">{title}</a>',
    },
    "sync.chat_name.id": {"ru": "Ozon № {chat_id}", "en": "Ozon no. {chat_id}"},
    "sync.why.bad_request": {
        "ru": "Ozon отклоняет запрос истории этого чата",
        "en": "Ozon refuses to return this chat's history",
    },
    "sync.why.malformed": {
        "ru": "Ozon присылает историю этого чата в непонятном виде",
        "en": "Ozon sends this chat's history in a form the bot cannot read",
    },
    "sync.why.unexpected": {
        "ru": "у меня внутренняя ошибка при чтении этого чата",
        "en": "an internal error of the bot while reading this chat",
    },
    "seller.removed.topic": {
        "ru": (
            "🗄 Я больше не работаю с магазином «{shop}». Чат сохранён как архив; ответы отсюда "
            "больше не уходят покупателю — пишите в кабинете Ozon."
        ),
        "en": (
            "🗄 The shop “{shop}” was disconnected from the bot. This chat stays as an "
            "archive; replies from here no longer reach the buyer — use the Ozon cabinet."
        ),
    },
    "seller.removed.general": {
        "ru": (
            "🗄 Магазин «{shop}» отключён. Его темы остались архивом. Чтобы вернуть "
            "магазин с прежними темами, добавьте его снова с тем же Client-Id: /add_seller"
        ),
        "en": (
            "🗄 The shop “{shop}” was disconnected. Its topics stay as an archive. To bring "
            "it back with the same topics, add it again with the same Client-Id: /add_seller"
        ),
    },
    "seller.removed.reply_unknown": {
        "ru": (
            "⚠️ Магазин «{shop}» отключили, пока этот ответ отправлялся: он мог дойти до "
            "покупателя, а мог и нет. Проверьте чат в кабинете Ozon."
        ),
        "en": (
            "⚠️ The shop “{shop}” was disconnected while this reply was being sent: it may "
            "or may not have reached the buyer. Check the chat in the Ozon cabinet."
        ),
    },
    "seller.removed.reply_refused": {
        "ru": (
            "⛔ Ответ не отправлен: я больше не работаю с магазином «{shop}». "
            "Ответьте в кабинете Ozon."
        ),
        "en": (
            "⛔ Reply not sent: the shop “{shop}” was disconnected from the bot. "
            "Answer in the Ozon cabinet."
        ),
    },
    "seller.removed.agent_wrote": {
        "ru": (
            "⛔ Я больше не работаю с магазином этого чата, сообщение покупателю не отправлено. "
            "Ответьте в кабинете Ozon или попросите админа снова добавить магазин."
        ),
        "en": (
            "⛔ This chat's shop is disconnected from the bot; your message was not sent to "
            "the buyer. Answer in the Ozon cabinet or ask an admin to add the shop again."
        ),
    },
    "seller.restored": {
        "ru": "♻️ Магазин «{shop}» снова подключён; его прежние темы используются дальше.",
        "en": "♻️ The shop “{shop}” is connected again; its earlier topics are used again.",
    },
    "seller.archived_elsewhere": {
        "ru": (
            "Этот магазин ({marketplace} {client_id}) раньше был подключён в другой группе, "
            "и там хранится его архив. Добавьте его в той группе."
        ),
        "en": (
            "This shop ({marketplace} {client_id}) was connected in another group before, "
            "and its archive is there. Add it in that group."
        ),
    },
}
