"""Texts of onboarding: /start's buttons, «🔄 Проверить снова», /setup's refusals, the
answer to free text and unknown commands in private, /help's sections, the bot's
description and short description."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    # Buttons (plain text: Telegram shows labels as they are).
    "onboarding.button.add_to_group": {"ru": "➕ Добавить в группу", "en": "➕ Add to a group"},
    "onboarding.button.add_seller": {"ru": "🏪 Подключить магазин", "en": "🏪 Connect a shop"},
    "onboarding.button.help": {"ru": "❓ Справка", "en": "❓ Help"},
    "onboarding.button.recheck": {"ru": "🔄 Проверить снова", "en": "🔄 Check again"},
    # /setup by someone who may not connect the group.
    "onboarding.setup.anonymous": {
        "ru": (
            "Вы пишете от имени группы, поэтому я не вижу, кто вы, и не могу проверить права "
            "администратора. Отключите анонимность (настройки группы → Администраторы → вы → "
            "«Анонимность») и отправьте /setup ещё раз."
        ),
        "en": (
            "You are writing as the group, so I cannot see who you are or check your admin "
            "rights. Turn off anonymity (group settings → Administrators → you → Remain "
            "anonymous) and send /setup again."
        ),
    },
    "onboarding.setup.admins_only": {
        "ru": (
            "Подключать группу и проверять мои права могут только её администраторы. "
            "Попросите администратора отправить /setup."
        ),
        "en": "Only admins of this group can connect it and check my rights. Ask an admin to "
        "send /setup.",
    },
    "onboarding.setup.check_failed": {
        "ru": (
            "Telegram сейчас не ответил, какие у меня права в группе. Нажмите "
            "«🔄 Проверить снова» через минуту."
        ),
        "en": "Telegram did not tell me my rights in this group just now. Tap “🔄 Check "
        "again” in a minute.",
    },
    # «🔄 Проверить снова» pressed (callback answers: plain, at most 200 characters).
    "onboarding.recheck.admins_only": {
        "ru": "Проверить и подключить группу могут только её администраторы.",
        "en": "Only admins of this group can check and connect it.",
    },
    "onboarding.recheck.still_missing": {
        "ru": "Пока не готово: {what}. Исправьте и нажмите ещё раз.",
        "en": "Not ready yet: {what}. Fix it and tap again.",
    },
    "onboarding.recheck.not_forum": {"ru": "«Темы» выключены", "en": "Topics are off"},
    "onboarding.recheck.not_admin": {"ru": "я не администратор", "en": "I am not an admin"},
    "onboarding.recheck.rights": {"ru": "нет прав {rights}", "en": "missing rights: {rights}"},
    "onboarding.recheck.connected": {
        "ru": "✅ Группа уже подключена.",
        "en": "✅ The group is already connected.",
    },
    "onboarding.recheck.check_failed": {
        "ru": "Telegram сейчас не ответил. Попробуйте через минуту.",
        "en": "Telegram did not answer just now. Try again in a minute.",
    },
    "onboarding.recheck.gone": {
        "ru": "Это сообщение устарело: отправьте /setup в группе.",
        "en": "This message is out of date: send /setup in the group.",
    },
    # Whatever nothing else answered in a private chat.
    "onboarding.fallback.text": {
        "ru": (
            "Обычные сообщения здесь я не разбираю: покупателю отвечают в его теме в группе. "
            "Что я умею — /help."
        ),
        "en": "I do not read plain messages here: buyers are answered in their topics in the "
        "group. What I can do: /help.",
    },
    "onboarding.fallback.in_wizard": {
        "ru": "Сейчас я жду, что вы нажмёте одну из кнопок выше. Прервать — /cancel.",
        "en": "Right now I am waiting for a tap on one of the buttons above. To stop: /cancel.",
    },
    "onboarding.fallback.command": {
        "ru": "Команды {command} я не знаю. Что я умею — /help.",
        "en": "I do not know the command {command}. What I can do: /help.",
    },
    # The bot's profile (setMyDescription: up to 512 characters; short: up to 120).
    "onboarding.description": {
        "ru": (
            "Я переношу чаты покупателей с Ozon, Wildberries и Яндекс Маркета в темы вашей "
            "Telegram-группы поддержки: у каждого покупателя своя тема с заказом, черновиком "
            "ответа и временем, к которому нужно ответить. Ответ, написанный в теме, уходит "
            "покупателю.\n\nОтправьте /start, чтобы подключить группу и магазин."
        ),
        "en": (
            "I bring buyer chats from Ozon, Wildberries and Yandex Market into topics of your "
            "Telegram support group: one topic per buyer, with the order, a reply draft and "
            "the time to answer by. A reply written in the topic goes to the buyer.\n\n"
            "Send /start to connect a group and a shop."
        ),
    },
    "onboarding.short_description": {
        "ru": "Чаты покупателей Ozon, Wildberries и Яндекс Маркета — в темах вашей группы "
        "поддержки.",
        "en": "Buyer chats from Ozon, Wildberries and Yandex Market, in topics of your support "
        "group.",
    },
    # /help, built from bot.admin.help_catalog.
    "help.section.agents": {"ru": "<b>Для агентов</b>", "en": "<b>For agents</b>"},
    "help.section.admins": {"ru": "<b>Для администраторов</b>", "en": "<b>For admins</b>"},
    "help.line": {"ru": "/{command} — {description}", "en": "/{command} — {description}"},
    "help.details.add_seller": {
        "ru": (
            "Подключить магазин: по шагам или одной строкой "
            "<code>/add_seller ozon Client-Id Api-Key [название]</code>"
        ),
        "en": "Connect a shop: step by step or in one line "
        "<code>/add_seller ozon Client-Id Api-Key [name]</code>",
    },
    "help.footer": {
        "ru": (
            "Чтобы ответить покупателю, напишите сообщение в его теме или нажмите «Отправить» "
            "под черновиком."
        ),
        "en": "To answer a buyer, write a message in their topic or tap Send under the draft.",
    },
    "help.not_connected": {
        "ru": "Группа ещё не подключена: администратору достаточно отправить здесь /setup.",
        "en": "This group is not connected yet: an admin only needs to send /setup here.",
    },
    "command.cancel": {"ru": "Прервать начатое", "en": "Stop what was started"},
}
