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
        "ru": "⏳ Вложение ещё на модерации {marketplace}; покажу, когда она закончится.",
        "en": "⏳ The attachment is still in {marketplace}'s moderation; shown once it clears.",
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
    "marketplace.unsupported": {
        "ru": (
            "⚠️ Магазин «{shop}» на площадке, которую этот бот не обслуживает ({code}). "
            "Обновите бота или удалите магазин (/sellers)."
        ),
        "en": (
            "⚠️ The shop “{shop}” is on a marketplace this bot does not serve ({code}). "
            "Update the bot or remove the shop (/sellers)."
        ),
    },
}
