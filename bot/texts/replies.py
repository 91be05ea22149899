"""Texts about agents' replies toward the marketplace: why one failed for good, and the
"could not verify" check with its two buttons (bot/bridge/reply_checks.py)."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "reply_failed.seller_removed": {
        "ru": (
            "⚠️ Не отправлено: я больше не работаю с магазином «{shop}». Ответьте покупателю в "
            "кабинете Ozon или попросите администратора подключить магазин снова (/sellers)."
        ),
        "en": (
            "⚠️ Not sent: the shop “{shop}” is disconnected from the bot. Answer the buyer in "
            "the Ozon cabinet, or ask an admin to connect the shop again (/sellers)."
        ),
    },
    "reply_failed.file_too_big": {
        "ru": (
            "⚠️ Не отправлено: файл больше 20 МБ, я не могу забрать его из Telegram. "
            "Уменьшите файл (или отправьте ссылку на него) и отправьте снова."
        ),
        "en": (
            "⚠️ Not sent: the file is over 20 MB, which bots cannot download from Telegram. "
            "Make it smaller (or send a link to it) and send it again."
        ),
    },
    "reply_failed.gave_up": {
        "ru": (
            "⚠️ Не отправлено: {attempts} "
            "{attempts:plural:попытка не удалась|попытки не удались|попыток не удались} "
            "({detail}). Покупатель этот "
            "ответ не получил. Отправьте его снова позже или ответьте в кабинете Ozon."
        ),
        "en": (
            "⚠️ Not sent: {attempts} {attempts:plural:attempt|attempts} failed ({detail}). The "
            "buyer did not get this "
            "reply. Send it again later or answer in the Ozon cabinet."
        ),
    },
    "reply_failed.gave_up_unknown": {
        "ru": (
            "⚠️ Не удалось подтвердить отправку после {attempts} "
            "{attempts:plural:попытки|попыток|попыток} ({detail}). "
            "Проверьте чат в кабинете Ozon: если ответа там нет, отправьте его снова."
        ),
        "en": (
            "⚠️ Could not confirm this reply after {attempts} {attempts:plural:attempt|attempts} "
            "({detail}). Check the "
            "chat in the Ozon cabinet: if the reply is not there, send it again."
        ),
    },
    "reply_failed.detail.outcome_unknown": {
        "ru": "Ozon не ответил, дошло ли сообщение",
        "en": "Ozon did not say whether it arrived",
    },
    "reply_failed.detail.retry": {
        "ru": "Ozon или Telegram временно недоступны",
        "en": "Ozon or Telegram was unavailable",
    },
    "reply_failed.detail.unexpected": {
        "ru": "у меня внутренняя ошибка",
        "en": "an internal error of the bot",
    },
    # The check after an upload whose outcome is unknown and that history cannot confirm.
    "reply_check.notice": {
        "ru": (
            "⚠️ Не удалось проверить, дошёл ли до покупателя файл «{name}»: связь с Ozon "
            "прервалась во время отправки, а в истории чата его нельзя узнать наверняка. "
            "Следующие ответы в этом чате ждут. Отправить файл ещё раз (покупатель может "
            "получить его дважды) или не отправлять?"
        ),
        "en": (
            "⚠️ Could not check whether the file “{name}” reached the buyer: the connection "
            "to Ozon broke during the upload and the chat's history cannot tell for sure. "
            "Later replies in this chat are waiting. Send the file again (the buyer may get "
            "it twice) or drop it?"
        ),
    },
    "reply_check.button.send": {"ru": "Отправить всё равно", "en": "Send anyway"},
    "reply_check.button.drop": {"ru": "Не отправлять", "en": "Drop it"},
    "reply_check.status.sent": {
        "ru": "➡️ {who}: отправить ещё раз.",
        "en": "➡️ {who}: send it again.",
    },
    "reply_check.status.dropped": {
        "ru": "✖️ {who}: не отправлять. Следующие ответы чата уходят дальше.",
        "en": "✖️ {who}: dropped. The chat's next replies go on.",
    },
    "reply_check.answer.send": {"ru": "Отправляю ещё раз", "en": "Sending again"},
    "reply_check.answer.drop": {"ru": "Файл не будет отправлен", "en": "The file is dropped"},
    "reply_check.answer.decided": {
        "ru": "Уже решено: этот ответ больше не ждёт решения.",
        "en": "Already decided: this reply no longer waits for a decision.",
    },
    "reply_check.answer.not_allowed": {
        "ru": "Решить может только тот, кто вправе отвечать покупателям, или администратор.",
        "en": "Only a member allowed to answer buyers, or an admin, can decide.",
    },
    "reply_check.answer.not_found": {
        "ru": "Этот ответ не найден: возможно, магазин удалён.",
        "en": "This reply was not found: the shop may have been removed.",
    },
}
