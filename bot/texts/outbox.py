"""Texts of the Telegram queue: what the bot says when Telegram will not show something.

Every permanent refusal is reported once where it belongs (the chat's topic, or General)
with what could not be shown and what to do; values are inserted already escaped.
"""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "outbox.file_as_text": {
        "ru": "📎 Файл «{name}» — Telegram не принял его ни как фото, ни как документ.",
        "en": "📎 File “{name}” — Telegram accepted it neither as a photo nor as a document.",
    },
    "outbox.refused.message": {
        "ru": (
            "⚠️ Не удалось показать здесь сообщение из чата Ozon: {reason}. "
            "Откройте этот чат в кабинете Ozon, чтобы его прочитать."
        ),
        "en": (
            "⚠️ A message from the Ozon chat could not be shown here: {reason}. "
            "Open this chat in the Ozon cabinet to read it."
        ),
    },
    "outbox.refused.file": {
        "ru": (
            "⚠️ Файл «{name}» из чата Ozon не показан: Telegram его не принимает ({reason}). "
            "Откройте его в кабинете Ozon."
        ),
        "en": (
            "⚠️ The file “{name}” from the Ozon chat is not shown: Telegram refuses it "
            "({reason}). Open it in the Ozon cabinet."
        ),
    },
    "outbox.refused.other": {
        "ru": (
            "⚠️ Моё сообщение не отправлено: {reason}. "
            "Повторите действие; если не поможет, проверьте мои права в группе."
        ),
        "en": (
            "⚠️ A bot message was not sent: {reason}. "
            "Try the action again; if that does not help, check the bot's rights here."
        ),
    },
    "outbox.reason.refused": {
        "ru": "Telegram отказал («{detail}»)",
        "en": "Telegram refused it (“{detail}”)",
    },
    "outbox.reason.gave_up": {
        "ru": (
            "у меня внутренняя ошибка, {attempts} {attempts:plural:попытка|попытки|попыток} подряд"
        ),
        "en": (
            "an internal error of the bot, {attempts} {attempts:plural:attempt|attempts} in a row"
        ),
    },
}
