"""Texts of /agents: who may answer buyers."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "command.agents": {"ru": "Кто может отвечать покупателям", "en": "Who may answer buyers"},
    "agents.title": {
        "ru": "👥 Кто отвечает покупателям в «{group}»:",
        "en": "👥 Who answers buyers in “{group}”:",
    },
    "agents.line": {"ru": "{mark} {name}{role}", "en": "{mark} {name}{role}"},
    "agents.admin": {"ru": " — администратор", "en": " — admin"},
    "agents.hint": {
        "ru": (
            "Нажмите на человека, чтобы разрешить ✅ или запретить 🚫 ему отвечать. "
            "Здесь те, кто уже писал в группе; администраторы отвечают всегда."
        ),
        "en": (
            "Tap a person to allow ✅ or forbid 🚫 their answers. Listed are those who "
            "have written in the group; admins may always answer."
        ),
    },
    "agents.empty": {
        "ru": (
            "👥 В «{group}» я пока никого не видел: люди появятся здесь, когда напишут в группе."
        ),
        "en": "👥 I have not seen anyone in “{group}” yet: people appear here once they write.",
    },
    "agents.no_groups": {
        "ru": "Вы не администратор ни одной подключённой группы.",
        "en": "You are not an admin of any connected group.",
    },
    "agents.in_private": {
        "ru": "👥 Список тех, кто может отвечать, — в личном чате со мной: отправьте там /agents.",
        "en": "👥 The list of who may answer is in a private chat with me: send /agents there.",
    },
    "agents.changed": {"ru": "Готово", "en": "Done"},
    "agents.refused": {
        "ru": "Это может менять только администратор группы.",
        "en": "Only a group admin can change this.",
    },
}
