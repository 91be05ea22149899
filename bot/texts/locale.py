"""The bot's languages, and which one a person is spoken to in."""

from typing import Literal, get_args

Locale = Literal["ru", "en"]

LOCALES: tuple[Locale, ...] = get_args(Locale)


def as_locale(language_code: str | None) -> Locale | None:
    """One of ours for a Telegram ``language_code`` (``en``, ``ru-RU``, ``EN_us``), else None."""
    if not language_code:
        return None
    primary = language_code.replace("_", "-").split("-", 1)[0].lower()
    for locale in LOCALES:
        if primary == locale:
            return locale
    return None


def speaking_locale(
    *, chat_type: str | None, language_code: str | None, default: Locale
) -> Locale:
    """A private chat speaks the person's language when it is one of ours; a group, where
    people of several languages read the same words, keeps the configured one."""
    if chat_type == "private":
        return as_locale(language_code) or default
    return default
