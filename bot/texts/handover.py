"""Texts of handing a chat over (/assign, an admin's take-over, the agent buttons) and the
duration part added with them. Names in ``{agent}``, ``{previous}`` are mentions (links
that notify the person), built by :func:`bot.texts.markup.mention`; the phrasing is
gender-free (present tense or «вы»), so it reads right for anyone."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "handover.assigned": {
        "ru": "👉 {agent}, теперь этот чат ведёте вы. Передаёт: {admin}.",
        "en": "👉 {agent}, this chat is yours now, handed over by {admin}.",
    },
    "handover.assigned_from": {
        "ru": "👉 {agent}, теперь этот чат ведёте вы; {previous} его больше не ведёт. "
        "Передаёт: {admin}.",
        "en": "👉 {agent}, this chat is yours now; {previous} no longer owns it. "
        "Handed over by {admin}.",
    },
    "handover.taken_over": {
        "ru": "✋ Теперь чат ведёт {agent}. {previous}, этот чат больше не ваш.",
        "en": "✋ {agent} owns this chat now. {previous}, it is no longer yours.",
    },
    "handover.released_by": {
        "ru": "👐 Чат снова свободен: {previous} его больше не ведёт. Решение: {admin}.",
        "en": "👐 The chat is free again: {previous} no longer owns it. Released by {admin}.",
    },
    "handover.already": {
        "ru": "{agent} уже ведёт этот чат.",
        "en": "{agent} already owns this chat.",
    },
    "handover.pick": {
        "ru": "Кому передать этот чат? Выберите сотрудника или напишите /assign и имя.",
        "en": "Who should take this chat? Pick a person or send /assign with a name.",
    },
    "handover.ambiguous": {
        "ru": "Под «{name}» подходят несколько сотрудников — выберите нужного:",
        "en": "Several people match “{name}”; pick one:",
    },
    "handover.unknown": {
        "ru": "Не нашёл сотрудника с таким именем: «{name}». Могу передать: {known}.",
        "en": "I found nobody called “{name}”. I can hand the chat to: {known}.",
    },
    "handover.unknown_nobody": {
        "ru": (
            "Не нашёл сотрудника с таким именем: «{name}». Я знаю сотрудников, когда они "
            "пишут в группе или нажимают в ней кнопки; пока таких нет."
        ),
        "en": (
            "I found nobody called “{name}”. I get to know people when they write in the "
            "group or press its buttons; nobody has yet."
        ),
    },
    "handover.nobody_known": {
        "ru": (
            "Пока некому передать чат: я знаю сотрудников, когда они пишут в группе или "
            "нажимают в ней кнопки. Можно ответить на сообщение сотрудника командой /assign."
        ),
        "en": (
            "There is nobody to hand the chat to yet: I get to know people when they write "
            "in the group or press its buttons. You can also reply to their message with "
            "/assign."
        ),
    },
    "handover.not_member": {
        "ru": "{agent} сейчас не в группе, передать чат нельзя.",
        "en": "{agent} is not in the group now, so the chat cannot go to them.",
    },
    "handover.not_allowed": {
        "ru": "{agent} не может отвечать покупателям: это выключено в /agents.",
        "en": "{agent} may not answer buyers: it is switched off in /agents.",
    },
    "handover.restricted": {
        "ru": "{agent} не может писать в группе: у этого участника ограничены права.",
        "en": "{agent} cannot write in the group (restricted by an admin).",
    },
    "handover.done": {"ru": "Готово: чат ведёт {agent}", "en": "Done: {agent} owns the chat"},
}
