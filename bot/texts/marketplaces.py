"""Texts about marketplaces as such: attachments a marketplace holds back or refuses, and
files an agent sends that the buyer's marketplace would not take (its rules, stated)."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "marketplace.attachment_moderated": {
        "ru": "🚫 Вложение не прошло модерацию {marketplace}, его не показать.",
        "en": "🚫 The attachment failed {marketplace}'s moderation and cannot be shown.",
    },
    "marketplace.attachment_pending": {
        "ru": (
            "⏳ Вложение всё ещё на модерации {marketplace}. Когда она закончится, его можно "
            "будет увидеть в чате на портале продавца."
        ),
        "en": (
            "⏳ The attachment is still in {marketplace}'s moderation. Once it clears, you "
            "can see it in the chat on the seller portal."
        ),
    },
    "marketplace.file.type": {
        "ru": (
            "⚠️ Не отправлено: {marketplace} принимает только файлы {types}, а «{name}» — "
            "другого типа. Сохраните его в одном из этих форматов и отправьте снова."
        ),
        "en": (
            "⚠️ Not sent: {marketplace} takes only {types} files, and “{name}” is another "
            "type. Save it in one of these formats and send it again."
        ),
    },
    "marketplace.file.size": {
        "ru": (
            "⚠️ Не отправлено: {marketplace} принимает файлы до {limit} МБ, а «{name}» — "
            "{size} МБ. Уменьшите файл и отправьте снова."
        ),
        "en": (
            "⚠️ Not sent: {marketplace} takes files up to {limit} MB, and “{name}” is "
            "{size} MB. Make it smaller and send it again."
        ),
    },
    "marketplace.file.total": {
        "ru": (
            "⚠️ Не отправлено: {marketplace} принимает не больше {limit} МБ файлов в одном "
            "сообщении. Отправьте файлы по отдельности."
        ),
        "en": (
            "⚠️ Not sent: {marketplace} takes at most {limit} MB of files in one message. "
            "Send the files separately."
        ),
    },
    "reply_failed.file_rule": {"ru": "{detail}", "en": "{detail}"},
    "marketplace.unsupported": {
        "ru": (
            "⚠️ Магазин «{shop}» на площадке, с которой я в этой версии не работаю "
            "({code}). Установите мою новую версию или удалите магазин (/sellers)."
        ),
        "en": (
            "⚠️ The shop “{shop}” is on a marketplace this bot does not serve ({code}). "
            "Update the bot or remove the shop (/sellers)."
        ),
    },
    # /add_seller for marketplaces whose token names the seller (Wildberries)
    # Marketplace names as people read them (bot.admin.onboarding.display_name).
    "marketplace.name.ozon": {"ru": "Ozon", "en": "Ozon"},
    "marketplace.name.wildberries": {"ru": "Wildberries", "en": "Wildberries"},
    "marketplace.name.ym": {"ru": "Яндекс Маркет", "en": "Yandex Market"},
    "add.usage.marketplaces": {
        "ru": (
            "Я работаю с Ozon, Wildberries и Яндекс Маркетом:\n"
            "<code>/add_seller ozon Client-Id Api-Key [название]</code>\n"
            "<code>/add_seller wb токен [название]</code>\n"
            "<code>/add_seller ym Api-Key [название]</code>\n"
            "Вместо <code>wb</code> можно <code>wildberries</code>, вместо <code>ym</code> — "
            "<code>yandex</code> или <code>yandex_market</code>.\n"
            "Или просто /add_seller — и я спрошу всё по шагам."
        ),
        "en": (
            "I work with Ozon, Wildberries and Yandex Market:\n"
            "<code>/add_seller ozon Client-Id Api-Key [name]</code>\n"
            "<code>/add_seller wb token [name]</code>\n"
            "<code>/add_seller ym Api-Key [name]</code>\n"
            "wildberries works for wb, yandex or yandex_market for ym.\n"
            "Or just /add_seller and I will ask step by step."
        ),
    },
    "add.usage.token": {
        "ru": (
            "Формат: <code>/add_seller wb токен [название]</code> — токен API Wildberries "
            "с категорией «Чат с покупателями»."
        ),
        "en": (
            "Format: <code>/add_seller wb token [name]</code> — a Wildberries API token with "
            "the “Buyer chat” category."
        ),
    },
    "add.ask_token": {
        "ru": (
            "Отправьте токен API Wildberries (Профиль → Интеграции по API) с категорией "
            "«Чат с покупателями». Сообщение с токеном я сразу удалю, а храню его только "
            "в зашифрованном виде."
        ),
        "en": (
            "Send the Wildberries API token (Profile → API integrations) with the “Buyer "
            "chat” category. I delete the message with the token at once and keep it only "
            "encrypted."
        ),
    },
    "key.expired_token": {
        "ru": "❌ Срок действия токена истёк. Создайте новый токен и отправьте его.",
        "en": "❌ The token has expired. Create a new token and send it.",
    },
    "key.missing_scope": {
        "ru": (
            "❌ У токена нет категории «Чат с покупателями». Создайте токен с этой категорией "
            "(Профиль → Интеграции по API) и отправьте его."
        ),
        "en": (
            "❌ The token lacks the “Buyer chat” category. Create a token with it (Profile → "
            "API integrations) and send it."
        ),
    },
    "key.base_token": {
        "ru": (
            "❌ Это базовый токен: он разрешает один запрос в час, чатам этого мало. Создайте "
            "персональный или сервисный токен и отправьте его."
        ),
        "en": (
            "❌ This is a Base token: it allows one request per hour, too few for chats. "
            "Create a Personal or Service token and send it."
        ),
    },
    "add.checking_key.wildberries": {
        "ru": "🔎 Проверяю токен в Wildberries…",
        "en": "🔎 Checking the token with Wildberries…",
    },
    "add.key_ok.wildberries": {
        "ru": "✅ Wildberries принял токен.",
        "en": "✅ Wildberries accepted the token.",
    },
    "add.checking.wildberries": {
        "ru": "🔎 Проверяю токен магазина «{shop}» в Wildberries…",
        "en": "🔎 Checking the token of “{shop}” with Wildberries…",
    },
    "key.ok.wildberries": {
        "ru": "✅ Wildberries принял токен.",
        "en": "✅ Wildberries accepted the token.",
    },
    "key.invalid_key.wildberries": {
        "ru": "❌ Wildberries не принял токен: он неверный или отозван. Создайте новый токен.",
        "en": "❌ Wildberries refused the token: it is wrong or revoked. Create a new token.",
    },
    "key.no_premium.wildberries": {
        "ru": "❌ Wildberries просит пополнить баланс, чтобы работать с этим токеном.",
        "en": "❌ Wildberries asks to top up the balance before this token can be used.",
    },
    "key.unreachable.wildberries": {
        "ru": "❌ Не удалось связаться с Wildberries. Попробуйте через минуту.",
        "en": "❌ Could not reach Wildberries. Try again in a minute.",
    },
    # The same texts, worded for Wildberries (see bot.texts.for_marketplace)
    "topic.buyer_named": {"ru": "{name} …{tail}", "en": "{name} …{tail}"},
    "post.product.wildberries": {
        "ru": "🔗 Товар на Wildberries {sku}",
        "en": "🔗 Product on Wildberries {sku}",
    },
    "author.support.wildberries": {
        "ru": "🛟 <b>Wildberries</b>",
        "en": "🛟 <b>Wildberries</b>",
    },
    "author.cabinet.wildberries": {
        "ru": "💼 <b>Ответ с портала продавца WB</b>",
        "en": "💼 <b>Reply from the WB seller portal</b>",
    },
    "author.other.wildberries": {"ru": "ℹ️ <b>Wildberries</b>", "en": "ℹ️ <b>Wildberries</b>"},
    "post.attachment_missing.wildberries": {
        "ru": "⚠️ Wildberries не отдал вложение; откройте чат на портале продавца.",
        "en": "⚠️ Wildberries would not hand over the attachment; open the chat on the portal.",
    },
    "reply_failed.seller_removed.wildberries": {
        "ru": (
            "⚠️ Не отправлено: я больше не работаю с магазином «{shop}». Ответьте покупателю на "
            "портале WB или попросите администратора подключить магазин снова (/sellers)."
        ),
        "en": (
            "⚠️ Not sent: the shop “{shop}” is disconnected from the bot. Answer the buyer on "
            "the WB portal, or ask an admin to connect the shop again (/sellers)."
        ),
    },
    "reply_failed.gave_up.wildberries": {
        "ru": (
            "⚠️ Не отправлено: {attempts} "
            "{attempts:plural:попытка не удалась|попытки не удались|попыток не удались} "
            "({detail}). Покупатель этот "
            "ответ не получил. Отправьте его снова позже или ответьте на портале WB."
        ),
        "en": (
            "⚠️ Not sent: {attempts} {attempts:plural:attempt|attempts} failed ({detail}). The "
            "buyer did not get this "
            "reply. Send it again later or answer on the WB portal."
        ),
    },
    "reply_failed.gave_up_unknown.wildberries": {
        "ru": (
            "⚠️ Не удалось подтвердить отправку после {attempts} "
            "{attempts:plural:попытки|попыток|попыток} ({detail}). "
            "Проверьте чат на портале WB: если ответа там нет, отправьте его снова."
        ),
        "en": (
            "⚠️ Could not confirm this reply after {attempts} {attempts:plural:attempt|attempts} "
            "({detail}). Check the "
            "chat on the WB portal: if the reply is not there, send it again."
        ),
    },
    "reply_failed.detail.outcome_unknown.wildberries": {
        "ru": "Wildberries не ответил, дошло ли сообщение",
        "en": "Wildberries did not say whether it arrived",
    },
    "reply_failed.detail.retry.wildberries": {
        "ru": "Wildberries или Telegram временно недоступны",
        "en": "Wildberries or Telegram was unavailable",
    },
    "reply_failed.window_closed.wildberries": {
        "ru": "⚠️ Не отправлено: Wildberries больше не принимает ответы в этот чат.",
        "en": "⚠️ Not sent: Wildberries no longer takes replies in this chat.",
    },
    "reply_failed.chat_closed.wildberries": {
        "ru": "⚠️ Не отправлено: этот чат закрыт на стороне Wildberries.",
        "en": "⚠️ Not sent: Wildberries has closed this chat.",
    },
    "reply_failed.chat_not_found.wildberries": {
        "ru": "⚠️ Не отправлено: Wildberries не узнаёт этот чат (нет подписи для ответа).",
        "en": "⚠️ Not sent: Wildberries does not recognise this chat (no reply signature).",
    },
    "reply_failed.seller_key.wildberries": {
        "ru": (
            "⚠️ Не отправлено: Wildberries не принимает токен магазина «{shop}». "
            "Администратор может заменить его командой /sellers."
        ),
        "en": (
            "⚠️ Not sent: Wildberries rejects the token of “{shop}”. An admin can replace "
            "it with /sellers."
        ),
    },
    "reply_failed.rejected.wildberries": {
        "ru": "⚠️ Не отправлено: Wildberries отклонил сообщение ({detail}).",
        "en": "⚠️ Not sent: Wildberries refused the message ({detail}).",
    },
    "seller_reason.auth_failed.wildberries": {
        "ru": (
            "Wildberries не принимает токен (неверный, отозван или истёк срок). Создайте новый "
            "токен с категорией «Чат с покупателями» и замените его через /sellers."
        ),
        "en": (
            "Wildberries rejects the token (wrong, revoked or expired). Create a new token "
            "with the “Buyer chat” category and replace it in the bot (/sellers)."
        ),
    },
    "seller_reason.premium_required.wildberries": {
        "ru": (
            "Wildberries просит пополнить баланс для этого токена; после этого я продолжу работу."
        ),
        "en": "Wildberries asks to top up the balance for this token; the bot then carries on.",
    },
    "sync.unreadable_message.wildberries": {
        "ru": "⚠️ Сообщение от Wildberries не удалось прочитать. Откройте чат на портале WB.",
        "en": "⚠️ A message from Wildberries could not be read. Open the chat on the WB portal.",
    },
    "sync.chat_failing.wildberries": {
        "ru": (
            "⚠️ {shop}: чат {chat} не обновляется — {why}. Остальные чаты магазина "
            "работают. Я пробую снова сам; пока смотрите этот чат на портале Wildberries."
        ),
        "en": (
            "⚠️ {shop}: chat {chat} is not updating — {why}. The shop's other chats "
            "work. The bot keeps retrying; meanwhile check this chat on the Wildberries portal."
        ),
    },
    "sync.chat_name.id.wildberries": {
        "ru": "Wildberries № {chat_id}",
        "en": "Wildberries no. {chat_id}",
    },
    "sync.why.bad_request.wildberries": {
        "ru": "Wildberries отклоняет запрос по этому чату",
        "en": "Wildberries refuses the request for this chat",
    },
    "sync.why.malformed.wildberries": {
        "ru": "Wildberries присылает данные этого чата в непонятном виде",
        "en": "Wildberries sends this chat's data in a form the bot cannot read",
    },
    "outbox.refused.message.wildberries": {
        "ru": (
            "⚠️ Не удалось показать здесь сообщение из чата Wildberries: {reason}. "
            "Откройте этот чат на портале WB, чтобы его прочитать."
        ),
        "en": (
            "⚠️ A message from the Wildberries chat could not be shown here: {reason}. "
            "Open this chat on the WB portal to read it."
        ),
    },
    "outbox.refused.file.wildberries": {
        "ru": (
            "⚠️ Файл «{name}» из чата Wildberries не показан: Telegram его не принимает "
            "({reason}). Откройте его на портале WB."
        ),
        "en": (
            "⚠️ The file “{name}” from the Wildberries chat is not shown: Telegram refuses it "
            "({reason}). Open it on the WB portal."
        ),
    },
    "add.sync_failed.network.wildberries": {
        "ru": "Wildberries не ответил.",
        "en": "Wildberries did not answer.",
    },
    # Wildberries' reply window is 10 days, not Ozon's 48 hours.
    "add.summary.wildberries": {
        "ru": (
            "✅ Магазин «{shop}» работает в группе «{group}».\n"
            "Чатов найдено: {found}; перенесено в темы: {imported} (с сообщениями за "
            "последние 10 дней); старых запомнено без переноса: {remembered}.\n"
            "Новые сообщения покупателей будут появляться в группе сами."
        ),
        "en": (
            "✅ “{shop}” is working in “{group}”.\n"
            "Chats found: {found}; brought into topics: {imported} (with messages from the "
            "last 10 days); older ones remembered without a topic: {remembered}.\n"
            "New buyer messages will appear in the group by themselves."
        ),
    },
}
