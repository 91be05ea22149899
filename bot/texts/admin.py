"""Texts of the admin features: /setup, /add_seller, /sellers, health notices, menus."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "refused": {
        "ru": "Эта команда — для администраторов группы поддержки. Попросите администратора.",
        "en": "This command is for admins of the support group. Ask an admin.",
    },
    "help.group": {
        "ru": (
            "Я переношу чаты покупателей с Ozon в темы этой группы. Чтобы ответить "
            "покупателю, напишите сообщение в его теме. Шаблоны ответов — /templates: "
            "в теме наберите @ и моё имя, затем начало названия (несколько названий через "
            "пробел — вместе).\n\n"
            "Администраторам: /setup — проверить группу и мои права; /sellers и "
            "/add_seller — магазины (в личном чате со мной)."
        ),
        "en": (
            "I bring Ozon buyer chats into topics of this group. To answer a buyer, write "
            "a message in their topic. Canned replies: /templates; in a topic type @ and my "
            "name, then the start of a name (several names with spaces: together).\n\n"
            "Admins: /setup checks the group and my rights; /sellers and /add_seller "
            "manage shops (in a private chat with me)."
        ),
    },
    # Command menus (setMyCommands).
    "command.start": {"ru": "Что я умею и как начать", "en": "What I do and how to begin"},
    "command.help": {"ru": "Справка", "en": "Help"},
    "command.setup": {
        "ru": "Подключить группу и проверить права",
        "en": "Connect this group and check my rights",
    },
    "command.add_seller": {"ru": "Подключить магазин", "en": "Connect a shop"},
    "command.sellers": {"ru": "Магазины и их состояние", "en": "Shops and their state"},
    "command.groups": {
        "ru": "Группы бота и запросы на подключение",
        "en": "Bot groups and binding requests",
    },
    # /setup
    "setup.in_private": {
        "ru": (
            "/setup отправляют в самой группе: добавьте меня в группу с включёнными "
            "«Темами», сделайте администратором и напишите там /setup."
        ),
        "en": (
            "Send /setup in the group itself: add me to a group with Topics turned on, "
            "make me an admin and send /setup there."
        ),
    },
    "setup.hello": {
        "ru": "Привет! Я буду переносить сюда чаты покупателей — каждый в свою тему.",
        "en": "Hi! I will bring buyer chats here, each into its own topic.",
    },
    "setup.back": {
        "ru": "Я снова в группе.",
        "en": "I am back in the group.",
    },
    "setup.bound": {
        "ru": "✅ Группа «{group}» подключена.",
        "en": "✅ The group “{group}” is connected.",
    },
    "setup.ready": {
        "ru": ("Все права на месте. Подключите магазин: напишите мне в личный чат /add_seller."),
        "en": "All rights are in place. Connect a shop: send me /add_seller in a private chat.",
    },
    "setup.ready_unbound": {
        "ru": "Всё готово: администратор группы может отправить здесь /setup.",
        "en": "All set: a group admin can now send /setup here.",
    },
    "setup.missing": {
        "ru": (
            "⚠️ Чтобы я мог работать здесь, не хватает:\n{fixes}\n\nПотом отправьте /setup ещё раз."
        ),
        "en": "⚠️ To work here I still need:\n{fixes}\n\nThen send /setup again.",
    },
    "setup.fix.not_forum": {
        "ru": "• Темы: откройте настройки группы → «Темы» и включите их.",
        "en": "• Topics: open the group settings → Topics and turn them on.",
    },
    "setup.fix.not_admin": {
        "ru": (
            "• Права администратора: настройки группы → Администраторы → добавьте меня и "
            "разрешите «Управление темами», «Удаление сообщений» и «Закрепление сообщений»."
        ),
        "en": (
            "• Admin rights: group settings → Administrators → add me and allow Manage "
            "topics, Delete messages and Pin messages."
        ),
    },
    "setup.fix.rights": {
        "ru": "• Права: настройки группы → Администраторы → я → включите: {rights}.",
        "en": "• Rights: group settings → Administrators → me → turn on: {rights}.",
    },
    "setup.right.can_manage_topics": {"ru": "«Управление темами»", "en": "Manage topics"},
    "setup.right.can_delete_messages": {"ru": "«Удаление сообщений»", "en": "Delete messages"},
    "setup.right.can_pin_messages": {"ru": "«Закрепление сообщений»", "en": "Pin messages"},
    # Key checks against Ozon.
    "key.ok": {"ru": "✅ Ozon принял ключ.", "en": "✅ Ozon accepted the key."},
    "key.bad_client_id": {
        "ru": "❌ Client-Id не подходит: это число из кабинета Ozon (Настройки → Seller API).",
        "en": "❌ That Client-Id is not valid: it is a number from the Ozon cabinet "
        "(Settings → Seller API).",
    },
    "key.invalid_key": {
        "ru": (
            "❌ Ozon не принял ключ: Api-Key неверный, отозван или от другого Client-Id. "
            "Скопируйте пару заново в кабинете Ozon (Настройки → Seller API)."
        ),
        "en": (
            "❌ Ozon refused the key: the Api-Key is wrong, revoked or belongs to another "
            "Client-Id. Copy both again from the Ozon cabinet (Settings → Seller API)."
        ),
    },
    "key.no_premium": {
        "ru": (
            "❌ Ключ верный, но чаты с покупателями доступны только с подпиской Premium Plus "
            "или Premium Pro. Подключите подписку и добавьте магазин снова."
        ),
        "en": (
            "❌ The key works, but buyer chats need a Premium Plus or Premium Pro "
            "subscription. Subscribe, then add the shop again."
        ),
    },
    "key.unreachable": {
        "ru": (
            "❌ Не удалось связаться с Ozon (сеть или сбой на их стороне). "
            "Попробуйте через минуту."
        ),
        "en": (
            "❌ Could not reach Ozon (network or a failure on their side). Try again in a minute."
        ),
    },
    # /add_seller
    "add.no_groups": {
        "ru": (
            "Сначала подключите группу: добавьте меня в группу с «Темами», сделайте "
            "администратором и отправьте там /setup. Потом — /add_seller."
        ),
        "en": (
            "Connect a group first: add me to a group with Topics, make me an admin and "
            "send /setup there. Then /add_seller."
        ),
    },
    "add.usage": {
        "ru": (
            "Формат: <code>/add_seller ozon Client-Id Api-Key [название]</code>\n"
            "Или просто /add_seller — и я спрошу всё по шагам."
        ),
        "en": (
            "Format: <code>/add_seller ozon Client-Id Api-Key [name]</code>\n"
            "Or just /add_seller and I will ask step by step."
        ),
    },
    "add.usage.marketplace": {
        "ru": (
            "Пока я умею работать только с Ozon: <code>/add_seller ozon Client-Id Api-Key</code>"
        ),
        "en": "For now I only work with Ozon: <code>/add_seller ozon Client-Id Api-Key</code>",
    },
    "add.bad_client_id": {
        "ru": "Client-Id — это число (например 123456). Отправьте его ещё раз.",
        "en": "The Client-Id is a number (like 123456). Send it again.",
    },
    "add.bad_key_shape": {
        "ru": "Это не похоже на Api-Key: он одной строкой, без пробелов. Отправьте ключ ещё раз.",
        "en": "That does not look like an Api-Key: one line, no spaces. Send the key again.",
    },
    "add.bad_name": {
        "ru": "Название — от 1 до 64 символов. Отправьте другое.",
        "en": "The name must be 1 to 64 characters. Send another one.",
    },
    "add.ask_marketplace": {
        "ru": "Подключаем магазин. Какой маркетплейс?",
        "en": "Let's connect a shop. Which marketplace?",
    },
    "add.ask_client_id": {
        "ru": "Отправьте Client-Id из кабинета Ozon (Настройки → Seller API).",
        "en": "Send the Client-Id from the Ozon cabinet (Settings → Seller API).",
    },
    "add.ask_key": {
        "ru": (
            "Теперь Api-Key (ключ с доступом к чатам). Сообщение с ключом я сразу удалю, "
            "а храню его только в зашифрованном виде."
        ),
        "en": (
            "Now the Api-Key (a key with chat access). I delete the message with the key "
            "at once and store the key only encrypted."
        ),
    },
    "add.ask_key_again": {
        "ru": "Отправьте ключ ещё раз или нажмите «Отмена».",
        "en": "Send the key again or press Cancel.",
    },
    "add.checking_key": {"ru": "🔎 Проверяю ключ в Ozon…", "en": "🔎 Checking the key with Ozon…"},
    "add.key_ok": {"ru": "✅ Ozon принял ключ.", "en": "✅ Ozon accepted the key."},
    "add.ask_name": {
        "ru": "Как назвать магазин в группе? Напишите название или оставьте предложенное.",
        "en": (
            "What should the shop be called in the group? Type a name or keep the suggested one."
        ),
    },
    "add.ask_workspace": {
        "ru": "В какую группу переносить чаты магазина «{shop}»?",
        "en": "Which group should get the chats of “{shop}”?",
    },
    "add.chosen_workspace": {"ru": "Группа: «{group}».", "en": "Group: “{group}”."},
    "add.key_message_deleted": {
        "ru": "Сообщение с ключом я удалил из чата — ключ хранится только в зашифрованном виде.",
        "en": (
            "I deleted the message with the key from the chat; the key is stored encrypted only."
        ),
    },
    "add.moved_private": {
        "ru": (
            "Продолжаем здесь: сообщение с ключом в группе я удалил. Его могли успеть "
            "увидеть — при сомнениях создайте новый ключ в кабинете Ozon и замените его "
            "через /sellers."
        ),
        "en": (
            "Let's continue here: I deleted the message with the key in the group. Someone "
            "may have seen it; if in doubt, create a new key in the Ozon cabinet and "
            "replace it with /sellers."
        ),
    },
    "add.checking": {
        "ru": "🔎 Проверяю ключ магазина «{shop}» в Ozon…",
        "en": "🔎 Checking the key of “{shop}” with Ozon…",
    },
    "add.nothing_saved": {"ru": "Ничего не сохранено.", "en": "Nothing was saved."},
    "add.duplicate": {
        "ru": "Магазин с Client-Id {client_id} уже подключён. Его состояние — в /sellers.",
        "en": "A shop with Client-Id {client_id} is already connected. See /sellers.",
    },
    "add.saved": {
        "ru": "✅ Магазин «{shop}» подключён к группе «{group}». Загружаю чаты…",
        "en": "✅ “{shop}” is connected to “{group}”. Loading chats…",
    },
    "add.progress": {
        "ru": (
            "⏳ «{shop}»: найдено {found} {found:plural:чат|чата|чатов}, импортировано {imported}…"
        ),
        "en": "⏳ “{shop}”: found {found} {found:plural:chat|chats}, imported {imported}…",
    },
    "add.summary": {
        "ru": (
            "✅ Магазин «{shop}» работает в группе «{group}».\n"
            "Чатов найдено: {found}; перенесено в темы: {imported} (с сообщениями за "
            "последние 48 часов); старых запомнено без переноса: {remembered}.\n"
            "Новые сообщения покупателей будут появляться в группе сами."
        ),
        "en": (
            "✅ “{shop}” is working in “{group}”.\n"
            "Chats found: {found}; brought into topics: {imported} (with messages from the "
            "last 48 hours); older ones remembered without a topic: {remembered}.\n"
            "New buyer messages will appear in the group by themselves."
        ),
    },
    "add.sync_failed": {
        "ru": (
            "⚠️ Магазин «{shop}» подключён к группе «{group}», но первая загрузка чатов не "
            "удалась: {why}\nЯ повторю сам; состояние — в /sellers."
        ),
        "en": (
            "⚠️ “{shop}” is connected to “{group}”, but the first load of chats failed: "
            "{why}\nI will retry by myself; see /sellers for the state."
        ),
    },
    "add.sync_failed.network": {
        "ru": "Ozon не ответил.",
        "en": "Ozon did not answer.",
    },
    "add.group.deleted": {
        "ru": (
            "🔒 Я удалил сообщение с /add_seller: в нём был ключ API, а группу видят все "
            "участники. Ключи присылайте только мне в личный чат."
        ),
        "en": (
            "🔒 I deleted the /add_seller message: it held an API key, and everyone in the "
            "group can see it. Send keys only to me in a private chat."
        ),
    },
    "add.group.not_deleted": {
        "ru": (
            "⚠️ В сообщении с /add_seller виден ключ API, а удалить его я не смог (нет права "
            "«Удаление сообщений»). Удалите его сами и замените ключ в кабинете Ozon."
        ),
        "en": (
            "⚠️ The /add_seller message shows an API key and I could not delete it (no "
            "Delete messages right). Delete it yourself and replace the key in the Ozon cabinet."
        ),
    },
    "add.group.continue_private": {
        "ru": "Продолжим в личном чате — я уже написал.",
        "en": "Let's continue in a private chat; I have written to you.",
    },
    "add.group.open_private": {
        "ru": (
            "Напишите мне в личный чат (нажмите на моё имя → «Написать» → Start) и "
            "повторите команду там."
        ),
        "en": (
            "Open a private chat with me (tap my name → Message → Start) and repeat the "
            "command there."
        ),
    },
    # Wizard plumbing.
    "wizard.cancelled": {
        "ru": "Отменено. Ничего не сохранено.",
        "en": "Cancelled. Nothing was saved.",
    },
    "wizard.nothing": {"ru": "Отменять нечего.", "en": "There is nothing to cancel."},
    "wizard.outdated": {
        "ru": "Эта кнопка устарела. Начните заново.",
        "en": "This button is out of date. Please start again.",
    },
    "button.cancel": {"ru": "✖️ Отмена", "en": "✖️ Cancel"},
    "button.keep_name": {"ru": "Оставить «{name}»", "en": "Keep “{name}”"},
    "button.pause": {"ru": "⏸ Пауза", "en": "⏸ Pause"},
    "button.resume": {"ru": "▶️ Возобновить", "en": "▶️ Resume"},
    "button.replace_key": {"ru": "🔑 Заменить ключ", "en": "🔑 Replace key"},
    "button.remove": {"ru": "🗑 Удалить", "en": "🗑 Remove"},
    "button.remove_confirm": {"ru": "🗑 Да, удалить", "en": "🗑 Yes, remove"},
    "button.back": {"ru": "« Назад", "en": "« Back"},
    "button.all_sellers": {"ru": "« Все магазины", "en": "« All shops"},
    # /sellers
    "sellers.title": {"ru": "<b>Магазины</b>", "en": "<b>Shops</b>"},
    "sellers.empty": {
        "ru": "Магазинов пока нет. Подключите первый: /add_seller",
        "en": "No shops yet. Connect the first one: /add_seller",
    },
    "sellers.card": {
        "ru": (
            "<b>{shop}</b> · {marketplace} {client_id}\n"
            "Группа: {group}\n"
            "Состояние: {state}\n"
            "Последняя синхронизация: {last_sync}\n"
            "Ждут ответа: {waiting}"
        ),
        "en": (
            "<b>{shop}</b> · {marketplace} {client_id}\n"
            "Group: {group}\n"
            "State: {state}\n"
            "Last sync: {last_sync}\n"
            "Waiting for an answer: {waiting}"
        ),
    },
    "sellers.line": {
        "ru": "{state} <b>{shop}</b> · ждут ответа: {waiting}",
        "en": "{state} <b>{shop}</b> · waiting: {waiting}",
    },
    "sellers.never": {"ru": "ещё не было", "en": "not yet"},
    "sellers.state.active": {"ru": "✅ работает", "en": "✅ working"},
    "sellers.state.paused": {
        "ru": "⏸ на паузе (не опрашивается, ответы не уходят)",
        "en": "⏸ paused (not polled, replies are not sent)",
    },
    "sellers.state.failing": {"ru": "⚠️ не работает. {why}", "en": "⚠️ not working. {why}"},
    "sellers.state.unreachable": {
        "ru": "⚠️ нет связи с Ozon (попыток подряд: {attempts}, последний успех: {since})",
        "en": (
            "⚠️ cannot reach Ozon ({attempts} failed {attempts:plural:attempt|attempts}, last "
            "success: {since})"
        ),
    },
    "sellers.gone": {
        "ru": "Этого магазина больше нет. Откройте /sellers заново.",
        "en": "This shop no longer exists. Open /sellers again.",
    },
    "sellers.paused": {"ru": "На паузе", "en": "Paused"},
    "sellers.resumed": {"ru": "Возобновлено", "en": "Resumed"},
    "sellers.removed_short": {"ru": "Удалено", "en": "Removed"},
    "sellers.remove_confirm": {
        "ru": (
            "Удалить магазин «{shop}»?\n\n"
            "• Я перестану получать его чаты и отправлять ответы.\n"
            "• Темы в группе «{group}» останутся как архив, новых сообщений в них не будет.\n"
            "• Сохранённая у меня история чатов, черновики и ключ будут удалены.\n"
            "• В кабинете Ozon ничего не изменится.\n"
            "Вернуть магазин можно через /add_seller, темы тогда создадутся заново."
        ),
        "en": (
            "Remove “{shop}”?\n\n"
            "• I will stop receiving its chats and sending replies.\n"
            "• Topics in “{group}” stay as an archive; nothing new will arrive there.\n"
            "• The chat history, drafts and the key I keep will be deleted.\n"
            "• Nothing changes in the Ozon cabinet.\n"
            "You can add the shop again with /add_seller; topics are then created anew."
        ),
    },
    "sellers.removed": {
        "ru": "🗑 Магазин «{shop}» удалён. Темы остались в группе как архив.",
        "en": "🗑 “{shop}” is removed. Its topics stay in the group as an archive.",
    },
    "sellers.ask_new_key": {
        "ru": (
            "Отправьте новый Api-Key магазина «{shop}» (Client-Id {client_id}). Сообщение с "
            "ключом я сразу удалю."
        ),
        "en": (
            "Send the new Api-Key of “{shop}” (Client-Id {client_id}). I will delete the "
            "message with the key at once."
        ),
    },
    "sellers.key_kept": {"ru": "Старый ключ оставлен как был.", "en": "The old key is kept."},
    "sellers.key_replaced": {
        "ru": "✅ Ключ магазина «{shop}» заменён. Проверяю синхронизацию…",
        "en": "✅ The key of “{shop}” is replaced. Checking the sync…",
    },
    "sellers.key_paused": {
        "ru": "✅ Ключ магазина «{shop}» заменён. Магазин на паузе: возобновите его в /sellers.",
        "en": "✅ The key of “{shop}” is replaced. The shop is paused: resume it in /sellers.",
    },
    "sellers.key_synced": {
        "ru": "✅ Ключ магазина «{shop}» заменён, синхронизация работает.",
        "en": "✅ The key of “{shop}” is replaced and the sync works.",
    },
    "sellers.key_sync_failed": {
        "ru": "⚠️ Ключ магазина «{shop}» заменён, но синхронизация пока не прошла. См. /sellers.",
        "en": "⚠️ The key of “{shop}” is replaced, but the sync has not worked yet. See /sellers.",
    },
    "sellers.group.sent_private": {
        "ru": "Список магазинов я отправил вам в личный чат.",
        "en": "I sent you the list of shops in a private chat.",
    },
    # Health notices in General.
    "health.failing": {
        "ru": "⚠️ Магазин «{shop}»: чаты не синхронизируются. {why}",
        "en": "⚠️ “{shop}”: chats are not syncing. {why}",
    },
    "health.unreachable": {
        "ru": "Ozon не отвечает (неудачных попыток подряд: {attempts}). Я продолжаю пробовать.",
        "en": (
            "Ozon is not answering ({attempts} failed {attempts:plural:attempt|attempts} in a "
            "row). I keep trying."
        ),
    },
    "health.recovered": {
        "ru": "✅ Магазин «{shop}» снова на связи: чаты синхронизируются.",
        "en": "✅ “{shop}” is back: chats are syncing again.",
    },
}
