"""Texts of durable update processing: what a person is told when the bot gave up on
something they sent. Values are inserted already escaped."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "updates.failed_message": {
        "ru": "⚠️ Я не смог обработать это сообщение: сбой на моей стороне, "
        "оно никуда не ушло. Отправьте его ещё раз через минуту; если не выйдет — "
        "сообщите администратору.",
        "en": "⚠️ The bot could not process this message (a failure on our side); it went "
        "nowhere. Send it again in a minute; if that fails too, tell your administrator.",
    },
    "updates.failed_button": {
        "ru": "⚠️ Я не смог выполнить нажатие кнопки: сбой на моей стороне. Нажмите её "
        "ещё раз через минуту; если не выйдет — сообщите администратору.",
        "en": "⚠️ The bot could not act on a button press (a failure on our side). Press it "
        "again in a minute; if that fails too, tell your administrator.",
    },
}
TEXTS |= {
    # An unexpected failure in a handler, after the retries (the errors router).
    "updates.unexpected": {
        "ru": "⚠️ Что-то пошло не так, ничего не отправлено. Попробуйте ещё раз.",
        "en": "⚠️ Something went wrong; nothing was sent. Please try again.",
    },
}
