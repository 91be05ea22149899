"""Texts of canned replies: /templates, inline mode, and filling variables on relay.

Literal braces in a template here are doubled (``{{``): a single one is a value's place.
"""

from __future__ import annotations

from bot.texts.input_words import Vocabulary
from bot.texts.locale import Locale

#: What an admin may type after /templates (or after a shop's name) → the change.
TEMPLATE_VERBS: Vocabulary[str] = {
    "ru": {"добавить": "add", "изменить": "edit", "удалить": "del"},
    "en": {"add": "add", "edit": "edit", "del": "del", "delete": "del", "remove": "del"},
}

TEXTS: dict[str, dict[Locale, str]] = {
    "help.details.templates": {
        "ru": (
            "Шаблоны ответов: в теме наберите @ и моё имя, затем начало названия "
            "(несколько названий через пробел — вместе)"
        ),
        "en": (
            "Canned replies: in a topic type @ and my name, then the start of a name "
            "(several names with spaces: together)"
        ),
    },
    "command.templates": {"ru": "Шаблоны ответов", "en": "Canned replies"},
    "canned.title": {
        "ru": "📝 Шаблоны ответов ({n}):",
        "en": "📝 Canned replies ({n}):",
    },
    "canned.empty": {
        "ru": "📝 Шаблонов ответов пока нет.",
        "en": "📝 No canned replies yet.",
    },
    "canned.line": {
        "ru": "<b>№{id}</b> {name} — {scope}{mark}\n<i>{preview}</i>",
        "en": "<b>#{id}</b> {name} — {scope}{mark}\n<i>{preview}</i>",
    },
    "canned.scope.group": {"ru": "для всей группы", "en": "whole group"},
    "canned.scope.shop": {"ru": "магазин «{shop}»", "en": "shop “{shop}”"},
    "canned.mark.photo": {"ru": " · 🖼 фото", "en": " · 🖼 photo"},
    "canned.mark.document": {"ru": " · 📎 {file}", "en": " · 📎 {file}"},
    "canned.usage": {
        "ru": (
            "<b>Как вставить шаблон.</b> В теме покупателя наберите {bot} и первые буквы "
            "названия или текста, затем выберите шаблон: он уйдёт от вашего имени, как "
            "обычный ответ. Несколько шаблонов в одном сообщении: наберите их названия "
            "через пробел ({bot} привет доставка) и выберите верхний вариант «Вместе». "
            "Шаблон в заметку для коллег: начните запрос с //.\n"
            "Переменные в фигурных скобках я заполняю, когда отправляю ответ покупателю: "
            "{variables}. Если в чате нет нужного значения (например, заказа), я не "
            "отправлю ответ и напишу об этом в теме."
        ),
        "en": (
            "<b>Inserting a reply.</b> In a buyer's topic type {bot} and the first letters "
            "of a name or text, then pick one: it goes out as your own reply. Several in one "
            "message: type their names with spaces ({bot} hello delivery) and pick the top "
            "result, “Together”. Into a note for colleagues: start the query with //.\n"
            "I fill the variables in braces when I send the reply to the buyer: {variables}. "
            "If the chat has no value for one (say, no order), I do not send the reply and "
            "say so in the topic."
        ),
    },
    "canned.admin_help": {
        "ru": (
            "<b>Для администраторов:</b>\n"
            "<code>/templates добавить название текст</code> — для всей группы;\n"
            "<code>/templates Обувь добавить название текст</code> — для одного магазина "
            "(его название первым);\n"
            "фото или PDF: отправьте файл с этой командой в подписи;\n"
            "<code>/templates изменить 5 новый текст</code> — изменить (с файлом в том же "
            "сообщении — заменить и файл);\n"
            "<code>/templates удалить 5</code> — удалить.\n"
            "Слова команд: {verbs}."
        ),
        "en": (
            "<b>For admins:</b>\n"
            "<code>/templates add name text</code> — for the whole group;\n"
            "<code>/templates Shoes add name text</code> — for one shop (its name first);\n"
            "a photo or a PDF: send the file with that command as its caption;\n"
            "<code>/templates edit 5 new text</code> — change it (a file in the same "
            "message replaces the file too);\n"
            "<code>/templates del 5</code> — delete it.\n"
            "Command words: {verbs}."
        ),
    },
    "canned.inline_off": {
        "ru": (
            "⚠️ Встроенный режим у меня выключен, поэтому {bot} в темах пока ничего не "
            "покажет. Тот, кто меня создал, включает его в @BotFather: /setinline, выбрать меня, "
            "ввести подсказку (например, «шаблон»)."
        ),
        "en": (
            "⚠️ My inline mode is off, so {bot} in topics shows nothing yet. The bot's "
            "owner turns it on in @BotFather: /setinline, pick me, enter a placeholder "
            "(e.g. “template”)."
        ),
    },
    "canned.var.buyer": {"ru": "имя покупателя", "en": "buyer's name"},
    "canned.var.order": {"ru": "номер заказа", "en": "order number"},
    "canned.var.posting": {"ru": "номер отправления", "en": "posting number"},
    "canned.var.product": {"ru": "товар", "en": "product"},
    "canned.var.link": {"ru": "ссылка на товар", "en": "product link"},
    "canned.var.shop": {"ru": "магазин", "en": "shop"},
    "canned.var.marketplace": {"ru": "маркетплейс", "en": "marketplace"},
    "canned.var.deadline": {"ru": "срок ответа", "en": "reply deadline"},
    "canned.var.line": {"ru": "{name} — {meaning}", "en": "{name} — {meaning}"},
    "canned.added": {
        "ru": "✅ Шаблон «{name}» сохранён под №{id}.",
        "en": "✅ Canned reply “{name}” saved as #{id}.",
    },
    "canned.updated": {
        "ru": "✅ Шаблон №{id} «{name}» изменён.",
        "en": "✅ Canned reply #{id} “{name}” changed.",
    },
    "canned.deleted": {
        "ru": "🗑 Шаблон №{id} «{name}» удалён.",
        "en": "🗑 Canned reply #{id} “{name}” deleted.",
    },
    "canned.error.unknown_variable": {
        "ru": "Не сохранил: я не знаю переменных {names}. Можно использовать: {known}.",
        "en": "Not saved: I do not know the variables {names}. Known ones: {known}.",
    },
    "canned.error.usage": {
        "ru": (
            "Не понял команду. Например: <code>/templates добавить привет Здравствуйте! "
            "Ваш заказ {{заказ}}</code>."
        ),
        "en": (
            "I did not get that. For example: <code>/templates add hello Hello! "
            "Your order {{order}}</code>."
        ),
    },
    "canned.error.exists": {
        "ru": "Шаблон «{name}» уже есть: выберите другое название или измените этот шаблон.",
        "en": "There is already a canned reply “{name}”: pick another name or edit it.",
    },
    "canned.error.not_found": {
        "ru": "Шаблона №{id} у вас нет. Список: /templates.",
        "en": "You have no canned reply #{id}. The list: /templates.",
    },
    "canned.error.no_shop": {
        "ru": "Этого магазина у вас нет: список магазинов — в /sellers.",
        "en": "You have no such shop: the list of shops is in /sellers.",
    },
    "canned.error.which_group": {
        "ru": (
            "Вы администратор нескольких групп: отправьте эту команду в нужной группе "
            "или начните с названия магазина."
        ),
        "en": (
            "You manage several groups: send this command in the group it is for, or put "
            "the shop's name first."
        ),
    },
    "canned.error.file_type": {
        "ru": "К шаблону можно приложить только фото или PDF.",
        "en": "A canned reply may carry only a photo or a PDF.",
    },
    "canned.error.too_long": {
        "ru": (
            "Текст шаблона слишком длинный: {length} из {limit} "
            "{limit:plural:символа|символов|символов} — сократите его."
        ),
        "en": (
            "The text is too long: {length} of {limit} "
            "{limit:plural:character|characters}; shorten it."
        ),
    },
    "canned.error.name_too_long": {
        "ru": (
            "Название слишком длинное: можно {limit} "
            "{limit:plural:символ|символа|символов}, сократите его."
        ),
        "en": "The name is too long: {limit} {limit:plural:character|characters} at most.",
    },
    "canned.error.empty": {
        "ru": "У шаблона нет ни текста, ни файла.",
        "en": "The canned reply has neither text nor a file.",
    },
    "canned.inline.together": {"ru": "Вместе: {names}", "en": "Together: {names}"},
    "canned.inline.note": {"ru": "🙈 В заметку: {name}", "en": "🙈 As a note: {name}"},
    "canned.inline.scope_shop": {"ru": "{shop}", "en": "{shop}"},
    "canned.inline.scope_group": {"ru": "вся группа «{group}»", "en": "whole group “{group}”"},
    "canned.inline.not_allowed": {
        "ru": "Шаблоны — для тех, кто отвечает покупателям",
        "en": "Canned replies are for those who answer buyers",
    },
    "canned.inline.nothing": {
        "ru": "Подходящих шаблонов нет",
        "en": "No matching canned replies",
    },
    "canned.start": {
        "ru": (
            "Шаблоны ответов видят только те, кто может отвечать покупателям в группе "
            "с моими темами. Если вы отвечаете, попросите администратора группы проверить "
            "вас в /agents; список шаблонов — /templates в группе."
        ),
        "en": (
            "Canned replies are shown only to people who may answer buyers in a group with "
            "my topics. If you do, ask the group's admin to check you in /agents; the list "
            "is /templates in the group."
        ),
    },
    "canned.missing_value": {
        "ru": (
            "⚠️ Не отправил покупателю: в этом чате нет значения для {names}. Уберите "
            "{n:plural:эту переменную|эти переменные|эти переменные} из текста или "
            "впишите значение сами и отправьте заново."
        ),
        "en": (
            "⚠️ Not sent to the buyer: this chat has no value for {names}. Remove "
            "{n:plural:that variable|those variables} or type the value yourself, and send "
            "again."
        ),
    },
    "canned.receipt": {
        "ru": "✅ Покупатель получил:\n<blockquote>{text}</blockquote>",
        "en": "✅ The buyer got:\n<blockquote>{text}</blockquote>",
    },
}
